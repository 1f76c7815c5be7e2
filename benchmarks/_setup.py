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
    """Django set up on DATABASE_URL's database, created and migrated (public and the template) when it is new:
    each benchmark runs alone on a fresh machine, in any order."""
    import django

    django.setup()
    _database_ready()


def _database_ready() -> None:
    import psycopg2
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.tenants_commune') IS NOT NULL")
        migrated = cursor.fetchone()[0]
    if not migrated:
        call_command("fleet", "migrate", "--jobs", "1", verbosity=0)


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
