"""Building a commune's schema."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection

from jamaa.platform.db import use_public_schema
from jamaa.tenants.models import Commune


def schema_build(*, commune: Commune) -> None:
    """Create the commune's schema and bring it to the current migration state."""
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{commune.schema_name}"')
    call_command("migrate_schemas", schema_name=commune.schema_name, interactive=False, verbosity=0)
    use_public_schema()
