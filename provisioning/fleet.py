"""Fleet migrations: public, the template and every commune, fast when there is nothing to do.

A schema whose `django_migrations` already holds every migration on disk is skipped after one shared query,
without loading the migration machinery for it. The others are migrated in worker processes (bounded), each
schema on its own, with Django's executor but without what `migrate_schemas` repeats per schema (system
checks, command parsing, post_migrate when no model was created or removed). Each schema's outcome is recorded
in `SchemaMigrationStatus`; a failing commune does not stop the others, and a re-run finishes the job.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import AlterModelOptions, CreateModel, DeleteModel, RenameModel

from jamaa.platform.db import is_citus, tenant_connection, use_public_schema
from jamaa.tenants.models import Commune

from .clone import TEMPLATE_SCHEMA, migration_nodes, quote
from .models import SchemaMigrationStatus

logger = logging.getLogger(__name__)
PUBLIC = "public"
FLEET_LOCK = 7_220_001  # pg_advisory_lock key: one fleet migration at a time


@dataclass(frozen=True)
class SchemaOutcome:
    schema: str
    ok: bool
    applied: int
    last_migration: str
    duration_s: float
    error: str = ""
    skipped: bool = False


@dataclass(frozen=True)
class FleetReport:
    outcomes: list[SchemaOutcome]
    seconds: float

    @property
    def failed(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def migrated(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.ok and not o.skipped]

    @property
    def skipped(self) -> list[SchemaOutcome]:
        return [o for o in self.outcomes if o.skipped]


def fleet_schemas() -> list[str]:
    """Public, the template, then every commune's schema (existing schemas only)."""
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.tenants_commune') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return [PUBLIC]  # a new database: public is migrated first
    communes = list(
        Commune.objects.exclude(schema_name=PUBLIC).order_by("schema_name").values_list("schema_name", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [[TEMPLATE_SCHEMA, *communes]])
        existing = {row[0] for row in cursor.fetchall()}
    return [PUBLIC, *[s for s in [TEMPLATE_SCHEMA, *communes] if s in existing]]


def applied_by_schema(schemas: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    """Every schema's applied migrations, in one round trip."""
    schemas = list(schemas)
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname FROM pg_tables WHERE tablename = 'django_migrations' AND schemaname = ANY(%s)",
            [schemas],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        result: dict[str, set[tuple[str, str]]] = {s: set() for s in schemas}
        if with_table:
            union = " UNION ALL ".join(f"SELECT %s, app, name FROM {quote(s)}.django_migrations" for s in with_table)
            cursor.execute(union, with_table)
            for schema, app, name in cursor.fetchall():
                result[schema].add((app, name))
    return result


def schemas_needing_migration(schemas: Iterable[str]) -> list[str]:
    expected = migration_nodes()
    return [s for s, applied in applied_by_schema(schemas).items() if not expected <= applied]


_MODEL_OPERATIONS = (CreateModel, DeleteModel, RenameModel, AlterModelOptions)


def migrate_schema(schema: str) -> SchemaOutcome:
    """Apply the pending migrations of one schema in this process. Never raises: failures are in the outcome."""
    started = time.perf_counter()
    conn = tenant_connection()
    applied = 0
    last = ""
    try:
        if schema == PUBLIC:
            conn.set_schema_to_public()
        else:
            conn.set_schema(schema)  # type: ignore[attr-defined]
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        if plan:
            executor.migrate(targets, plan=plan)
            applied = sum(1 for _m, backwards in plan if not backwards)
            if any(isinstance(op, _MODEL_OPERATIONS) for migration, _b in plan for op in migration.operations):
                from django.apps import apps
                from django.core.management.sql import emit_post_migrate_signal

                emit_post_migrate_signal(0, False, connection.alias, apps=apps, plan=plan)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT app || '.' || name FROM {quote(schema)}.django_migrations ORDER BY id DESC LIMIT 1")
            row = cursor.fetchone()
            last = str(row[0]) if row else ""
        return SchemaOutcome(schema, True, applied, last, time.perf_counter() - started)
    except Exception as exc:  # recorded and reported; the fleet goes on
        logger.exception("migrating schema %s failed", schema)
        return SchemaOutcome(
            schema, False, applied, last, time.perf_counter() - started, f"{exc.__class__.__name__}: {exc}"
        )
    finally:
        conn.set_schema_to_public()


def _worker_init() -> None:
    # The parent closed its connections before forking; make sure nothing inherited is reused.
    for conn in connections.all(initialized_only=True):
        conn.connection = None


def _record(outcomes: list[SchemaOutcome]) -> None:
    use_public_schema()
    for o in outcomes:
        if o.skipped and SchemaMigrationStatus.objects.filter(schema_name=o.schema, ok=True).exists():
            continue
        SchemaMigrationStatus.objects.update_or_create(
            schema_name=o.schema,
            defaults={
                "last_migration": o.last_migration,
                "ok": o.ok,
                "error": o.error,
                "duration_s": o.duration_s,
                "applied": o.applied,
            },
        )


def fleet_migrate(
    *, jobs: int = 2, only: Iterable[str] | None = None, progress: Callable[[SchemaOutcome], None] | None = None
) -> FleetReport:
    """Migrate public, then the template and the communes in `jobs` processes. Records every outcome.

    Holds an advisory lock so two fleet migrations never run at once (raises RuntimeError if one does).
    """
    started = time.perf_counter()
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [FLEET_LOCK])
        if not cursor.fetchone()[0]:
            raise RuntimeError("another `jamaa fleet migrate` is running")
    try:
        outcomes: list[SchemaOutcome] = []
        # Public first, in this process: the communes' migrations may depend on it.
        if schemas_needing_migration([PUBLIC]):
            outcome = migrate_schema(PUBLIC)
            _emit(outcomes, outcome, progress)
            if not outcome.ok:
                _record(outcomes)
                return FleetReport(outcomes, time.perf_counter() - started)
        else:
            _emit(outcomes, _skipped(PUBLIC), progress)
        _template_ensure()
        schemas = [
            s for s in fleet_schemas() if s != PUBLIC and (only is None or s in set(only) or s == TEMPLATE_SCHEMA)
        ]
        pending = schemas_needing_migration(schemas)
        for schema in schemas:
            if schema not in pending:
                _emit(outcomes, _skipped(schema), progress)
        if pending:
            # The template first: new communes are cloned from it.
            if TEMPLATE_SCHEMA in pending:
                pending.remove(TEMPLATE_SCHEMA)
                _emit(outcomes, migrate_schema(TEMPLATE_SCHEMA), progress)
            if jobs <= 1 or len(pending) <= 1:
                for schema in pending:
                    _emit(outcomes, migrate_schema(schema), progress)
            else:
                connections.close_all()  # children open their own
                ctx = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init) as pool:
                    futures = [pool.submit(migrate_schema, schema) for schema in pending]
                    for future in as_completed(futures):
                        _emit(outcomes, future.result(), progress)
        _record(outcomes)
        _spares_renew()
        return FleetReport(outcomes, time.perf_counter() - started)
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [FLEET_LOCK])


