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
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import (
    AddConstraint,
    AddField,
    AddIndex,
    AlterField,
    AlterModelManagers,
    AlterModelOptions,
    AlterUniqueTogether,
    CreateModel,
    DeleteModel,
    RemoveConstraint,
    RemoveField,
    RemoveIndex,
    RenameField,
    RenameIndex,
    RenameModel,
)

from jamaa.platform.db import is_citus, tenant_connection, use_public_schema
from jamaa.tenants.models import Commune

from .clone import TEMPLATE_SCHEMA, catalog_snapshot, migration_nodes, quote
from .models import SchemaMigrationStatus, SpareSchema

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


_MISSING_CHUNK = 500  # schemas per query: bounds the locks one statement takes (one per django_migrations)


def missing_by_schema(schemas: Iterable[str], among: Iterable[tuple[str, str]] | None = None) -> dict[str, int]:
    """How many of the migrations on disk (or of `among`) each schema lacks, counted by the server: one query per
    500 schemas, one row per schema (not every schema's history sent back to Python)."""
    schemas = list(schemas)
    expected = sorted(migration_nodes() if among is None else among)
    apps, names = [a for a, _n in expected], [n for _a, n in expected]
    use_public_schema()
    result = {s: len(expected) for s in schemas}  # no django_migrations table: everything is missing
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname FROM pg_tables WHERE tablename = 'django_migrations' AND schemaname = ANY(%s)",
            [schemas],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        for i in range(0, len(with_table), _MISSING_CHUNK):
            chunk = with_table[i : i + _MISSING_CHUNK]
            union = " UNION ALL ".join(
                f"SELECT %s, count(*) FROM expected e WHERE NOT EXISTS (SELECT 1 FROM {quote(s)}.django_migrations m "
                "WHERE m.app = e.app AND m.name = e.name)"
                for s in chunk
            )
            cursor.execute(
                f"WITH expected(app, name) AS MATERIALIZED (SELECT * FROM unnest(%s::text[], %s::text[])) {union}",
                [apps, names, *chunk],
            )
            result.update({schema: int(missing) for schema, missing in cursor.fetchall()})
    return result


def schemas_needing_migration(schemas: Iterable[str]) -> list[str]:
    return [s for s, missing in missing_by_schema(schemas).items() if missing]


_MODEL_OPERATIONS = (CreateModel, DeleteModel, RenameModel, AlterModelOptions)
# Operations whose SQL is the same in every schema built like the template (clone.py reproduces every name), does
# not depend on the rows, and adds or removes no model (no content type or permission to create afterwards).
_REPLAYABLE = (
    AddField,
    AlterField,
    RemoveField,
    RenameField,
    AddIndex,
    RemoveIndex,
    RenameIndex,
    AddConstraint,
    RemoveConstraint,
    AlterUniqueTogether,
    AlterModelManagers,
)


@dataclass(frozen=True)
class Replay:
    """The SQL of the template's pending migrations, collected once, to run as is in each commune lacking exactly
    those migrations (instead of Django's executor rebuilding the migration state in every schema)."""

    migrations: tuple[tuple[str, str], ...]  # in the order applied
    sql: str


def replay_prepare() -> Replay | None:
    """Collect the template's pending migrations as SQL, before the template is migrated (the schema editor reads
    constraint names from the template as it is). None when a pending migration is not a plain schema operation
    (RunPython, RunSQL, a model created or deleted…), is not atomic or replaces others: then every schema goes
    through the executor."""
    if is_citus():
        return None  # each DDL is forwarded to a worker there: the executor's path, tested on Citus
    conn = tenant_connection()
    try:
        conn.set_schema(TEMPLATE_SCHEMA)  # type: ignore[attr-defined]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan or any(
            backwards
            or migration.replaces
            or not migration.atomic
            or not all(type(op) in _REPLAYABLE for op in migration.operations)
            for migration, backwards in plan
        ):
            return None
        statements = executor.loader.collect_sql(plan)
    finally:
        conn.set_schema_to_public()
    sql = "\n".join(line for line in statements if not line.startswith("--"))
    return Replay(migrations=tuple((m.app_label, m.name) for m, _b in plan), sql=sql)


