"""Provisioning tasks (public schema)."""

from __future__ import annotations

from jamaa.platform.celery_app import app


@app.task(name="jamaa.provisioning.tasks.spares_refill")
def spares_refill_task() -> int:
    """Top up the pool of spare schemas after an onboarding."""
    from .spares import spare_refill

    return spare_refill()
