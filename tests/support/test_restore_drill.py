"""The restore drill: the latest backup of a commune restored under a scratch name, every table compared with the
backup's manifest (row counts and checksums), the scratch commune dropped, the result on the health page. A table
altered in the restored copy is reported as a mismatch. pg_dump and pg_restore are other sessions: committed data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.platform.support import selectors, services
from jamaa.platform.support.models import RestoreDrill
from jamaa.provisioning import backup as backup_service
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune


@pytest.fixture
def committed(fes: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
        for backup in CommuneBackup.objects.filter(slug="fes"):
            Path(backup.path).unlink(missing_ok=True)
        CommuneBackup.objects.filter(slug="fes").delete()
        assert not Commune.objects.filter(slug__startswith="drill").exists()


def test_the_drill_passes_then_reports_a_tampered_table(committed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    backup_service.commune_backup(slug="fes")
    drill = services.restore_drill_run(slug="fes")
    assert drill is not None and drill.ok is True, (drill.error if drill else None, drill.mismatches if drill else None)
    assert drill.tables > 10 and drill.mismatches == []
    assert not Commune.objects.filter(slug=drill.scratch_slug).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [drill.scratch_slug])
        assert cursor.fetchone() is None  # the scratch schema is dropped

    real_restore = backup_service.commune_restore

    def restore_then_tamper(**kwargs: Any) -> Any:
        result = real_restore(**kwargs)
        with schema_context(result.schema_name), connection.cursor() as cursor:
            cursor.execute("UPDATE auth_user SET first_name = first_name || '!' WHERE username = 'agent'")
        return result

    monkeypatch.setattr(backup_service, "commune_restore", restore_then_tamper)
    tampered = services.restore_drill_run(slug="fes")
    assert tampered is not None and tampered.ok is False
    assert [m["table"] for m in tampered.mismatches] == ["auth_user"]
    assert tampered.mismatches[0]["expected"]["rows"] == tampered.mismatches[0]["found"]["rows"]
    row = selectors.commune_health(slug="fes")
    assert row is not None and row.last_drill_ok is False
    assert "restore_drill" in selectors.health_problems(row)
    RestoreDrill.objects.filter(slug="fes").delete()


def test_scheduled_backups_go_to_the_media_storage_and_retention_forgets_the_oldest(committed: None) -> None:
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    assert services.backups_scheduled(slugs=["fes"]) == {"fes": "ok"}
    first = CommuneBackup.objects.filter(slug="fes").latest("created_at")
    assert default_storage.exists(services.storage_name("fes", first.path))
    CommuneBackup.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    assert services.backups_scheduled(slugs=["fes"], keep={"daily": 1, "weekly": 0, "monthly": 0}) == {"fes": "ok"}
    remaining = list(CommuneBackup.objects.filter(slug="fes"))
    assert len(remaining) == 1 and remaining[0].pk != first.pk
    assert not default_storage.exists(services.storage_name("fes", first.path)) and not Path(first.path).exists()
    default_storage.delete(services.storage_name("fes", remaining[0].path))


@pytest.mark.django_db
def test_the_nightly_backups_are_one_task_per_active_commune(fes, meknes, monkeypatch: pytest.MonkeyPatch) -> None:
    from jamaa.platform.support import tasks
    from jamaa.tenants.models import Commune, CommuneStatus

    # given Meknès suspended
    Commune.objects.filter(slug="meknes").update(status=CommuneStatus.SUSPENDED)
    queued: list[str] = []
    monkeypatch.setattr(tasks.backup_commune, "delay", queued.append)
    # when the beat's task runs
    answer = tasks.backups_scheduled()
    # then one backup task is queued per active commune, Fès's among them, none for Meknès
    active = list(
        Commune.objects.filter(status=CommuneStatus.ACTIVE).exclude(schema_name="public").values_list("slug", flat=True)
    )
    assert sorted(queued) == sorted(active) and "fes" in queued and "meknes" not in queued
    assert answer == {slug: "queued" for slug in queued}
