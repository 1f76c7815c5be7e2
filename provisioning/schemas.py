"""Building a commune's schema."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection, transaction

from jamaa.platform.db import is_citus, use_public_schema
from jamaa.tenants.models import Commune


def schema_build(*, commune: Commune) -> None:
    """Create the commune's schema and bring it to the current migration state."""
    use_public_schema()
    citus = is_citus()
    with transaction.atomic(), connection.cursor() as cursor:
        if citus:  # built as a local schema (each DDL stays on the coordinator), distributed once populated
            cursor.execute("SET LOCAL citus.enable_schema_based_sharding = off")
        cursor.execute(f'CREATE SCHEMA "{commune.schema_name}"')
    call_command("migrate_schemas", schema_name=commune.schema_name, interactive=False, verbosity=0)
    use_public_schema()
