"""Tenant-aware tasks of Portail citoyen: each takes ids, imports its service inside the function, calls it and
handles retries (jamaa.platform.celery_app carries the commune's schema). No business logic here; services queue
tasks with transaction.on_commit."""

from __future__ import annotations

from jamaa.platform.celery_app import app


@app.task(name="jamaa.modules.portail.tasks.figures_refresh")
def figures_refresh() -> int:
    """The commune's published figures recomputed (settings.CELERY_BEAT_SCHEDULE["portail-figures"])."""
    from . import services

    return services.figures_refresh()
