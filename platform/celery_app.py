"""The Celery app: tenant-aware, so a task always runs in the schema of the commune that sent it."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.db.models import QuerySet
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")

logger = logging.getLogger(__name__)

app = CeleryApp("jamaa")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(lambda: __import__("django.conf").conf.settings.INSTALLED_APPS)


class CommuneScheduler(TenantAwarePersistentScheduler):
    """Celery beat that fires per-commune entries in each *active* commune's schema.

    Entries with `tenant_schemas: None` go to every active commune; suspended, archived and provisioning
    communes are skipped.
    """

    @classmethod
    def get_queryset(cls) -> QuerySet[Any]:
        from jamaa.tenants.models import Commune, CommuneStatus

        return Commune.objects.filter(status=CommuneStatus.ACTIVE)


def announce_eager_mode() -> None:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        logger.warning("REDIS_URL is not set: background tasks run eagerly, inside the web process.")
