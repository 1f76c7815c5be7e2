"""The application's database role cannot rewrite official records, the guards hold even for the owner role, and
the tamper-evidence chain finds a row the owner altered (ADR 0003). Real PostgreSQL, real roles."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg2
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context
from psycopg2 import sql

from jamaa.modules.etatcivil import permissions as ec_permissions
from jamaa.modules.etatcivil import services as ec_services
from jamaa.modules.etatcivil.models import Act, Register
from jamaa.modules.regie import services as regie_services
from jamaa.modules.regie.models import Quittance, QuittanceSeries
from jamaa.platform.db_guards import chain_verify
from jamaa.platform.db_roles import app_role_setup
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain
from tests.conftest import subprocess_env
from tests.conftest import test_database_url as owner_url_of_tests
from tests.modules.etatcivil.factories import birth_input, bureau, officer_for, user_with
from tests.modules.regie.factories import reference
from tests.modules.regie.factories import user_with as regie_user_with

SLUG = "guards"


def _app_role_name() -> str:
    # Roles are cluster-wide and other test databases share the cluster: one name per test database.
    return f"{settings.DATABASES['default']['NAME']}_app"[:63]


def _as_app(role: str) -> Any:
    """A real login connection as the application role (this cluster trusts local connections)."""
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname=db["NAME"], user=role, host=db.get("HOST") or None, port=db.get("PORT") or None, password=""
    )
    with conn.cursor() as cursor:
        cursor.execute(f"SET search_path = {SLUG}, public")
    conn.commit()
    return conn


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """A committed commune of its own, the application role granted, and a day's work done AS that role:
    an act drafted and signed, a quittance issued at the counter, through the services."""
    role = _app_role_name()
    with django_db_blocker.unblock():
        setup = app_role_setup(role=role)
        commune_create(slug=SLUG, name_fr="Gardes", name_ar="حراس", modules=["etatcivil", "regie"])
        try:
            with schema_context(SLUG):
                with connection.cursor() as cursor:
                    cursor.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)).as_string(cursor.connection))
                    cursor.execute("SELECT current_user")
                    assert cursor.fetchone()[0] == role
                try:
                    b = bureau(code="G1")
                    agent = user_with("g-agent", ec_permissions.AGENT)
                    officer = officer_for(b, username="g-officer")
                    draft = ec_services.act_draft_create(
                        actor=agent, bureau_id=b.pk, kind="birth", year=2026, data=birth_input()
                    )
                    signed = ec_services.act_sign(officer=officer, act_id=draft.pk)
                    second = ec_services.act_draft_create(
                        actor=agent, bureau_id=b.pk, kind="birth", year=2026, data=birth_input()
                    )
                    ref = reference()
                    collector = regie_user_with("g-collector", "regie_agent")
                    quittance = regie_services.quittance_issue(
                        actor=collector,
                        regie_id=ref["regie"].pk,
                        exercice=2026,
                        redevable_id=ref["redevable"].pk,
                        tax_id=ref["tax"].pk,
                        base=Decimal("10"),
                        period="2026",
                        payment_method="cash",
                        on=dt.date(2026, 3, 2),
                    )
                finally:
                    with connection.cursor() as cursor:
                        cursor.execute("RESET ROLE")
            yield {
                "role": role,
                "setup": setup,
                "signed_id": signed.pk,
                "signed_number": signed.number,
                "draft_id": second.pk,
                "register_id": signed.register_id,
                "quittance_id": quittance.pk,
                "quittance_number": quittance.number,
                "series_id": quittance.series_id,
            }
        finally:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
            Domain.objects.filter(tenant__slug=SLUG).delete()
            Commune.objects.filter(slug=SLUG).delete()
            with connection.cursor() as cursor:
                cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)).as_string(cursor.connection))
                cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)).as_string(cursor.connection))


@pytest.mark.django_db
def test_the_app_role_did_the_day_s_work_and_it_is_chained(world: dict[str, Any]) -> None:
    # given the act signed and the quittance issued as the application role (fixture), then committed
    with schema_context(SLUG):
        act = Act.objects.get(pk=world["signed_id"])
        quittance = Quittance.objects.get(pk=world["quittance_id"])
        report = chain_verify()
    # then both carry their link in the chain, and the chains verify
    assert (act.number, act.chain_seq, len(act.chain_hash or "")) == (1, 1, 64)
    assert (quittance.number, quittance.chain_seq, len(quittance.chain_hash or "")) == (1, 1, 64)
    assert report.broken is None
    assert report.tables["etatcivil_act"] == 1
    assert report.tables["regie_quittance"] == 1
    assert report.tables["core_auditevent"] >= 3


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE core_auditevent",
        "TRUNCATE etatcivil_journalentry",
        "TRUNCATE regie_quittance CASCADE",
        "TRUNCATE etatcivil_act CASCADE",
        "ALTER TABLE etatcivil_act DISABLE TRIGGER etatcivil_act_immutable",
        "ALTER TABLE regie_quittance DISABLE TRIGGER USER",
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
        "SET session_replication_role = replica",
    ],
)
def test_the_app_role_cannot_truncate_alter_or_bypass_triggers(world: dict[str, Any], statement: str) -> None:
    conn = _as_app(world["role"])
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cursor:
            cursor.execute(statement)
    finally:
        conn.close()


def _refused_at_once_or_at_commit(role: str, statement: str, params: list[Any] | None = None) -> str:
    conn = _as_app(role)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement, params)
        conn.commit()
    except psycopg2.errors.InsufficientPrivilege as exc:
        conn.rollback()
        return str(exc)
    finally:
        conn.close()
    raise AssertionError(f"accepted: {statement}")


@pytest.mark.django_db
def test_the_app_role_cannot_write_a_number_the_counter_did_not_give(world: dict[str, Any]) -> None:
    role = world["role"]
    # an act inserted as n° 100000 (a copy of the signed one)
    message = _refused_at_once_or_at_commit(
        role,
        """INSERT INTO etatcivil_act SELECT (jsonb_populate_record(a, jsonb_build_object(
               'id', 900000001, 'number', 100000, 'chain_seq', NULL, 'chain_hash', NULL))).*
           FROM etatcivil_act a WHERE a.id = %s""",
        [world["signed_id"]],
    )
    assert "drawn from its counter only" in message
    # a draft flipped to signed with any number
    message = _refused_at_once_or_at_commit(
        role,
        "UPDATE etatcivil_act SET status = 'signed', number = 7, signed_at = now() WHERE id = %s",
        [world["draft_id"]],
    )
    assert "drawn from its counter only" in message
    # a counter pushed forward: by a jump at once, by one number at commit (no act carries it: a gap)
    message = _refused_at_once_or_at_commit(
        role, "UPDATE etatcivil_register SET last_number = last_number + 5 WHERE id = %s", [world["register_id"]]
    )
    assert "one number at a time" in message
    message = _refused_at_once_or_at_commit(
        role, "UPDATE etatcivil_register SET last_number = last_number + 1 WHERE id = %s", [world["register_id"]]
    )
    assert "a gap is refused" in message
    message = _refused_at_once_or_at_commit(
        role, "UPDATE regie_quittanceseries SET last_number = last_number + 1 WHERE id = %s", [world["series_id"]]
    )
    assert "a gap is refused" in message
    # a quittance at a number outside any block
    message = _refused_at_once_or_at_commit(
        role,
        """INSERT INTO regie_quittance SELECT (jsonb_populate_record(q, jsonb_build_object(
               'id', 900000001, 'number', 5000, 'client_uuid', NULL, 'liquidation_id', NULL,
               'chain_seq', NULL, 'chain_hash', NULL))).*
           FROM regie_quittance q WHERE q.id = %s""",
        [world["quittance_id"]],
    )
    assert "drawn from its counter only" in message
    # the bulk-import exemption is the owner's only: asking for it changes nothing for the application role
    message = _refused_at_once_or_at_commit(
        role,
        """SELECT set_config('jamaa.bulk_import', 'on', true);
           UPDATE etatcivil_register SET last_number = last_number + 5 WHERE id = %s""",
        [world["register_id"]],
    )
    assert "one number at a time" in message
    # nothing moved
    with schema_context(SLUG):
        assert Register.objects.get(pk=world["register_id"]).last_number == 1
        assert QuittanceSeries.objects.get(pk=world["series_id"]).last_number == 1
        assert list(Act.objects.filter(status="signed").values_list("number", flat=True)) == [1]
        assert Quittance.objects.count() == 1


@pytest.mark.django_db
def test_truncate_is_refused_even_to_the_owner(world: dict[str, Any]) -> None:
    with schema_context(SLUG), connection.cursor() as cursor:
        for table in ("core_auditevent", "etatcivil_journalentry", "etatcivil_outboxitem", "regie_quittance"):
            with pytest.raises(DatabaseError, match="official record: TRUNCATE refused"), transaction.atomic():
                cursor.execute(f"TRUNCATE {table} CASCADE")


@pytest.mark.django_db
def test_audit_verify_finds_a_quittance_the_owner_altered(world: dict[str, Any]) -> None:
    # given the chains are whole
    call_command("audit", "verify", SLUG)
    # when the owner role disables the guard, raises a quittance's amount (and its penalties, as the CHECK wants)
    # and enables the guard again
    with schema_context(SLUG), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE regie_quittance DISABLE TRIGGER regie_quittance_append_only")
        cursor.execute(
            "UPDATE regie_quittance SET penalties_dh = penalties_dh + 100, amount_dh = amount_dh + 100 WHERE id = %s",
            [world["quittance_id"]],
        )
        cursor.execute("ALTER TABLE regie_quittance ENABLE TRIGGER regie_quittance_append_only")
    # then verify names that row, and exits non-zero
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify", SLUG)
    assert str(refused.value) == (
        f"{SLUG}: BROKEN at regie_quittance row {world['quittance_id']} (number {world['quittance_number']}), "
        f"series {world['series_id']}, link 1: its content or its link does not match its hash"
    )


@pytest.mark.django_db
def test_audit_verify_finds_an_audit_row_the_owner_deleted(world: dict[str, Any]) -> None:
    with schema_context(SLUG), connection.cursor() as cursor:
        cursor.execute("SELECT id, chain_seq FROM core_auditevent ORDER BY chain_seq LIMIT 2")
        (first_id, _), (second_id, second_seq) = cursor.fetchall()
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [first_id])
        cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")
        report = chain_verify()
    assert report.broken is not None
    assert (report.broken.table, report.broken.row_id, report.broken.position) == (
        "core_auditevent",
        second_id,
        second_seq,
    )
    assert report.broken.problem == "a link is missing before it"


@pytest.mark.django_db
def test_a_new_commune_grants_the_app_role_and_db_roles_is_idempotent(world: dict[str, Any]) -> None:
    role = world["role"]
    # the command again: nothing to create, grants renewed
    call_command("db", "roles", "--app-role", role)
    commune_create(slug="granted", name_fr="Accordée", name_ar="ممنوحة", modules=["regie"])
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT has_schema_privilege(%s, 'granted', 'USAGE'),
                      has_table_privilege(%s, 'granted.regie_quittance', 'SELECT, INSERT, UPDATE, DELETE'),
                      has_table_privilege(%s, 'granted.regie_quittance', 'TRUNCATE'),
                      has_sequence_privilege(%s, 'granted.regie_quittance_id_seq', 'USAGE'),
                      (SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = %s),
                      (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'granted') = %s""",
            [role, role, role, role, role, role],
        )
        assert cursor.fetchone() == (True, True, False, True, False, False)


