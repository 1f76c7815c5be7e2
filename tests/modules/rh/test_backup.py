"""RH's and the concours' tables live in the commune's schema: the commune's backup carries the agent files,
careers, arrêtés, leave, concours and published lists; after a restore the arrêtés' series continues without a
gap and the SQL guards still hold. pg_dump and psql are other sessions: committed data, a commune of this test's
own, dropped at the end."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.rh import services
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from ..concours.factories import announced, apply, manager, to_stage
from .factories import recruit

SLUG = "rhbackup"


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


def test_agents_acts_leave_and_concours_survive_backup_and_restore(committed: None, tmp_path: Path) -> None:
    import datetime as dt

    # given a commune with an agent, an arrêté, a leave request and a concours with an application
    provisioning.commune_create(slug=SLUG, name_fr="Sauvegarde", name_ar="نسخ", modules=["rh", "concours"])
    with schema_context(SLUG):
        actor = manager("cc-backup")
        made = recruit(actor, "BK1")
        services.leave_request(
            actor=actor, agent_id=made.agent_id, kind="annual", start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 4)
        )
        k = announced(actor)
        to_stage(actor, k.pk, "open")
        apply(actor, k.pk, "BK2", "Amal")
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["rh_agent"]["rows"] == 1 and before["rh_act"]["rows"] == 1
    assert before["concours_candidature"]["rows"] == 1 and before["rh_leaverequest"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    # when the commune is deleted and restored from its archive
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    # then the tables are identical, the series continues and the guards are back
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        second = recruit(manager("cc-backup2"), "BK3")
        assert second.act_reference.startswith("2/")
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM rh_act WHERE id = %s", [made.act_id])
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE rh_leavebalance SET days_used = 99")
