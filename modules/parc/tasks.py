"""Tenant-aware tasks of the parc automobile: each imports its service inside the function and calls it
(jamaa.platform.celery_app carries the commune's schema). No business logic here."""

from __future__ import annotations

from jamaa.platform.celery_app import app

EXPIRY_TASK = "jamaa.modules.parc.tasks.expiry_announce"


@app.task(name=EXPIRY_TASK)
def expiry_announce() -> int:
    """Daily, in every active commune (the beat entry is added by the app's ready()): announce the documents that
    lapse in 30 or 7 days or have lapsed. Returns how many notices were written."""
    from . import services

    return len(services.expiry_announce())
