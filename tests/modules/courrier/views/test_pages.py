"""The clerk's pages: registration with a scan (and the duplicate warning, and a refused scan that registers
nothing), the detail's actions, the inbox, the late dashboard and search, in French and in Arabic."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from jamaa.modules.courrier import permissions
from jamaa.modules.courrier.models import Attachment, Mail

from ..factories import clerk, incoming, service_with_member, signed_in, user_with

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def form(**extra):
    data = {
        "category": "incoming",
        "kind": "person",
        "name": "Ahmed Alaoui",
        "cin": "AB1234",
        "ice": "",
        "administration_code": "",
        "subject": "Demande de permis",
        "mail_type_code": "demande",
        "letter_date": "",
        "priority": "normal",
        "reply_expected": "on",
        "service_id": "",
    }
    data.update(extra)
    return data


def test_register_with_a_scan_then_the_duplicate_warning(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_v1")
    client = signed_in(fes.host, c)
    assert client.get("/courrier/new/").status_code == 200
    response = client.post("/courrier/new/", form(scan=SimpleUploadedFile("s.pdf", PDF, "application/pdf")))
    assert response.status_code == 302
    with schema_context("fes"):
        mail = Mail.objects.get()
        assert response["Location"] == f"/courrier/{mail.pk}/?registered=1"
        assert Attachment.objects.filter(mail=mail).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert mail.reference in page and 'id="print-receipt"' in page
    # its status in words, not the stored code
    assert 'data-status="to_qualify">À qualifier' in page
    # the same sender and subject again: a warning first, nothing registered
    again = client.post("/courrier/new/", form())
    assert again.status_code == 200 and 'id="duplicate-warning"' in again.content.decode()
    assert mail.reference in again.content.decode()
    with schema_context("fes"):
        assert Mail.objects.count() == 1
    # confirmed: registered
    assert client.post("/courrier/new/", form(confirm_duplicate="on")).status_code == 302
    with schema_context("fes"):
        assert Mail.objects.count() == 2


def test_a_bad_scan_registers_nothing_and_says_why(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_v2")
    client = signed_in(fes.host, c)
    response = client.post("/courrier/new/", form(scan=SimpleUploadedFile("s.pdf", b"not a pdf", "application/pdf")))
    assert response.status_code == 400
    assert "pas un scan PDF, JPEG ou PNG" in response.content.decode()
    with schema_context("fes"):
        assert Mail.objects.count() == 0
    # and the next letter gets number 1: no gap
    assert client.post("/courrier/new/", form()).status_code == 302
    with schema_context("fes"):
        assert Mail.objects.get().number == 1


def test_detail_actions_route_reply_and_the_late_page(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_v3")
        agent = user_with("svc_v3", permissions.SERVICE)
        svc = service_with_member("Urbanisme", agent, c)
        letter = incoming(c)
    clerk_client = signed_in(fes.host, c)
    assert clerk_client.post(f"/courrier/{letter.pk}/route/", {"service_id": svc.pk, "note": ""}).status_code == 302
    refused = clerk_client.post(f"/courrier/{letter.pk}/status/", {"status": "deleted", "reason": ""})
    assert refused.status_code == 400 and "Indiquez pourquoi le courrier est supprimé." in refused.content.decode()
    agent_client = signed_in(fes.host, agent)
    inbox = agent_client.get(f"/courrier/?service={svc.pk}").content.decode()
    assert letter.reference in inbox
    assert agent_client.post(f"/courrier/{letter.pk}/annotate/", {"text": "Vu"}).status_code == 302
    reply = agent_client.post(f"/courrier/{letter.pk}/reply/", {"subject": "Réponse", "close": "on"})
    assert reply.status_code == 302
    with schema_context("fes"):
        letter.refresh_from_db()
        out = Mail.objects.get(reply_to=letter)
        assert (letter.status, letter.reply) == ("closed", "replied")
    assert reply["Location"] == f"/courrier/{out.pk}/"
    assert agent_client.get("/courrier/late/").status_code == 200
    found = agent_client.get("/courrier/search/", {"q": "attestation"}).content.decode()
    assert letter.reference in found
    # someone without the roles gets the 403 page
    outsider = signed_in(fes.host, _outsider())
    assert outsider.get("/courrier/").status_code == 403


def _outsider():
    with schema_context("fes"):
        return user_with("outsider_v")


def test_pages_in_arabic(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_v4")
        incoming(c)
    client = signed_in(fes.host, c)
    client.cookies["jamaa_language"] = "ar"
    page = client.get("/courrier/new/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page and "تسجيل مراسلة" in page
    late = client.get("/courrier/late/").content.decode()
    assert "المراسلات المتأخرة" in late
    # the list says each letter's status in Arabic, not its code
    listing = client.get("/courrier/").content.decode()
    assert "للتصنيف" in listing and ">to_qualify<" not in listing
