"""The portal's tables live in the commune's schema and the citizens' pieces under `<schema>/` in the media
storage: the commune's backup carries citizens, requests, their history and pieces, publications; after a restore
the piece opens, the tracking lookup answers, and the SQL guards still hold. Committed data (pg_dump is another
session), a commune of this test's own, dropped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.portail import selectors, services
from jamaa.modules.portail.models import Citizen, OnlineRequest
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from .factories import user_with

SLUG = "poportailbk"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()
        CommuneBackup.objects.filter(slug=SLUG).delete()
        routing_table.clear()


def test_requests_pieces_and_publications_survive_backup_and_restore(committed: None, tmp_path: Path) -> None:
    modules = ["courrier", "portail"]
    provisioning.commune_create(slug=SLUG, name_fr="Portail", name_ar="بوابة", modules=modules)
    with schema_context(SLUG):
        citizen = Citizen.objects.create(email="backup@example.ma", display_name="Backup Citizen")
        request = services.request_submit(
            citizen_id=citizen.pk,
            data=services.RequestInput(kind="portail.complaint", text="Trottoir cassé", cin="BK12345"),
            uploads=(services.Upload(name="photo.pdf", content=PDF),),
            enabled=tuple(modules),
        )
        editor = user_with("portal_bk_editor", "portail_editor")
        services.publication_publish(
            actor=editor, data=services.PublicationInput(kind="news", title_fr="Info", title_ar="خبر")
        )
        reference = request.reference
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["portail_onlinerequest"]["rows"] == 1 and before["portail_requestattachment"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        agent = user_with("portal_bk_agent", "portail_agent")
        attachment_id = selectors.desk_get(viewer=agent, request_id=request.pk).attachments[0][0]
        assert selectors.desk_attachment(viewer=agent, attachment_id=attachment_id)[2] == PDF
        found = selectors.request_track(reference=reference, secret="BK12345")
        assert found is not None and found.status == "submitted"
        assert [p.title_fr for p in selectors.publications()] == ["Info"]
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM portail_onlinerequest WHERE id = %s", [request.pk])
        assert OnlineRequest.objects.filter(pk=request.pk).exists()
