"""Celery beat scheduler that fires per-commune entries in each *active* commune's schema."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

from .models import Commune, CommuneStatus


class CommuneScheduler(TenantAwarePersistentScheduler):
    """Entries with `tenant_schemas: None` go to every active commune; suspended, archived and
    provisioning communes are skipped. Run exactly one beat (`jamaa beat`)."""

    @classmethod
    def get_queryset(cls) -> QuerySet[Any]:
        active: QuerySet[Any] = Commune.objects.filter(status=CommuneStatus.ACTIVE)
        return active