@pytest.mark.django_db
def test_a_commune_onboarded_on_a_spare_has_the_grants_made_with_the_spare(world: dict[str, Any]) -> None:
    from jamaa.provisioning.models import SpareSchema
    from jamaa.provisioning.spares import spare_refill

    role = world["role"]
    # given a spare made while the application role exists (granted then, not when it is taken)
    assert spare_refill(count=SpareSchema.objects.count() + 1) == 1
    # when a commune takes it
    commune_create(slug="from-spare-granted", name_fr="Accordée", name_ar="ممنوحة", modules=["regie"])
    assert not SpareSchema.objects.exists()
    # then the application role has its rights there, and still no TRUNCATE
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT has_schema_privilege(%s, 'from_spare_granted', 'USAGE'),
                      has_table_privilege(%s, 'from_spare_granted.regie_quittance', 'SELECT, INSERT, UPDATE, DELETE'),
                      has_table_privilege(%s, 'from_spare_granted.regie_quittance', 'TRUNCATE'),
                      has_sequence_privilege(%s, 'from_spare_granted.regie_quittance_id_seq', 'USAGE')""",
            [role, role, role, role],
        )
        assert cursor.fetchone() == (True, True, False, True)


def test_with_two_urls_processes_connect_as_the_app_role_and_provision_as_the_owner(
    world: dict[str, Any], django_db_blocker: Any
) -> None:
    """DATABASE_URL = the application role, DATABASE_OWNER_URL = the owner: a real process, real logins."""
    role = world["role"]
    db = settings.DATABASES["default"]
    host = db.get("HOST") or ""
    if host.startswith("/"):  # the embedded server's socket folder
        app_url = f"postgresql://{role}@/{db['NAME']}?host={host}"
    else:
        app_url = f"postgresql://{role}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"
    env = subprocess_env(DATABASE_URL=app_url, DATABASE_OWNER_URL=owner_url_of_tests(), REDIS_URL="")
    script = """