def replay_schema(
    schema: str, replay: Replay, *, against: dict[str, list[tuple[object, ...]]] | None = None
) -> SchemaOutcome:
    """Run the collected SQL and record the migrations in `schema`, in one transaction. With `against` (the
    migrated template's structure), the result is compared with it before committing: a difference rolls back
    and raises ReplayMismatch. Other failures fall back to the executor for this schema."""
    started = time.perf_counter()
    use_public_schema()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL search_path = {quote(schema)}, public")
            if replay.sql:
                cursor.execute(replay.sql)
            cursor.execute(
                f"INSERT INTO {quote(schema)}.django_migrations (app, name, applied) "
                "SELECT app, name, now() FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS m(app, name, i) "
                "ORDER BY i",
                [[a for a, _n in replay.migrations], [n for _a, n in replay.migrations]],
            )
            if against is not None:
                got = _structure(schema)
                if got != against:
                    differing = sorted(k for k in against if got.get(k) != against[k])
                    raise ReplayMismatch(f"{schema} differs from the template after replay: {', '.join(differing)}")
    except ReplayMismatch:
        raise
    except Exception:  # the executor gives this schema its real outcome (and error, if any)
        logger.warning("replaying the template's migrations in %s failed; using the executor", schema, exc_info=True)
        return migrate_schema(schema)
    finally:
        use_public_schema()
    app, name = replay.migrations[-1]
    return SchemaOutcome(schema, True, len(replay.migrations), f"{app}.{name}", time.perf_counter() - started)


class ReplayMismatch(Exception):
    """A schema after replay is not what the template became under Django's executor."""


def _structure(schema: str) -> dict[str, list[tuple[object, ...]]]:
    """The schema's catalog snapshot without what differs between a commune and the template by their rows
    (sequence positions)."""
    with transaction.atomic():  # its SET LOCAL search_path then holds: public objects are printed the same way
        snapshot = catalog_snapshot(schema)
    snapshot["sequences"] = [row[:8] + row[9:] for row in snapshot["sequences"]]
    return snapshot


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
    """Each schema's outcome in `SchemaMigrationStatus`, in two queries whatever the fleet's size. A skipped schema
    keeps its last recorded success (its last migration run stays visible)."""
    use_public_schema()
    skipped = [o.schema for o in outcomes if o.skipped]
    recorded_ok = set(
        SchemaMigrationStatus.objects.filter(schema_name__in=skipped, ok=True).values_list("schema_name", flat=True)
    )
    rows = [
        SchemaMigrationStatus(
            schema_name=o.schema,
            last_migration=o.last_migration,
            ok=o.ok,
            error=o.error,
            duration_s=o.duration_s,
            applied=o.applied,
        )
        for o in outcomes
        if not (o.skipped and o.schema in recorded_ok)
    ]
    SchemaMigrationStatus.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["schema_name"],
        update_fields=["last_migration", "ok", "error", "duration_s", "applied", "updated_at"],
    )


def fleet_migrate(
    *, jobs: int = 2, only: Iterable[str] | None = None, progress: Callable[[SchemaOutcome], None] | None = None
) -> FleetReport:
    """Migrate public, then the template and the communes in `jobs` processes. Records every outcome.

    Holds an advisory lock so two fleet migrations never run at once (raises RuntimeError if one does).
    """
    started = time.perf_counter()
    use_public_schema()
    with fleet_lock():
        return _fleet_migrate(jobs=jobs, only=only, progress=progress, started=started)