def _spares_renew() -> None:
    """Spares made before this run's migrations are dropped; the pool is topped up from the template."""
    from .spares import spare_refill, spares_drop_stale

    use_public_schema()
    spares_drop_stale()
    if not schemas_needing_migration([TEMPLATE_SCHEMA]):
        spare_refill()


def _skipped(schema: str) -> SchemaOutcome:
    return SchemaOutcome(schema, True, 0, "", 0.0, skipped=True)


def _emit(
    outcomes: list[SchemaOutcome], outcome: SchemaOutcome, progress: Callable[[SchemaOutcome], None] | None
) -> None:
    outcomes.append(outcome)
    if progress is not None:
        progress(outcome)


def _template_ensure() -> None:
    """Create the template schema if this database has none yet (it is then migrated with the fleet)."""
    use_public_schema()
    with transaction.atomic(), connection.cursor() as cursor:
        if is_citus():  # the template stays a local schema on the coordinator: clones are distributed (clone.py)
            cursor.execute("SET LOCAL citus.enable_schema_based_sharding = off")
        cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(TEMPLATE_SCHEMA)}")


def template_migrate() -> SchemaOutcome:
    """Bring the template to the current migration state (creating it if needed), in this process."""
    _template_ensure()
    if not schemas_needing_migration([TEMPLATE_SCHEMA]):
        return _skipped(TEMPLATE_SCHEMA)
    outcome = migrate_schema(TEMPLATE_SCHEMA)
    _record([outcome])
    return outcome


@dataclass(frozen=True)
class StatusRow:
    schema: str
    commune: str
    status: str
    last_migration: str
    ok: bool
    error: str
    duration_s: float
    pending: int


def fleet_status() -> list[StatusRow]:
    """Every schema with its last recorded migration run and how many migrations it still lacks."""
    schemas = fleet_schemas()
    applied = applied_by_schema(schemas)
    expected = migration_nodes()
    recorded = {r.schema_name: r for r in SchemaMigrationStatus.objects.all()}
    communes = {c.schema_name: c for c in Commune.objects.all()}
    rows = []
    for schema in schemas:
        rec = recorded.get(schema)
        commune = communes.get(schema)
        rows.append(
            StatusRow(
                schema=schema,
                commune=commune.slug if commune else ("(platform)" if schema == PUBLIC else "(template)"),
                status=commune.status if commune else "",
                last_migration=rec.last_migration if rec else "",
                ok=rec.ok if rec else True,
                error=rec.error if rec else "",
                duration_s=rec.duration_s if rec else 0.0,
                pending=len(expected - applied[schema]),
            )
        )
    return rows
