"""Per-commune backup and restore. pg_dump and psql are other sessions: these tests work on committed data
and clean up after themselves."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.provisioning import services
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.exceptions import BackupInvalid, CommuneExists
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
    archive = commune_backup(slug="ifrane", output=tmp_path / "ifrane.tar.gz").path
    # when restored as a second commune while the first is still there
    committed.append("ifrane-copy")
    result = commune_restore(path=archive, as_slug="ifrane-copy")
    # then both exist with the same data, on their own hosts
    assert result.host == "ifrane-copy.localhost" and result.schema_name == "ifrane_copy"
    assert table_checksums("ifrane_copy") == table_checksums("ifrane")
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
        lambda m: m.__setitem__("schema.sql", m["schema.sql"].replace(b"agent", b"intru")),
    )
    # made by a newer version (a migration this code does not know)

    def newer(m: dict[str, bytes]) -> None:
        manifest = json.loads(m["manifest.json"])
        manifest["migrations"].append("core.9999_future")
        m["manifest.json"] = json.dumps(manifest).encode()

    rewrite_archive(archive, tmp_path / "newer.tar.gz", newer)
    (tmp_path / "garbage.tar.gz").write_bytes(b"not an archive at all")
    cases = {
        "truncated": "corrupted or truncated",
        "tampered": "does not match its checksum",
        "newer": "newer version",
        "garbage": "corrupted or truncated",
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
