"""The bureau d'ordre's tables live in the commune's schema and its scans under `<schema>/` in the media storage:
the commune's backup carries the letters, their history and their scans; after a restore the scan opens, the
series continues without a gap and the SQL guards still hold. pg_dump and psql are other sessions: committed data,
a commune of this test's own, dropped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.courrier import exceptions, selectors, services
from jamaa.modules.courrier.models import Attachment, Mail
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from .factories import clerk, incoming

SLUG = "bobackup"
COPY = "bobackupcopy"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


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


def test_letters_history_and_scans_survive_backup_and_restore(committed: None, tmp_path: Path) -> None:
    # given a commune with a letter, its scan, a routing, a note and a reply
    provisioning.commune_create(slug=SLUG, name_fr="Backup", name_ar="نسخ", modules=["courrier"])
    with schema_context(SLUG):
        c = clerk()
        svc = services.service_create(actor=c, name_fr="Voirie", member_ids=(c.pk,))
        mail = incoming(c, "Demande de nettoyage", reply_expected=True, mail_type_code="demande")
        scan = services.attachment_add(actor=c, mail_id=mail.pk, name="lettre.pdf", content=PDF)
        services.mail_route(actor=c, mail_id=mail.pk, service_id=svc.pk)
        services.mail_annotate(actor=c, mail_id=mail.pk, text="Urgent")
        services.mail_reply(actor=c, incoming_id=mail.pk, subject="Réponse")
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["courrier_mail"]["rows"] == 2 and before["courrier_attachment"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    # when the commune is deleted and restored from its archive
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    # then the tables are identical and the scan opens
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        restored = Attachment.objects.get(pk=scan.pk)
        with restored.file.open("rb") as f:
            assert f.read() == PDF
        # the series continues: the next incoming letter is number 2
        assert incoming(clerk("clerk2"), "Suite", cin="ZZ1").number == 2
        # and the guards are back with the tables
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM courrier_mail WHERE id = %s", [mail.pk])
        assert Mail.objects.filter(pk=mail.pk, reply="replied").exists()

    # A copy restored beside it (`--as`) reads its own copy of the scan, never the original commune's file:
    # with the original's file gone, the copy still opens its scan; the original's letter says it is lost.
    commune_restore(path=archive, as_slug=COPY)
    with schema_context(SLUG):
        original_name = Attachment.objects.get(pk=scan.pk).file.name
    assert original_name.startswith(f"{SLUG}/")
    default_storage.delete(original_name)
    with schema_context(COPY):
        opened = selectors.attachment_get(viewer=clerk("clerk-copy"), attachment_id=scan.pk)
        assert opened.content == PDF and opened.name == "lettre.pdf"
    with schema_context(SLUG), pytest.raises(exceptions.AttachmentNotFound):
        selectors.attachment_get(viewer=clerk("clerk3"), attachment_id=scan.pk)
