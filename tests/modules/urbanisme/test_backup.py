"""The urbanisme tables live in the commune's schema and its issued PDFs under `<schema>/urbanisme/` in the media
storage: the commune's backup carries the dossiers, their history and their documents; after a restore the stored
PDF opens (in a copy restored beside it too, from its own folder), the series continues without a gap and the SQL
guards still hold. pg_dump and psql are other sessions: committed data, a commune of this test's own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme import selectors, services
from jamaa.modules.urbanisme.models import IssuedDocument
from jamaa.platform.kernel.documents import CommuneMasthead
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from .factories import agent, deposit

SLUG = "urbbackup"
COPY = "urbbackupcopy"
MAST = CommuneMasthead(commune_fr="Backup", commune_ar="نسخ", office_fr="Urbanisme", office_ar="التعمير")


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
        for slug in (SLUG, COPY):
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
            Domain.objects.filter(tenant__slug=slug).delete()
            Commune.objects.filter(slug=slug).delete()
            CommuneBackup.objects.filter(slug=slug).delete()
        routing_table.clear()


def test_dossiers_history_and_documents_survive_backup_and_restore(committed: None, tmp_path: Path) -> None:
    # given a commune with a dossier found incomplete, its receipt issued and stored
    provisioning.commune_create(slug=SLUG, name_fr="Backup", name_ar="نسخ", modules=["courrier", "urbanisme"])
    with schema_context(SLUG):
        a = agent("urb_b1")
        d = deposit(a, pieces=("demande",))
        receipt = services.document_issue(
            actor=a, kind="receipt", dossier_id=d.pk, masthead=MAST, url_for=lambda code: f"http://x/{code}/"
        )
        pdf = selectors.document_get(viewer=a, document_id=receipt.pk).content
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["urbanisme_dossier"]["rows"] == 1 and before["urbanisme_issueddocument"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    # when the commune is deleted and restored from its archive
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    # then the tables are identical, the stored PDF opens as issued, the series continues, the guards hold
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        a = agent("urb_b2")
        assert selectors.document_get(viewer=a, document_id=receipt.pk).content == pdf
        assert deposit(a).number == 2
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM urbanisme_dossier WHERE id = %s", [d.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE urbanisme_dossier SET status = 'delivered' WHERE id = %s", [d.pk])
    # a copy restored beside it reads its own copy of the PDF, even with the original's file gone
    commune_restore(path=archive, as_slug=COPY)
    with schema_context(SLUG):
        original = IssuedDocument.objects.get(pk=receipt.pk).file
    assert original.startswith(f"{SLUG}/")
    default_storage.delete(original)
    with schema_context(COPY):
        assert selectors.document_get(viewer=agent("urb_b3"), document_id=receipt.pk).content == pdf
