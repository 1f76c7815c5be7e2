"""Per-commune backup and restore. pg_dump and pg_restore are other sessions: these tests work on committed data
and clean up after themselves."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from jamaa.platform.core.models import AuditEvent
from jamaa.provisioning import services
from jamaa.provisioning.archive import manifest_sign, sha256
from jamaa.provisioning.backup import backup_verify, commune_backup, commune_restore, table_checksums
from jamaa.provisioning.exceptions import BackupInvalid, CommuneExists, ForeignArchive, InvalidCommuneInput
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table


def schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[str]]:
    """Autocommit database access; every slug appended to the list is removed at the end."""
    slugs: list[str] = []
    with django_db_blocker.unblock():
        yield slugs
        connection.set_schema_to_public()
        for slug in slugs:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{slug.replace("-", "_")}" CASCADE')
            Domain.objects.filter(tenant__slug=slug).delete()
            Commune.objects.filter(slug=slug).delete()
            CommuneBackup.objects.filter(slug=slug).delete()
        routing_table.clear()


def make_commune(slugs: list[str], slug: str) -> None:
    services.commune_create(slug=slug, name_fr=slug.capitalize(), name_ar="جماعة", admin_email=f"admin@{slug}.ma")
    slugs.append(slug)
    with schema_context(slug.replace("-", "_")):
        users = get_user_model().objects
        users.create_user(username="agent", password="Agent-pass-2026!", first_name="Ahmed", last_name="Alaoui")
        users.create_user(username="caissier", password="Caisse-pass-2026!", first_name="فاطمة")


def test_backup_drop_restore_gives_identical_tables(committed: list[str], tmp_path: Path) -> None:
    # given a commune with data, archived and backed up
    make_commune(committed, "khouribga")
    default_storage.save("khouribga/documents/extrait-12.pdf", ContentFile(b"%PDF-1.7 extrait"))
    services.commune_status_set(slug="khouribga", status=CommuneStatus.ARCHIVED, reason="moving to a new server")
    before = table_checksums("khouribga")
    result = commune_backup(slug="khouribga", output=tmp_path / "khouribga.tar.gz")
    assert result.rows == sum(t["rows"] for t in before.values()) and result.tables == len(before)
    # when it is deleted (the backup is kept) and restored from the archive
    kept = services.commune_delete(slug="khouribga", reason="moved")
    assert Path(kept).is_file() and not schema_exists("khouribga")
    assert not default_storage.exists("khouribga/documents/extrait-12.pdf")
    assert not Commune.objects.filter(slug="khouribga").exists()
    restored = commune_restore(path=tmp_path / "khouribga.tar.gz")
    # then every table has the same rows and checksums, and the commune is back
    assert table_checksums("khouribga") == before
    assert restored.rows == result.rows and restored.migrated_forward == 0
    assert Commune.objects.get(slug="khouribga").name_ar == "جماعة"
    with default_storage.open("khouribga/documents/extrait-12.pdf", "rb") as restored_file:
        assert restored_file.read() == b"%PDF-1.7 extrait"
    with schema_context("khouribga"):
        assert get_user_model().objects.get(username="caissier").first_name == "فاطمة"


def test_restore_under_a_new_slug_beside_the_original(committed: list[str], tmp_path: Path) -> None:
    make_commune(committed, "ifrane")
    with schema_context("ifrane"):
        Token.objects.create(user=get_user_model().objects.get(username="agent"))
        tomorrow = timezone.now() + dt.timedelta(days=1)
        Session.objects.create(session_key="s" * 32, session_data="x", expire_date=tomorrow)
    archive = commune_backup(slug="ifrane", output=tmp_path / "ifrane.tar.gz").path
    # when restored as a second commune while the first is still there
    committed.append("ifrane-copy")
    result = commune_restore(path=archive, as_slug="ifrane-copy")
    # then both exist with the same data, on their own hosts, but the original's token and session do not open
    # the copy (revoked there, and said so in the copy's audit trail), while the original keeps them
    assert result.host == "ifrane-copy.localhost" and result.schema_name == "ifrane_copy"
    assert result.credentials_revoked == 2
    original, copy = table_checksums("ifrane"), table_checksums("ifrane_copy")
    assert {t for t in copy if copy[t] != original[t]} == {"authtoken_token", "django_session", "core_auditevent"}
    assert copy["authtoken_token"]["rows"] == copy["django_session"]["rows"] == 0
    assert original["authtoken_token"]["rows"] == original["django_session"]["rows"] == 1
    with schema_context("ifrane_copy"):
        event = AuditEvent.objects.get(action="commune.copy_credentials_revoked")
        assert event.data == {"from_slug": "ifrane", "revoked": 2}
    connection.set_schema_to_public()
    restored = AuditEvent.objects.filter(action="commune.restored").latest("id")
    assert restored.data["copy"] is True and restored.data["credentials_revoked"] == 2
    assert Commune.objects.get(slug="ifrane-copy").uid != Commune.objects.get(slug="ifrane").uid
    # and they stay isolated: a change in the copy does not reach the original, and hosts route apart
    with schema_context("ifrane_copy"):
        get_user_model().objects.create_user(username="only-in-copy")
    with schema_context("ifrane"):
        assert not get_user_model().objects.filter(username="only-in-copy").exists()
    client = Client()
    assert (
        client.post(
            "/login/", {"username": "agent", "password": "Agent-pass-2026!"}, HTTP_HOST="ifrane-copy.localhost"
        ).status_code
        == 302
    )
    assert client.get("/api/me/", HTTP_HOST="ifrane-copy.localhost").json()["commune"] == "ifrane-copy"
    assert client.get("/api/me/", HTTP_HOST="ifrane.localhost").status_code in (401, 403)
    # and restoring over a commune that still has its data is refused
    with pytest.raises(CommuneExists):
        commune_restore(path=archive)


def reseal(members: dict[str, bytes], manifest: dict[str, Any], *, sign: bool = True) -> None:
    """Recompute the manifest's checksums; sign it with the platform's key (an insider) or keep its old signature."""
    manifest["files"] = {n: sha256(d) for n, d in members.items() if n not in ("manifest.json", "manifest.sig")}
    members["manifest.json"] = json.dumps(manifest).encode()
    if sign:
        members["manifest.sig"] = manifest_sign(members["manifest.json"])


def rewrite_archive(source: Path, target: Path, change: Any) -> None:
    with tarfile.open(source, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    change(members)
    with tarfile.open(target, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_corrupted_truncated_or_incompatible_archives_touch_nothing(committed: list[str], tmp_path: Path) -> None:
    make_commune(committed, "sbaa")
    archive = commune_backup(slug="sbaa", output=tmp_path / "sbaa.tar.gz").path
    communes_before = set(Commune.objects.values_list("slug", flat=True))
    data = archive.read_bytes()
    # truncated
    (tmp_path / "truncated.tar.gz").write_bytes(data[: len(data) // 2])
    # a member changed after the manifest was written
    rewrite_archive(
        archive,
        tmp_path / "tampered.tar.gz",
        lambda m: m.__setitem__("schema.dump", m["schema.dump"] + b"\0"),
    )
    # made by a newer version (a migration this code does not know)

    def newer(m: dict[str, bytes]) -> None:
        manifest = json.loads(m["manifest.json"])
        manifest["migrations"].append("core.9999_future")
        reseal(m, manifest)

    def old_format(m: dict[str, bytes]) -> None:
        manifest = json.loads(m["manifest.json"])
        manifest["format"] = "jamaa-commune-backup/1"
        reseal(m, manifest)

    rewrite_archive(archive, tmp_path / "old.tar.gz", old_format)

    rewrite_archive(archive, tmp_path / "newer.tar.gz", newer)
    (tmp_path / "garbage.tar.gz").write_bytes(b"not an archive at all")
    cases = {
        "truncated": "corrupted or truncated",
        "tampered": "does not match its checksum",
        "newer": "newer version",
        "garbage": "corrupted or truncated",
        "old": "old format 'jamaa-commune-backup/1'",
    }
    for name, message in cases.items():
        with pytest.raises(BackupInvalid, match=message):
            commune_restore(path=tmp_path / f"{name}.tar.gz", as_slug="sbaa-restored")
        assert set(Commune.objects.values_list("slug", flat=True)) == communes_before, name
        assert not schema_exists("sbaa_restored"), name


def test_an_older_archive_is_migrated_forward(committed: list[str], tmp_path: Path) -> None:
    # given a commune backed up before core's latest migration (0003_chain) existed
    make_commune(committed, "boufekrane")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER core_auditevent_chain ON boufekrane.core_auditevent")
        cursor.execute("DROP TRIGGER core_auditevent_no_truncate ON boufekrane.core_auditevent")
        cursor.execute("DROP INDEX boufekrane.core_auditevent_chain_seq")
        cursor.execute("ALTER TABLE boufekrane.core_auditevent DROP COLUMN chain_seq, DROP COLUMN chain_hash")
        cursor.execute("DELETE FROM boufekrane.django_migrations WHERE app = 'core' AND name = '0003_chain'")
    archive = commune_backup(slug="boufekrane", output=tmp_path / "old.tar.gz").path
    # when restored today
    committed.append("boufekrane-2")
    result = commune_restore(path=archive, as_slug="boufekrane-2")
    # then it is brought to the current migrations
    assert result.migrated_forward == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM boufekrane_2.django_migrations WHERE app = 'core'")
        assert cursor.fetchone()[0] == 3


# ---------------------------------------------------------------------------------------------- consistency (14.1)


def test_a_backup_under_concurrent_writes_restores_exactly(committed: list[str], tmp_path: Path) -> None:
    # given a commune written to, from another connection, for the whole time of its backup
    make_commune(committed, "azrou")
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        import psycopg2
        from django.conf import settings

        db = settings.DATABASES["default"]
        conn = psycopg2.connect(dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"])
        conn.autocommit = True
        with conn.cursor() as cur:
            while not stop.is_set():
                cur.execute(
                    "INSERT INTO azrou.auth_user (password, is_superuser, username, first_name, last_name, email, "
                    "is_staff, is_active, date_joined) VALUES ('', false, %s, '', '', '', false, true, now())",
                    [f"reader-{len(written)}"],
                )
                written.append(1)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        started = len(written)
        archive = commune_backup(slug="azrou", output=tmp_path / "azrou.tar.gz")
        finished = len(written)
    finally:
        stop.set()
        thread.join()
    assert finished > started  # rows were written while the backup ran
    # when it is restored (a copy, beside the live commune that kept changing)
    committed.append("azrou-copy")
    result = commune_restore(path=archive.path, as_slug="azrou-copy", keep_credentials=True)
    # then the restore verified every table against the manifest, and holds exactly the snapshot's users
    assert result.rows == archive.rows
    manifest = json.loads(tarfile.open(archive.path).extractfile("manifest.json").read())  # type: ignore[union-attr]
    copy = table_checksums("azrou_copy")
    assert copy["auth_user"] == manifest["tables"]["auth_user"]
    assert copy["auth_user"]["rows"] < table_checksums("azrou")["auth_user"]["rows"]
    # and the archive verifies in a scratch database, as deleting a commune requires (also on the command line)
    assert backup_verify(path=archive.path) == archive.rows
    out = io.StringIO()
    call_command("commune", "verify-backup", str(archive.path), stdout=out)
    assert f"restores ({archive.rows} rows verified)" in out.getvalue()


# ---------------------------------------------------------------------------------------------- trust (14.2, 14.3)


def test_a_forged_or_unsigned_archive_is_refused_unless_an_operator_accepts_it(
    committed: list[str], tmp_path: Path
) -> None:
    # given a genuine archive, then the commune's record changed and a second dump taken
    make_commune(committed, "tiflet")
    genuine = commune_backup(slug="tiflet", output=tmp_path / "genuine.tar.gz").path
    with schema_context("tiflet"):
        get_user_model().objects.filter(username="caissier").update(first_name="Faux")
    altered = commune_backup(slug="tiflet", output=tmp_path / "altered.tar.gz").path
    with tarfile.open(altered, "r:gz") as tar:
        altered_dump = tar.extractfile("schema.dump").read()  # type: ignore[union-attr]
        altered_tables = json.loads(tar.extractfile("manifest.json").read())["tables"]  # type: ignore[union-attr]

    def forge(m: dict[str, bytes]) -> None:  # the altered data, checksums re-sealed, the genuine signature kept
        manifest = json.loads(m["manifest.json"])
        m["schema.dump"] = altered_dump
        manifest["tables"] = altered_tables
        reseal(m, manifest, sign=False)

    rewrite_archive(genuine, tmp_path / "forged.tar.gz", forge)
    rewrite_archive(genuine, tmp_path / "unsigned.tar.gz", lambda m: m.pop("manifest.sig"))
    communes = set(Commune.objects.values_list("slug", flat=True))
    # when restored, both are refused and nothing is created
    with pytest.raises(BackupInvalid, match="signature does not match its manifest"):
        commune_restore(path=tmp_path / "forged.tar.gz", as_slug="tiflet-forged")
    with pytest.raises(BackupInvalid, match="not signed"):
        commune_restore(path=tmp_path / "unsigned.tar.gz", as_slug="tiflet-forged")
    assert set(Commune.objects.values_list("slug", flat=True)) == communes and not schema_exists("tiflet_forged")
    # and an operator may accept the unsigned one with a reason, which the platform audit keeps (the console's
    # form does the same with the operator's name: tests/console)
    committed.append("tiflet-forged")
    result = commune_restore(
        path=tmp_path / "unsigned.tar.gz", as_slug="tiflet-forged", accept_unsigned_reason="ticket 42"
    )
    assert result.signed is False
    event = AuditEvent.objects.filter(action="commune.restore_unsigned_accepted").latest("id")
    assert (event.actor_label, event.reason, event.data["problem"]) == (
        "provisioning",
        "ticket 42",
        "The archive is not signed.",
    )


def test_a_commune_only_takes_back_its_own_archive(committed: list[str], tmp_path: Path) -> None:
    # given two communes, Jumelle A and Jumelle B, each backed up, and B's schema emptied
    make_commune(committed, "jumelle-a")
    make_commune(committed, "jumelle-b")
    archive_a = commune_backup(slug="jumelle-a", output=tmp_path / "a.tar.gz").path
    archive_b = commune_backup(slug="jumelle-b", output=tmp_path / "b.tar.gz").path
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA jumelle_b CASCADE")
    # when A's archive is restored into B, it is refused and B stays empty
    with pytest.raises(ForeignArchive, match="not of 'jumelle-b'"):
        commune_restore(path=archive_a, as_slug="jumelle-b")
    assert not schema_exists("jumelle_b")
    # and B's own archive is taken back
    result = commune_restore(path=archive_b)
    assert result.slug == "jumelle-b" and schema_exists("jumelle_b")
    with schema_context("jumelle_b"):
        assert get_user_model().objects.filter(username="caissier").exists()


# ---------------------------------------------------------------------------------------------- hostile archives (13.1)


def _sandboxes(cursor: Any) -> set[str]:
    """Restore roles and quarantine databases (cluster-wide: compared with what was there before the attempt,
    so one left by a killed run elsewhere on the server does not count against this one)."""
    cursor.execute(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'jamaa_restore_%' "
        "UNION ALL SELECT datname FROM pg_database WHERE datname LIKE 'jamaa_quarantine_%'"
    )
    return {row[0] for row in cursor.fetchall()}


def _nothing_changed(before: dict[str, Any], communes: set[str], schemas: set[str], sandboxes: set[str]) -> None:
    assert table_checksums("meknes") == before
    assert set(Commune.objects.values_list("slug", flat=True)) == communes
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        assert {row[0] for row in cursor.fetchall()} == schemas
        # the attempt's restore role and quarantine database are gone
        assert _sandboxes(cursor) <= sandboxes


def _state() -> tuple[dict[str, Any], set[str], set[str], set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        schemas = {row[0] for row in cursor.fetchall()}
        sandboxes = _sandboxes(cursor)
    return table_checksums("meknes"), set(Commune.objects.values_list("slug", flat=True)), schemas, sandboxes


EVIL_FUNCTIONS = {
    # a body naming another commune's table: found by reading the SQL before anything runs
    "another schema": (
        "CREATE FUNCTION {s}.evil() RETURNS boolean LANGUAGE plpgsql AS "
        "$$ BEGIN IF current_setting('search_path') = '' THEN UPDATE meknes.auth_user SET first_name = 'pwned'; "
        "END IF; RETURN true; END $$",
        "reference to another schema, meknes",
    ),
    # the same write hidden from any reading, run by a CHECK constraint while the rows are loaded: the
    # transient role reaches no other schema, so it fails and nothing is kept
    "dynamic SQL": (
        "CREATE FUNCTION {s}.evil() RETURNS boolean LANGUAGE plpgsql AS "
        "$$ BEGIN IF current_setting('search_path') = '' THEN "
        "EXECUTE 'UPDATE ' || 'mek' || 'nes' || '.auth_user SET first_name = ''pwned'''; END IF; RETURN true; END $$",
        "Restoring the schema failed",
    ),
    "a public table": (
        "CREATE FUNCTION {s}.evil() RETURNS boolean LANGUAGE sql AS $$ SELECT count(*) >= 0 FROM public.auth_user $$",
        "reference to public.auth_user",
    ),
    "a change of role": (
        "CREATE FUNCTION {s}.evil() RETURNS boolean LANGUAGE plpgsql AS "
        "$$ BEGIN IF current_setting('search_path') = '' THEN EXECUTE 'RE' || 'SET ROLE'; "
        "UPDATE meknes.auth_user SET first_name = 'pwned'; END IF; RETURN true; END $$",
        "reference to another schema, meknes",
    ),
    "a program": (
        "CREATE FUNCTION {s}.evil() RETURNS boolean LANGUAGE plpgsql AS "
        "$$ BEGIN IF current_setting('search_path') = '' THEN COPY (SELECT 1) TO PROGRAM 'id'; END IF; "
        "RETURN true; END $$",
        "a program",
    ),
    "security definer": (
        "CREATE FUNCTION {s}.evil() RETURNS boolean LANGUAGE sql SECURITY DEFINER AS $$ SELECT true $$",
        "SECURITY DEFINER",
    ),
}


@pytest.mark.parametrize("case", list(EVIL_FUNCTIONS))
def test_a_signed_archive_carrying_sql_outside_its_schema_is_refused(
    committed: list[str], tmp_path: Path, case: str
) -> None:
    # given a commune whose schema was given a hostile function (which acts only under pg_restore's empty
    # search_path), called by a CHECK on a table with rows, backed up and signed with the platform's key (the
    # worst case: an insider)
    make_commune(committed, "trojan")
    create, message = EVIL_FUNCTIONS[case]
    with connection.cursor() as cursor:
        cursor.execute(create.format(s="trojan"))
        cursor.execute("CREATE TABLE trojan.bait (id int CHECK (trojan.evil()))")
        cursor.execute("INSERT INTO trojan.bait VALUES (1)")
    archive = commune_backup(slug="trojan", output=tmp_path / "trojan.tar.gz").path
    state = _state()
    # when it is restored (as a copy), it is refused with a clear error and nothing changed anywhere
    with pytest.raises(BackupInvalid, match=message):
        commune_restore(path=archive, as_slug="trojan-copy")
    _nothing_changed(*state)
    with schema_context("meknes"):
        assert not get_user_model().objects.filter(first_name="pwned").exists()


def test_the_restore_role_cannot_reach_another_schema_even_by_resetting_its_role(committed: list[str]) -> None:
    import psycopg2
    from django.conf import settings

    from jamaa.provisioning import sandbox

    db = settings.DATABASES["default"]
    with sandbox.sandbox() as box:
        conn = psycopg2.connect(
            dbname=db["NAME"], user=box.role, password=box.password, host=db["HOST"], port=db["PORT"]
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                for statement in (
                    "UPDATE meknes.auth_user SET first_name = 'pwned'",
                    "RESET ROLE",  # a no-op: the session user is the restore role itself
                    "SET ROLE postgres",
                    "SET SESSION AUTHORIZATION postgres",
                    "SELECT count(*) FROM public.tenants_commune",
                    "CREATE TABLE public.planted (id int)",
                    "COPY (SELECT 1) TO PROGRAM 'id'",
                ):
                    try:
                        cur.execute(statement)
                    except psycopg2.Error as exc:
                        assert exc.pgcode in ("42501", "3F000"), (statement, exc.pgcode)  # insufficient privilege
                    else:
                        assert statement == "RESET ROLE", statement
                cur.execute("SELECT session_user, current_user")
                assert cur.fetchone() == (box.role, box.role)
        finally:
            conn.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", [box.role])
        assert cursor.fetchone()[0] == 0


def test_meta_commands_foreign_hosts_and_bad_fields_are_refused(committed: list[str], tmp_path: Path) -> None:
    make_commune(committed, "sidi-kacem")
    archive = commune_backup(slug="sidi-kacem", output=tmp_path / "sk.tar.gz").path
    planted = tmp_path / "planted-by-archive"

    def plain_sql(m: dict[str, bytes]) -> None:  # the shell escape of the old format, in the new one
        m["schema.dump"] = f"\\! touch {planted}\nUPDATE meknes.auth_user SET first_name = 'pwned';\n".encode()
        reseal(m, json.loads(m["manifest.json"]))

    def old_format(m: dict[str, bytes]) -> None:  # an archive of format 1: a psql script
        manifest = json.loads(m["manifest.json"])
        manifest["format"] = "jamaa-commune-backup/1"
        m.pop("schema.dump")
        m["schema.sql"] = f"\\! touch {planted}\n".encode()
        reseal(m, manifest)

    def public_change(**changes: Any) -> Any:
        def change(m: dict[str, bytes]) -> None:
            public = json.loads(m["public.json"])
            manifest = json.loads(m["manifest.json"])
            for key, value in changes.items():
                if key == "domains":
                    public["domains"] = value
                else:
                    public["commune"][key] = value
                    if key == "slug":
                        manifest["slug"] = value
            m["public.json"] = json.dumps(public).encode()
            reseal(m, manifest)

        return change

    cases = {
        "plain": (plain_sql, "not a PostgreSQL custom-format dump"),
        "old": (old_format, "old format"),
        "host": (
            public_change(domains=[{"domain": "meknes.localhost.evil.example", "is_primary": True}]),
            "not under the base domain",
        ),
        "other-commune-host": (
            public_change(
                domains=[
                    {"domain": "sidi-kacem.localhost", "is_primary": True},
                    {"domain": "localhost", "is_primary": False},
                ]
            ),
            "not under the base domain",
        ),
        "slug": (public_change(slug="Bad Slug'; DROP SCHEMA meknes; --"), "slug .* is invalid"),
        "module": (public_change(enabled_modules=["etatcivil", "backdoor"]), "unknown module"),
        "name": (public_change(name_fr="X</script><script>alert(1)</script>"), "markup"),
    }
    state = _state()
    for name, (change, message) in cases.items():
        rewrite_archive(archive, tmp_path / f"{name}.tar.gz", change)
        with pytest.raises(BackupInvalid, match=message):
            commune_restore(path=tmp_path / f"{name}.tar.gz", as_slug="sk-copy" if name != "slug" else None)
        _nothing_changed(*state)
        assert not planted.exists(), name
    # an invalid slug given for the copy never reaches the database either
    with pytest.raises(InvalidCommuneInput):
        commune_restore(path=archive, as_slug="../meknes")
    _nothing_changed(*state)
    assert Client().get("/", HTTP_HOST="localhost").status_code in (200, 302)
