"""The Celery app: tenant-aware, so a task always runs in the schema of the commune that sent it."""

from __future__ import annotations

import logging
import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")

logger = logging.getLogger(__name__)

app = CeleryApp("jamaa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: __import__("django.conf").conf.settings.INSTALLED_APPS)


def announce_eager_mode() -> None:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        logger.warning("REDIS_URL is not set: background tasks run eagerly, inside the web process.")
