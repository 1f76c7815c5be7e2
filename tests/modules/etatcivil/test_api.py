"""The civil registry's API on a commune's host, and isolation between communes."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import permissions

from .factories import bureau, officer_for, user_with

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"


@pytest.fixture
def fes_staff(fes):
    with schema_context("fes"):
        b = bureau()
        officer_for(b)
        user_with("agent1", permissions.AGENT)
        return b.pk


def login(client: Client, host: str, username: str) -> None:
    assert client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_HOST=host).status_code == 302


def draft_and_sign(client: Client, host: str, bureau_id: int) -> dict:
    login(client, host, "agent1")
    response = client.post(
        "/etatcivil/api/acts/",
        {
            "bureau_id": bureau_id,
            "kind": "birth",
            "year": 2026,
            "given_name_ar": "يوسف",
            "family_name_ar": "العلوي",
            "given_name_fr": "Youssef",
            "family_name_fr": "El Alaoui",
            "sex": "M",
            "event_date": "2026-03-15",
            "place_ar": "فاس",
            "place_fr": "Fès",
        },
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert response.status_code == 201, response.content
    act = response.json()
    assert act["status"] == "draft" and act["number"] is None
    # an agent cannot sign
    refused = client.post(f"/etatcivil/api/acts/{act['id']}/sign/", {}, content_type="application/json", HTTP_HOST=host)
    assert refused.status_code == 403 and refused.json()["code"] == "NOT_A_DELEGATED_OFFICER"
    login(client, host, "officer")
    signed = client.post(f"/etatcivil/api/acts/{act['id']}/sign/", {}, content_type="application/json", HTTP_HOST=host)
    assert signed.status_code == 200, signed.content
    return signed.json()


def test_draft_sign_note_issue_and_verify(client: Client, fes, fes_staff) -> None:
    act = draft_and_sign(client, fes.host, fes_staff)
    assert act["number"] == 1 and act["year"] == 2026
    note = client.post(
        f"/etatcivil/api/acts/{act['id']}/notes/",
        {
            "kind": "rectification",
            "text_ar": "تصحيح",
            "text_fr": "Rectification",
            "authority": "Procureur du Roi",
            "document_number": "12/2026",
            "document_date": "2026-04-01",
        },
        content_type="application/json",
        HTTP_HOST=fes.host,
    )
    assert note.status_code == 201
    read = client.get(f"/etatcivil/api/acts/{act['id']}/", {"reason": "contrôle"}, HTTP_HOST=fes.host)
    assert read.status_code == 200 and [n["kind"] for n in read.json()["notes"]] == ["rectification"]
    no_reason = client.get(f"/etatcivil/api/acts/{act['id']}/", HTTP_HOST=fes.host)
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "INVALID_ACT"
    doc = client.post(
        f"/etatcivil/api/acts/{act['id']}/documents/",
        {"kind": "birth_extract", "requester_name": "Youssef El Alaoui", "requester_capacity": "intéressé"},
        content_type="application/json",
        HTTP_HOST=fes.host,
    ).json()
    found = client.get("/etatcivil/api/acts/search/", {"kind": "birth", "year": 2026, "number": 1}, HTTP_HOST=fes.host)
    assert [h["act_id"] for h in found.json()] == [act["id"]]
    # the public page (the kernel's) confirms the document, to anyone: what is on the paper, not the act's content
    anonymous = Client()
    page = anonymous.get(f"/etatcivil/verify/{doc['verification_code']}/", HTTP_HOST=fes.host)
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert 'data-status="valid"' in html and "1/2026" in html and "Extrait d'acte de naissance" in html
    assert "birth_extract" not in html and "intéressé" not in html


def test_a_second_commune_cannot_reach_the_act_or_verify_it(client: Client, fes, meknes, fes_staff) -> None:
    act = draft_and_sign(client, fes.host, fes_staff)
    doc = client.post(
        f"/etatcivil/api/acts/{act['id']}/documents/",
        {"kind": "birth_extract", "requester_name": "Y", "requester_capacity": "intéressé"},
        content_type="application/json",
        HTTP_HOST=fes.host,
    ).json()
    with schema_context("meknes"):
        bureau("M1")
        user_with("agent1", permissions.AGENT)
    other = Client()
    login(other, meknes.host, "agent1")
    assert other.get(f"/etatcivil/api/acts/{act['id']}/", {"reason": "x"}, HTTP_HOST=meknes.host).status_code == 404
    assert other.get("/etatcivil/api/acts/search/", {"q": "Youssef El Alaoui"}, HTTP_HOST=meknes.host).json() == []
    page = Client().get(f"/etatcivil/verify/{doc['verification_code']}/", HTTP_HOST=meknes.host)
    assert page.status_code == 404 and 'data-status="unknown"' in page.content.decode()


def test_document_pdfs_and_the_export_are_journalled_like_a_full_read(client: Client, fes, fes_staff) -> None:
    from django.contrib.auth import get_user_model

    from jamaa.modules.etatcivil.models import JournalEntry
    from jamaa.platform.core.models import AuditEvent

    # given a signed act (the officer is logged in) and a document issued for it
    act = draft_and_sign(client, fes.host, fes_staff)
    issued = client.post(
        f"/etatcivil/api/acts/{act['id']}/documents/",
        {"kind": "full_copy", "requester_name": "El Alaoui", "requester_capacity": "father"},
        content_type="application/json",
        HTTP_HOST=fes.host,
    )
    assert issued.status_code == 201, issued.content
    document = issued.json()
    with schema_context("fes"):
        before = set(JournalEntry.objects.values_list("pk", flat=True))
    # when the agent opens its PDF on the page and through the API, and reads the export to the national register
    login(client, fes.host, "agent1")
    assert client.get(f"/etatcivil/documents/{document['id']}/pdf/", HTTP_HOST=fes.host).status_code == 200
    assert client.get(f"/etatcivil/api/documents/{document['id']}/pdf/", HTTP_HOST=fes.host).status_code == 200
    exported = client.get("/etatcivil/api/export/", HTTP_HOST=fes.host)
    assert exported.status_code == 200 and exported.json()
    # then each gave the act's content with a journal entry naming the agent, as a full read does
    with schema_context("fes"):
        agent = get_user_model().objects.get(username="agent1")
        new = list(
            JournalEntry.objects.exclude(pk__in=before)
            .order_by("id")
            .values_list("act_id", "user_id", "action", "reason")
        )
        assert new == [
            (act["id"], agent.pk, "read.document_pdf", f"full_copy {document['verification_code']}"),
            (act["id"], agent.pk, "read.document_pdf", f"full_copy {document['verification_code']}"),
            (act["id"], agent.pk, "read.export", "Export to the national register"),
        ]
        audit = AuditEvent.objects.filter(action="etatcivil.export.read").get()
        assert audit.actor_id == agent.pk and len(audit.data["items"]) == len(exported.json())
