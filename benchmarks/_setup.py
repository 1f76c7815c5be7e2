"""Shared start for the benchmark scripts: the app's settings, DATABASE_URL like the app reads it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("JAMAA_HTTPS", "0")
os.environ.setdefault("JAMAA_LOG_LEVEL", "WARNING")


def setup() -> None:
    import django

    django.setup()


def drop_communes(prefix: str) -> None:
    """Remove every commune whose slug starts with `prefix` (schemas, domains, rows)."""
    from django.db import connection

    from jamaa.tenants.models import Commune, Domain

    connection.set_schema_to_public()
    for commune in Commune.objects.filter(slug__startswith=prefix):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
        Domain.objects.filter(tenant=commune).delete()
        commune.delete()