from django.db import connection
from jamaa.provisioning.services import commune_create

def who():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        return cursor.fetchone()[0]

print("before", who())
commune_create(slug="twourls", name_fr="Deux", name_ar="اثنان", modules=["regie"])
print("after", who())
"""
    try:
        # when the web's code path creates a commune (the console's "New commune" calls the same service)
        run = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup()\n{script}"],
            env={**env, "DJANGO_SETTINGS_MODULE": "jamaa.platform.settings"},
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        # then the process's own connection is the application role's, before and after
        assert run.stdout.split() == ["before", role, "after", role]
        # and the schema was made by the owner, with the application role granted on it
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                """SELECT nspowner::regrole::text, has_schema_privilege(%s, 'twourls', 'USAGE'),
                          has_table_privilege(%s, 'twourls.core_auditevent', 'INSERT'),
                          has_table_privilege(%s, 'twourls.core_auditevent', 'TRUNCATE')
                   FROM pg_namespace WHERE nspname = 'twourls'""",
                [role, role, role],
            )
            owner, usage, insert, truncate = cursor.fetchone()
        assert (owner != role, usage, insert, truncate) == (True, True, True, False)
        # and the CLI's provisioning commands run as the owner, the others as the application role
        jamaa = [sys.executable, "-m", "jamaa.platform.cli"]
        granted = subprocess.run(
            [*jamaa, "db", "roles", "--app-role", role], env=env, capture_output=True, text=True, check=False
        )
        assert granted.returncode == 0 and granted.stdout.startswith(f"{role}: exists; granted in "), granted.stderr
        verified = subprocess.run(
            [*jamaa, "audit", "verify", "twourls"], env=env, capture_output=True, text=True, check=False
        )
        assert verified.returncode == 0, verified.stderr
        assert verified.stdout.startswith("twourls: OK (core_auditevent ")
    finally:
        with django_db_blocker.unblock():
            with connection.cursor() as cursor:
                cursor.execute('DROP SCHEMA IF EXISTS "twourls" CASCADE')
            Domain.objects.filter(tenant__slug="twourls").delete()
            Commune.objects.filter(slug="twourls").delete()


@pytest.mark.django_db
def test_a_nullable_column_added_later_keeps_the_chains_whole(world: dict[str, Any]) -> None:
    # given a later migration adds a nullable column to chained tables (NULL in the sealed rows)
    with schema_context(SLUG), connection.cursor() as cursor:
        cursor.execute("ALTER TABLE regie_quittance ADD COLUMN later_reference varchar(40) NULL")
        cursor.execute("ALTER TABLE core_auditevent ADD COLUMN later_flag boolean NULL")
        # then the sealed rows still verify
        assert chain_verify().broken is None
        # but a value put into a sealed row is found
        cursor.execute("ALTER TABLE regie_quittance DISABLE TRIGGER regie_quittance_append_only")
        cursor.execute("UPDATE regie_quittance SET later_reference = 'x' WHERE id = %s", [world["quittance_id"]])
        report = chain_verify()
    assert report.broken is not None
    assert (report.broken.table, report.broken.row_id) == ("regie_quittance", world["quittance_id"])
