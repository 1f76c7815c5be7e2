"""Spare schemas: commune schemas cloned from the template ahead of time.

Onboarding then takes a spare (row lock, SKIP LOCKED: two onboardings never share one) and renames it:
`ALTER SCHEMA … RENAME` keeps every object and name inside, and references between them are by OID, so the
renamed schema is exactly the clone. The pool is refilled by a Celery task (queued after each onboarding, after a
fleet migration that dropped stale spares, and on the beat), or by `jamaa fleet spares`. A spare made before the
last migration is dropped, never used.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, transaction

from jamaa.platform.db import is_citus, use_public_schema
from jamaa.platform.db_roles import schema_grant_app_roles

from .clone import applied_migrations, clone_template, migration_nodes, quote
from .models import SpareSchema

SPARE_PREFIX = "_spare_"
REFILL_LOCK = 7_220_002  # pg_advisory_lock key: one refill at a time


def spare_target() -> int:
    return int(getattr(settings, "JAMAA_SPARE_SCHEMAS", 2))


def spare_take(*, target: str) -> bool:
    """Rename a current spare to `target` inside the caller's transaction. False when none is usable."""
    use_public_schema()
    expected = migration_nodes()
    while True:
        spare = SpareSchema.objects.select_for_update(skip_locked=True).order_by("created_at").first()
        if spare is None:
            return False
        name = spare.schema_name
        spare.delete()
        if expected <= applied_migrations(name):
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER SCHEMA {quote(name)} RENAME TO {quote(target)}")
            return True
        with connection.cursor() as cursor:  # stale: made before the last migration
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(name)} CASCADE")


def spare_refill(*, count: int | None = None) -> int:
    """Clone the template until the pool holds `count` spares (default JAMAA_SPARE_SCHEMAS). Returns how many
    were made. Raises TemplateNotReady like a clone would."""
    use_public_schema()
    if is_citus():
        return 0  # no template clone on Citus, hence no spares (clone_template)
    wanted = spare_target() if count is None else count
    with connection.cursor() as cursor:  # one refill at a time (tasks queued by onboardings, the beat, the CLI)
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFILL_LOCK])
        if not cursor.fetchone()[0]:
            return 0  # another refill is topping the pool up
    try:
        made = 0
        while SpareSchema.objects.count() < wanted:
            name = f"{SPARE_PREFIX}{uuid.uuid4().hex[:12]}"
            with transaction.atomic():
                clone_template(target=name)
                schema_grant_app_roles(schema=name)  # done here, not in the onboarding that takes it (a rename)
                SpareSchema.objects.create(schema_name=name)
            made += 1
        return made
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REFILL_LOCK])


def spares_drop_stale() -> int:
    """Drop spares that lack a migration (after a deploy). Returns how many were dropped."""
    use_public_schema()
    expected = migration_nodes()
    dropped = 0
    for spare in SpareSchema.objects.all():
        if not expected <= applied_migrations(spare.schema_name):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {quote(spare.schema_name)} CASCADE")
                spare.delete()
            dropped += 1
    return dropped
