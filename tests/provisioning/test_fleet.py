"""Fleet migrations: skip what is up to date, migrate the rest, go on past a failure, finish on a re-run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from jamaa.provisioning import fleet, services
from jamaa.provisioning.clone import TEMPLATE_SCHEMA
from jamaa.provisioning.models import SchemaMigrationStatus

pytestmark = pytest.mark.django_db

CORE_LATEST = ("core", "0003_chain")


def unapply_core_latest(schema: str) -> None:
    """Put a schema back to before core's latest migration (as if it had just been deployed)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER core_auditevent_chain ON {schema}.core_auditevent")
        cursor.execute(f"DROP TRIGGER core_auditevent_no_truncate ON {schema}.core_auditevent")
        cursor.execute(f"DROP INDEX {schema}.core_auditevent_chain_seq")
        cursor.execute(f"ALTER TABLE {schema}.core_auditevent DROP COLUMN chain_seq, DROP COLUMN chain_hash")
        cursor.execute(f"DELETE FROM {schema}.django_migrations WHERE app = %s AND name = %s", list(CORE_LATEST))


def has_trigger(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_trigger WHERE tgname = 'core_auditevent_chain' AND tgrelid = %s::regclass",
            [f"{schema}.core_auditevent"],
        )
        return cursor.fetchone() is not None


def test_nothing_to_do_skips_every_schema(fes, meknes) -> None:
    report = fleet.fleet_migrate(jobs=1)
    assert report.failed == [] and report.migrated == []
    assert {o.schema for o in report.skipped} >= {"public", TEMPLATE_SCHEMA, "fes", "meknes"}


def test_pending_migration_is_applied_where_missing_only(fes, meknes) -> None:
    # given core's latest migration is missing from the template and from Meknès
    unapply_core_latest(TEMPLATE_SCHEMA)
    unapply_core_latest("meknes")
    assert fleet.schemas_needing_migration(["fes", "meknes", TEMPLATE_SCHEMA]) == ["meknes", TEMPLATE_SCHEMA]
    # when the fleet is migrated
    report = fleet.fleet_migrate(jobs=1)
    # then those two got it, the others were skipped, and the outcome is recorded
    assert sorted(o.schema for o in report.migrated) == ["_template", "meknes"]
    assert all(o.applied == 1 for o in report.migrated)
    assert has_trigger("meknes") and has_trigger(TEMPLATE_SCHEMA)
    status = SchemaMigrationStatus.objects.get(schema_name="meknes")
    assert status.ok and status.last_migration == "core.0003_chain" and status.applied == 1


def test_a_failing_commune_does_not_stop_the_others_and_a_rerun_finishes(fes, meknes) -> None:
    # given Fès and Meknès lack core's latest migration, and Fès has a stray index that makes it fail
    unapply_core_latest("fes")
    unapply_core_latest("meknes")
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX core_auditevent_chain_seq ON fes.core_auditevent (action)")
    # when the fleet is migrated
    report = fleet.fleet_migrate(jobs=1)
    # then Meknès was migrated, Fès failed with its reason recorded
    assert [o.schema for o in report.failed] == ["fes"]
    assert "already exists" in report.failed[0].error
    assert has_trigger("meknes")
    failed = SchemaMigrationStatus.objects.get(schema_name="fes")
    assert not failed.ok and "already exists" in failed.error
    # when the cause is removed and the fleet migrated again, it finishes
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX fes.core_auditevent_chain_seq")
    again = fleet.fleet_migrate(jobs=1)
    assert [o.schema for o in again.migrated] == ["fes"] and again.failed == []
    assert SchemaMigrationStatus.objects.get(schema_name="fes").ok


def test_status_command_prints_the_table(fes) -> None:
    services.commune_create(slug="ouarzazate", name_fr="Ouarzazate", name_ar="ورزازات")
    out = StringIO()
    call_command("fleet", "status", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:4] == ["schema", "commune", "status", "pending"]
    row = next(line for line in lines if line.startswith("ouarzazate"))
    assert row.split()[1:4] == ["ouarzazate", "active", "0"]


