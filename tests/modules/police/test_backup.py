"""The police administrative's place in backup and restore: its tables live in the commune's schema and the PV
photos under `<schema>/police/…` in the media storage, so the commune's archive carries the requests, the
authorisations with their revenue periods (and the régie's ordres and the bureau d'ordre's letters beside them),
the PVs and their photos; after a restore the photo opens, the numbering continues without a gap and the SQL
guards still hold. pg_dump and psql are other sessions: committed data, a commune of this test's own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police import services
from jamaa.modules.police.models import Authorisation, InspectionPhoto
from jamaa.platform.kernel import files
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from .factories import granted_terrace, staff
from .services.test_inspection import jpeg

SLUG = "bopolbackup"


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


def test_authorisations_revenue_and_pv_photos_survive_backup_and_restore(committed: None, tmp_path: Path) -> None:
    # given a commune with a granted terrace (its ordre in the régie) and a PV with a photo
    provisioning.commune_create(slug=SLUG, name_fr="Sauvegarde", name_ar="نسخ", modules=["courrier", "regie", "police"])
    with schema_context(SLUG):
        people = staff("bk", password=None)
        authorisation = granted_terrace(people, cin="C990001")
        inspection = services.inspection_record(
            actor=people["inspector"],
            data=services.InspectionInput(
                establishment_id=authorisation.establishment_id,
                authorisation_id=authorisation.pk,
                findings="30 m²",
                compliant=False,
                measured_surface_m2=Decimal("30"),
            ),
            photos=(services.PhotoInput(name="t.jpg", content=jpeg()),),
        )
        photo = InspectionPhoto.objects.get(inspection=inspection)
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["police_authorisation"]["rows"] == 1 and before["police_revenueperiod"]["rows"] == 1
    assert before["police_inspectionphoto"]["rows"] == 1 and before["regie_ordrerecette"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    # when the commune is deleted and restored from its archive
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    # then the tables are identical and the photo opens
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        assert files.tenant_read(photo.file_name) == jpeg()
        # the numbering continues: the next occupation granted is number 2, with its ordre
        today = timezone.localdate()
        second = granted_terrace(
            {**people, "agent": type(people["agent"]).objects.get(pk=people["agent"].pk)}, cin="C990002"
        )
        assert second.number == 2 and second.periods.count() == 1 and second.valid_until > today - dt.timedelta(1)
        # and the guards are back with the tables
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM police_authorisation WHERE id = %s", [authorisation.pk])
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE police_authorisation SET holder_name = 'X' WHERE id = %s", [authorisation.pk])
        assert Authorisation.objects.get(pk=authorisation.pk).holder_name == "Mohamed Bennani"
