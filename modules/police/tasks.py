"""Tenant-aware tasks of the police administrative: each imports its service inside the function and calls it
(jamaa.platform.celery_app carries the commune's schema; the beat fires `commune_daily` in every active commune,
settings.CELERY_BEAT_SCHEDULE["police-daily"]). No business logic here."""

from __future__ import annotations

from jamaa.platform.celery_app import app


@app.task(name="jamaa.modules.police.tasks.commune_daily")
def commune_daily() -> dict[str, int]:
    """The day's ordres, renewal notices and expiries of this commune."""
    from . import services

    run = services.commune_daily()
    return {"expired": run.expired, "ordres": run.ordres, "notices": run.notices}