# A plain schema migration (AlterField and AddField): replayed as SQL instead of run by the executor per schema.
# (a leaf: no later migration of another kind depends on it)
PLAIN = ("regie", "0011_ordre_due_on")
PLAIN_PREVIOUS = ("regie", "0010_counters_on_the_kernel")


def unapply_plain(schema: str) -> None:
    """Put a schema back to before PLAIN with Django's executor (its reverse SQL), as if it had just been deployed."""
    from django.db.migrations.executor import MigrationExecutor

    connection.set_schema(schema)
    try:
        MigrationExecutor(connection).migrate([PLAIN_PREVIOUS])
    finally:
        connection.set_schema_to_public()


def test_plain_schema_migrations_are_replayed_and_equal_the_executors(fes, meknes, monkeypatch) -> None:
    # given PLAIN missing from the template, Fès and Meknès, and Meknès then migrated alone by Django's executor
    for schema in (TEMPLATE_SCHEMA, "fes", "meknes"):
        unapply_plain(schema)
    assert fleet.schemas_needing_migration(["fes", "meknes", TEMPLATE_SCHEMA]) == ["fes", "meknes", TEMPLATE_SCHEMA]
    assert fleet.migrate_schema("meknes").ok
    executed: list[str] = []
    executor_migrate = fleet.migrate_schema
    monkeypatch.setattr(fleet, "migrate_schema", lambda schema: executed.append(schema) or executor_migrate(schema))
    # when the fleet is migrated
    report = fleet.fleet_migrate(jobs=1)
    # then the template went through the executor, Fès through the replayed SQL, and both are recorded
    assert report.failed == []
    assert executed == [TEMPLATE_SCHEMA]
    assert sorted(o.schema for o in report.migrated) == [TEMPLATE_SCHEMA, "fes"]
    status = SchemaMigrationStatus.objects.get(schema_name="fes")
    assert status.ok and status.applied == 1 and status.last_migration == ".".join(PLAIN)
    # and Fès's catalog (columns, defaults, constraints, indexes…, migration history) is the executor's
    replayed, migrated = fleet._structure("fes"), fleet._structure("meknes")
    for kind in migrated:
        assert replayed[kind] == migrated[kind], kind
    assert any(row[:2] == ("regie_ordrerecette", "due_on") for row in replayed["columns"])
    assert fleet.schemas_needing_migration(["fes", "meknes", TEMPLATE_SCHEMA]) == []


def test_migrations_that_are_not_plain_schema_operations_go_through_the_executor(fes) -> None:
    # given core's latest migration (RunSQL: a trigger and its function) missing from the template
    unapply_core_latest(TEMPLATE_SCHEMA)
    # then its SQL is not replayed: every schema lacking it is migrated by the executor
    assert fleet.replay_prepare() is None
    # and given only PLAIN missing, it is
    fleet.migrate_schema(TEMPLATE_SCHEMA)
    unapply_plain(TEMPLATE_SCHEMA)
    replay = fleet.replay_prepare()
    assert replay is not None and replay.migrations == (PLAIN,)
    assert "due_on" in replay.sql and "ALTER TABLE" in replay.sql


def test_the_fleet_lock_is_held_on_a_connection_of_its_own(fes) -> None:
    # given a fleet migration holding its lock
    with fleet.fleet_lock():
        with connection.cursor() as cursor:
            # then the lock is not on Django's connection, which `--jobs N` closes before forking its workers
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND pid = pg_backend_pid()",
                [fleet.FLEET_LOCK],
            )
            assert cursor.fetchone()[0] == 0
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted",
                [fleet.FLEET_LOCK],
            )
            assert cursor.fetchone()[0] == 1
        # and a second run is refused while it is held, whatever the first does with Django's connections
        with pytest.raises(RuntimeError, match="another `jamaa fleet migrate` is running"):
            fleet.fleet_migrate(jobs=1)
    # and once it ends, the lock is free again
    with fleet.fleet_lock():
        pass
