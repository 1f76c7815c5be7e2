"""Central support's periodic jobs, run in the public schema by the one beat (`tenant_schemas: ["public"]`)."""

from __future__ import annotations

from typing import Any

from jamaa.platform.celery_app import app

from . import selectors, services


@app.task(name="jamaa.platform.support.tasks.backups_scheduled")
def backups_scheduled() -> dict[str, str]:
    """Every active commune's backup queued as a task of its own, which any worker takes: one after the other in
    one task, 1,503 communes at ~18 s each would take the night (docs/scale.md)."""
    slugs = selectors.backup_slugs()
    for slug in slugs:
        backup_commune.delay(slug)
    return {slug: "queued" for slug in slugs}


@app.task(name="jamaa.platform.support.tasks.backup_commune")
def backup_commune(slug: str) -> dict[str, str]:
    """One commune backed up, then its backups pruned (daily 7, weekly 4, monthly 12)."""
    return services.backups_scheduled(slugs=[slug])


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
