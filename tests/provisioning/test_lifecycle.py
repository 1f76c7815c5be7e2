"""Suspend, resume, archive, delete: audited transitions, read-only archives, deletion only after a backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from jamaa.platform.core.models import AuditEvent
from jamaa.provisioning import services
from jamaa.provisioning.exceptions import DeleteRefused, InvalidCommuneInput, InvalidTransition
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus
from jamaa.tenants.routing import routing_table

pytestmark = pytest.mark.django_db


def test_transitions_are_audited_with_who_when_why(fes) -> None:
    operator = get_user_model().objects.create_user(username="lab-operator", is_staff=True)
    services.commune_status_set(slug="fes", status=CommuneStatus.SUSPENDED, reason="licence unpaid", actor=operator)
    services.commune_status_set(slug="fes", status=CommuneStatus.ACTIVE, reason="paid", actor=operator)
    services.commune_status_set(slug="fes", status=CommuneStatus.ARCHIVED, reason="merged", actor=operator)
    events = list(
        AuditEvent.objects.filter(target_type="tenants.Commune", action__startswith="commune.")
        .exclude(action="commune.created")
        .order_by("id")
    )
    assert [(e.action, e.reason, e.actor_label, e.data["from"]) for e in events[-3:]] == [
        ("commune.suspended", "licence unpaid", "lab-operator", "active"),
        ("commune.active", "paid", "lab-operator", "suspended"),
        ("commune.archived", "merged", "lab-operator", "active"),
    ]
    assert all(e.at is not None for e in events)


def test_invalid_transitions_and_missing_reasons_are_refused(fes) -> None:
    with pytest.raises(InvalidCommuneInput, match="reason"):
        services.commune_status_set(slug="fes", status=CommuneStatus.SUSPENDED, reason=" ")
    services.commune_status_set(slug="fes", status=CommuneStatus.ARCHIVED, reason="merged")
    with pytest.raises(InvalidTransition):
        services.commune_status_set(slug="fes", status=CommuneStatus.SUSPENDED, reason="why not")
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ARCHIVED


def test_archived_commune_is_read_only(client: Client, fes) -> None:
    services.commune_status_set(slug="fes", status=CommuneStatus.ARCHIVED, reason="merged")
    routing_table.clear()
    # reading still works, logging in included
    assert (
        client.post("/login/", {"username": fes.username, "password": fes.password}, HTTP_HOST=fes.host).status_code
        == 302
    )
    assert client.get("/api/me/", HTTP_HOST=fes.host).status_code == 200
    # writing is refused with a clear error
    response = client.post("/password/", {}, HTTP_HOST=fes.host)
    assert response.status_code == 403
    api = client.post("/api/me/", {}, HTTP_HOST=fes.host)
    assert api.status_code == 403 and api.json()["code"] == "COMMUNE_ARCHIVED"


def test_delete_needs_archive_and_a_backup_made_after_it(fes, tmp_path: Path) -> None:
    with pytest.raises(DeleteRefused, match="archive it"):
        services.commune_delete(slug="fes", reason="gone")
    services.commune_status_set(slug="fes", status=CommuneStatus.ARCHIVED, reason="merged")
    with pytest.raises(DeleteRefused, match="no backup"):
        services.commune_delete(slug="fes", reason="gone")
    # a backup that exists but does not restore does not make deletion safe (a real one: test_backup_restore.py)
    archive = tmp_path / "fes.tar.gz"
    archive.write_bytes(b"an archive")
    CommuneBackup.objects.create(slug="fes", path=str(archive), size_bytes=10, sha256="0" * 64)
    with pytest.raises(DeleteRefused, match="does not restore"):
        services.commune_delete(slug="fes", reason="gone")
    assert Commune.objects.filter(slug="fes").exists() and archive.exists()
    assert not AuditEvent.objects.filter(action="commune.deleted", reason="gone").exists()
