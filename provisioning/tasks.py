"""Provisioning tasks (public schema)."""

from __future__ import annotations

from jamaa.platform.celery_app import app
from jamaa.platform.db import owner_connection


@app.task(name="jamaa.provisioning.tasks.spares_refill")
def spares_refill_task() -> int:
    """Top up the pool of spare schemas after an onboarding."""
    from .spares import spare_refill

    with owner_connection():  # schema DDL: the owner role (ADR 0003)
        return spare_refill()


@app.task(name="jamaa.provisioning.tasks.legacy_import")
def legacy_import_task(*, run_id: int) -> str:
    """Run a legacy civil-registry import queued from the console (the import switches to the commune's schema)."""
    from .legacy.runs import legacy_import_run_execute

    with owner_connection():  # bulk DDL and historical numbers: the owner role (ADR 0003)
        return str(legacy_import_run_execute(run_id=run_id).status)
