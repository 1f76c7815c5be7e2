"""The parc's tables live in the commune's schema: the commune's backup carries its vehicles, readings, voucher
books, fills, cancellations and mission orders; after a restore the tables are identical, the series continue
without a gap (next book, next voucher block, next mission) and the SQL guards still hold. pg_dump and psql are
other sessions: committed data, a commune of this test's own, dropped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import services
from jamaa.modules.parc.models import Voucher
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from .factories import book, fill, garage, manager, vehicle

SLUG = "parcbackup"


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


def _mission(m: Any, v: Any) -> Any:
    today = timezone.localdate()
    return services.mission_issue(
        actor=m,
        data=services.MissionInput(
            agent_name="Agent",
            vehicle_id=v.pk,
            destination="Sefrou",
            purpose="Chantier",
            depart_on=today,
            return_on=today,
        ),
    )


def test_the_parc_survives_backup_and_restore(committed: None, tmp_path: Path) -> None:
    # given a commune with a vehicle, a book, a fill, a cancellation and a mission order
    provisioning.commune_create(slug=SLUG, name_fr="Parc", name_ar="حظيرة", modules=["parc"])
    today = timezone.localdate()
    with schema_context(SLUG):
        m, g = manager(), garage()
        v = vehicle(m, odometer=1000)
        first, second = Voucher.objects.filter(book=book(m, v, count=2)).order_by("number")
        fill(g, first.pk, v, km=1200, litres="30", day=today)
        services.voucher_cancel(actor=m, voucher_id=second.pk, reason="Déchiré")
        mission = _mission(m, v)
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["parc_voucher"]["rows"] == 2 and before["parc_voucheruse"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    # when the commune is deleted and restored from its archive
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    # then the tables are identical, the series continue and the guards hold
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        m2 = manager("parc_mgr2")
        nxt = services.book_issue(actor=m2, vehicle_id=v.pk, count=1, face_value=Decimal("100"))
        assert (nxt.number, nxt.first_number) == (2, 3)
        assert _mission(m2, vehicle(m2, "2-B-2")).number == mission.number + 1
        assert services.last_odometer(vehicle_id=v.pk) == 1200
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE parc_voucher SET status = 'issued' WHERE id = %s", [first.pk])
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO parc_odometerreading (vehicle_id, value, read_on, source, created_by_id, created_at) "
                "VALUES (%s, 5, now(), 'manual', %s, now())",
                [v.pk, m2.pk],
            )
