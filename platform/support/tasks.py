"""Central support's periodic jobs, run in the public schema by the one beat (`tenant_schemas: ["public"]`)."""

from __future__ import annotations

from typing import Any

from jamaa.platform.celery_app import app

from . import services


@app.task(name="jamaa.platform.support.tasks.backups_scheduled")
def backups_scheduled() -> dict[str, str]:
    """Every active commune backed up, then each one's backups pruned (daily 7, weekly 4, monthly 12)."""
    return services.backups_scheduled()


@app.task(name="jamaa.platform.support.tasks.restore_drill")
def restore_drill() -> dict[str, Any] | None:
    """One commune a day: its latest backup restored under a scratch name, compared, dropped."""
    drill = services.restore_drill_run()
    return None if drill is None else {"slug": drill.slug, "ok": drill.ok, "mismatches": drill.mismatches}


@app.task(name="jamaa.platform.support.tasks.health_check")
def health_check() -> list[str]:
    """Thresholds checked: alerts opened (console, email) or cleared."""
    return [f"{a.schema_name}:{a.code}" for a in services.alerts_evaluate()]


@app.task(name="jamaa.platform.support.tasks.sizes_snapshot")
def sizes_snapshot() -> int:
    return services.sizes_snapshot()
