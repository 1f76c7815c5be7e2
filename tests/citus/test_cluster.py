"""The platform on a Citus cluster, each test run with Fès and Meknès on different workers, then again after Fès
was moved online (tests/citus/conftest.py): isolation, gapless numbering under concurrency, the immutability
triggers, backup and restore of one commune, and the console's node column."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, connections, transaction
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import permissions, services
from jamaa.modules.etatcivil.models import Act, Register
from jamaa.platform.db_guards import chain_verify
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.tenants.models import Commune
from tests.communes import drop_commune
from tests.conftest import SharedCommune
from tests.modules.etatcivil.factories import birth_input, bureau, officer_for, user_with

from .conftest import nodes

pytestmark = pytest.mark.citus

SIGNERS = 6


def test_fes_token_and_data_stay_in_fes(layout: str, client: Client, fes: SharedCommune, meknes: SharedCommune) -> None:
    # given a token issued by Fès
    response = client.post("/api/auth/token/", {"username": fes.username, "password": fes.password}, HTTP_HOST=fes.host)
    token = response.json()["token"]
    assert client.get("/api/me/", HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    # when it is presented to Meknès, then it is refused
    response = client.get("/api/me/", HTTP_HOST=meknes.host, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401 and response.json()["code"] == "UNAUTHENTICATED"
    # and a row written in Fès is not in Meknès
    with schema_context("fes"):
        get_user_model().objects.create_user(username=f"only-in-fes-{layout}")
    with schema_context("meknes"):
        assert not get_user_model().objects.filter(username=f"only-in-fes-{layout}").exists()


def test_concurrent_signatures_get_gapless_numbers(layout: str, committed: None) -> None:
    # given drafts in a bureau of their own in Fès, and as many officers
    with schema_context("fes"):
        b = bureau(code=f"C-{layout}")
        agent = user_with(f"agent-{layout}", permissions.AGENT)
        officers = [officer_for(b, username=f"officer{i}-{layout}") for i in range(SIGNERS)]
        drafts = [
            services.act_draft_create(actor=agent, bureau_id=b.pk, kind="birth", year=2026, data=birth_input())
            for _ in range(SIGNERS)
        ]
    barrier = threading.Barrier(SIGNERS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def sign(officer: Any, act_id: int) -> None:
        try:
            with schema_context("fes"):
                barrier.wait(timeout=30)  # every officer presses "sign" at the same instant
                numbers.append(services.act_sign(officer=officer, act_id=act_id).number or 0)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(o, d.pk)) for o, d in zip(officers, drafts, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    # then the numbers are 1..N, no gap, no duplicate, and the chain is whole
    assert errors == []
    assert sorted(numbers) == list(range(1, SIGNERS + 1))
    with schema_context("fes"):
        assert Register.objects.get(bureau=b).last_number == SIGNERS
        assert chain_verify().broken is None


def test_signed_acts_and_the_audit_trail_are_immutable(layout: str, committed: None) -> None:
    with schema_context("fes"):
        signed = Act.objects.filter(status="signed").first()
        if signed is None:  # the numbering test may have been deselected
            b = bureau(code=f"I-{layout}")
            draft = services.act_draft_create(
                actor=user_with(f"i-agent-{layout}", permissions.AGENT),
                bureau_id=b.pk,
                kind="birth",
                year=2026,
                data=birth_input(),
            )
            signed = services.act_sign(officer=officer_for(b, username=f"i-officer-{layout}"), act_id=draft.pk)
        with connection.cursor() as cursor:
            # the row trigger runs on the worker that holds Fès and refuses the change
            with pytest.raises(DatabaseError, match="signed"), transaction.atomic():
                cursor.execute("UPDATE etatcivil_act SET given_name_fr = 'X' WHERE id = %s", [signed.pk])
            for table in ("core_auditevent", "etatcivil_act"):
                with pytest.raises(DatabaseError, match="TRUNCATE refused"), transaction.atomic():
                    cursor.execute(f"TRUNCATE {table} CASCADE")
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute("DELETE FROM core_auditevent")


def test_backup_and_restore_of_one_commune(layout: str, committed: None, tmp_path: Path) -> None:
    # given Fès's tables, rows on its worker
    connection.set_schema_to_public()
    before = table_checksums("fes")
    assert sum(t["rows"] for t in before.values()) > 0
    # when it is backed up and restored beside itself under another slug
    copy = f"fes-copy-{layout}"
    backup = commune_backup(slug="fes", output=tmp_path / "fes.tar.gz")
    assert backup.rows == sum(t["rows"] for t in before.values())
    try:
        restored = commune_restore(path=backup.path, as_slug=copy)
        # then the copy is a distributed schema of its own, on a worker, with the same rows (credentials revoked)
        assert nodes()[copy]
        after = table_checksums(restored.schema_name)
        revoked = {"authtoken_token", "django_session", "collecte_devicetoken", "core_auditevent"}
        assert {t: v for t, v in after.items() if t not in revoked} == {
            t: v for t, v in before.items() if t not in revoked
        }
    finally:
        drop_commune(copy)


def test_the_console_shows_each_commune_s_node(layout: str, committed: None) -> None:
    from tests.console.test_console_views import console_client, delete_platform_users, make_user

    placed = nodes()
    try:
        body = console_client(make_user(f"op-nodes-{layout}", operator=True)).get("/").content.decode()
    finally:
        delete_platform_users(username_prefix="op-nodes-")
    for slug in ("fes", "meknes"):
        row = body.split(f'data-slug="{slug}"', 1)[1].split("</tr>", 1)[0]
        assert f'<code dir="ltr">{placed[slug]}</code>' in row


# ---------------------------------------------------------------------------------------------- once


def test_onboarding_clones_the_template_then_distributes_the_commune(committed: None) -> None:
    from jamaa.modules import registry
    from jamaa.provisioning import services
    from jamaa.provisioning.clone import TEMPLATE_SCHEMA, catalog_snapshot

    try:
        created = services.commune_create(
            slug="ifrane", name_fr="Ifrane", name_ar="إفران", modules=registry.available(), admin_email="a@ifrane.ma"
        )
        # the commune is a distributed schema on a worker; the template stays local to the coordinator
        placed = nodes()
        assert placed["ifrane"] and TEMPLATE_SCHEMA not in placed
        with connection.cursor() as cursor:
            cursor.execute("SELECT schema_name::text FROM citus_schemas")
            distributed = {row[0] for row in cursor.fetchall()}
        assert "ifrane" in distributed and TEMPLATE_SCHEMA not in distributed
        # a faithful clone: the same tables, constraints, triggers and migrations as the template
        clone, template = catalog_snapshot("ifrane"), catalog_snapshot(TEMPLATE_SCHEMA)
        for part in ("columns", "constraints", "indexes", "triggers", "functions", "migrations"):
            assert clone[part] == template[part], part
        with schema_context("ifrane"):
            admin = get_user_model().objects.get(username=created.admin_username)
            assert admin.is_staff and admin.email == "a@ifrane.ma"
    finally:
        drop_commune("ifrane")


@pytest.mark.django_db
def test_a_creation_failing_midway_leaves_nothing_on_any_node(monkeypatch: pytest.MonkeyPatch) -> None:
    from jamaa.provisioning import schemas, services
    from jamaa.provisioning.exceptions import ProvisioningFailed

    def half_built(*args: Any, **kwargs: Any) -> None:
        """A schema half migrated, with rows whose deferred foreign-key checks are still pending."""
        with connection.cursor() as cursor:
            cursor.execute('CREATE TABLE "guelmim".parent (id int PRIMARY KEY)')
            cursor.execute(
                'CREATE TABLE "guelmim".child (id int PRIMARY KEY, '
                'parent_id int REFERENCES "guelmim".parent DEFERRABLE INITIALLY DEFERRED)'
            )
            cursor.execute('INSERT INTO "guelmim".child VALUES (1, 1)')
            cursor.execute('INSERT INTO "guelmim".parent VALUES (1)')

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(schemas, "call_command", half_built)
    monkeypatch.setattr(services, "_first_admin_create", boom)
    for method in ("clone", "migrations"):
        with pytest.raises(ProvisioningFailed, match="disk full"):
            services.commune_create(slug="guelmim", name_fr="Guelmim", name_ar="كلميم", method=method)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'guelmim'")
            assert cursor.fetchone()[0] == 0, method
            cursor.execute("SELECT count(*) FROM citus_schemas WHERE schema_name::text = 'guelmim'")
            assert cursor.fetchone()[0] == 0, method
        assert not Commune.objects.filter(slug="guelmim").exists(), method


def test_the_application_role_is_set_up_and_granted_on_every_node(committed: None) -> None:
    from django.conf import settings
    from psycopg2 import sql

    from jamaa.platform.db_roles import app_role_setup

    role = f"{settings.DATABASES['default']['NAME']}_app"[:63]
    try:
        setup = app_role_setup(role=role)
        assert "fes" in setup.schemas
        with connection.cursor() as cursor:
            # granted on the coordinator, and on the worker that holds Fès (run there through the coordinator)
            cursor.execute(
                "SELECT has_table_privilege(%s, 'fes.core_auditevent', 'INSERT'), "
                "has_table_privilege(%s, 'fes.core_auditevent', 'TRUNCATE')",
                [role, role],
            )
            assert cursor.fetchone() == (True, False)
            cursor.execute(
                "SELECT result FROM run_command_on_workers(%s)",
                [f"SELECT has_schema_privilege('{role}', 'fes', 'USAGE')"],
            )
            assert "t" in {row[0] for row in cursor.fetchall()}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)).as_string(cursor.connection))
            cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)).as_string(cursor.connection))
