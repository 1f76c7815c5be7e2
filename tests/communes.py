"""Helpers for tests that make a commune of their own (committed) and must leave nothing of it behind."""

from __future__ import annotations

from django.db import connection

from jamaa.tenants.models import Commune, Domain
from jamaa.tenants.routing import routing_table


def drop_commune(slug: str) -> None:
    """The commune's schema, domains and row gone, and no process-local route left to it."""
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{slug.replace("-", "_")}" CASCADE')
    Domain.objects.filter(tenant__slug=slug).delete()
    Commune.objects.filter(slug=slug).delete()
    routing_table.clear()