@contextmanager
def fleet_lock() -> Iterator[None]:
    """The fleet's advisory lock, held on a connection of its own for the whole run: `fleet migrate --jobs N`
    closes Django's connections before forking its workers, which would release a session lock taken on them
    (two migrations could then run at once). Raises RuntimeError if another run holds it."""
    lock = connection.get_new_connection(connection.get_connection_params())
    try:
        lock.autocommit = True
        with lock.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FLEET_LOCK])
            if not cursor.fetchone()[0]:
                raise RuntimeError("another `jamaa fleet migrate` is running")
        try:
            yield
        finally:
            with lock.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FLEET_LOCK])
    finally:
        lock.close()


def _fleet_migrate(
    *, jobs: int, only: Iterable[str] | None, progress: Callable[[SchemaOutcome], None] | None, started: float
) -> FleetReport:
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
            replay: Replay | None = None
            # The template first: new communes are cloned from it.
            if TEMPLATE_SCHEMA in pending:
                pending.remove(TEMPLATE_SCHEMA)
                replay = replay_prepare() if pending else None
                template = migrate_schema(TEMPLATE_SCHEMA)
                _emit(outcomes, template, progress)
                if not template.ok:
                    replay = None
            replayed = _replay_canary(replay, pending, outcomes, progress)
            rest = [s for s in pending if s not in set(replayed)]
            # Replays and the executor's schemas share the `jobs` processes. At 1,503 communes a replay is
            # ~0.1 s of the server's CPU, nearly all of it in PostgreSQL itself: an ADD COLUMN with a default
            # reads the whole of pg_depend (find_composite_type_dependencies; 7.6 million rows), so the
            # schemas are spread over the processes as the executor's are.
            work: list[tuple[Callable[..., SchemaOutcome], tuple[object, ...]]] = [
                (replay_schema, (schema, replay)) for schema in replayed if replay is not None
            ] + [(migrate_schema, (schema,)) for schema in rest]
            if jobs <= 1 or len(work) <= 1:
                for call, args in work:
                    _emit(outcomes, call(*args), progress)
            else:
                connections.close_all()  # children open their own
                ctx = multiprocessing.get_context("fork")
                with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_worker_init) as pool:
                    futures = [pool.submit(call, *args) for call, args in work]
                    for future in as_completed(futures):
                        _emit(outcomes, future.result(), progress)
        _record(outcomes)
        _spares_renew()
        return FleetReport(outcomes, time.perf_counter() - started)
    finally:
        use_public_schema()


def _replay_canary(
    replay: Replay | None,
    pending: list[str],
    outcomes: list[SchemaOutcome],
    progress: Callable[[SchemaOutcome], None] | None,
) -> list[str]:
    """The schemas still to replay the template's SQL in: those lacking exactly the template's pending migrations,
    once the first of them, replayed here, came out identical to the migrated template (else none: the executor
    then migrates every schema). The first one is taken off `pending` and its outcome emitted."""
    if replay is None or not pending:
        return []
    wanted = len(replay.migrations)
    missing_all = missing_by_schema(pending)
    missing_these = missing_by_schema(pending, among=replay.migrations)
    eligible = [s for s in pending if missing_all[s] == wanted and missing_these[s] == wanted]
    if not eligible:
        return []
    first = eligible.pop(0)
    try:
        outcome = replay_schema(first, replay, against=_structure(TEMPLATE_SCHEMA))
    except ReplayMismatch as exc:
        logger.warning("%s; every schema goes through Django's executor", exc)
        return []
    pending.remove(first)
    _emit(outcomes, outcome, progress)
    return eligible


def _spares_renew() -> None:
    """Spares made before this run's migrations are dropped; the pool is topped up by the Celery task, never here
    (a clone per spare, seconds each at 1,503 communes: `fleet migrate` stays quick when there is nothing to do).
    Without a broker, `jamaa fleet spares` tops it up."""
    from .spares import spare_target, spares_drop_stale

    use_public_schema()
    dropped = spares_drop_stale()
    if dropped or SpareSchema.objects.count() < spare_target():
        from .tasks import spares_refill_enqueue

        spares_refill_enqueue()


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
    missing = missing_by_schema(schemas)
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
                pending=missing[schema],
            )
        )
    return rows
