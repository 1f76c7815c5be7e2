"""The issue's scenario through the pages: a citizen asks for a birth extract, follows it by number and CIN, an
officer issues it from the desk, the citizen downloads it and its QR code's page says it is valid."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.courrier import selectors as courrier_selectors
from jamaa.modules.portail.models import OnlineRequest, RequestEvent

from ..factories import citizen_client, signed_birth_act, signed_in, visitor

pytestmark = pytest.mark.django_db


def test_birth_extract_from_request_to_verified_download(fes, mailoutbox) -> None:
    with schema_context("fes"):
        officer, _chief, number, year = signed_birth_act("x1")
    citizen = citizen_client(fes.host, mailoutbox, name="Mohamed Alaoui")

    # the request
    page = citizen.get("/portail/me/new/etatcivil.extract/")
    assert page.status_code == 200 and 'name="act_number"' in page.content.decode()
    sent = citizen.post(
        "/portail/me/new/etatcivil.extract/",
        {"document": "birth_extract", "act_kind": "birth", "act_number": number, "act_year": year,
         "capacity": "Père", "cin": "ab123456", "text": ""},
    )  # fmt: skip
    assert sent.status_code == 302, sent.content.decode()[:2000]
    with schema_context("fes"):
        request = OnlineRequest.objects.get()
        assert request.status == "submitted" and request.cin == "AB123456"
        assert re.fullmatch(r"A-\d{4}/\d{6}", request.reference)
        # registered as incoming mail with the same number
        mail = courrier_selectors.mail_public_status(number=request.mail_number, year=request.mail_year,
                                                     code=request.mail_code)  # fmt: skip
        assert mail is not None and mail.reference == request.reference and mail.category == "incoming"
    detail = citizen.get(sent["Location"]).content.decode()
    assert request.reference in detail and 'data-status="submitted"' in detail

    # followed without an account, by number + CIN, and by number + récépissé code
    anonymous = visitor(fes.host)
    found = anonymous.post("/portail/track/", {"reference": request.reference, "secret": "AB123456"})
    assert found.status_code == 200 and 'data-status="submitted"' in found.content.decode()
    assert "Mohamed" not in found.content.decode()  # no name on the public status
    by_code = anonymous.post("/portail/track/", {"reference": request.reference, "secret": request.mail_code})
    assert by_code.status_code == 200
    wrong = anonymous.post("/portail/track/", {"reference": request.reference, "secret": "ZZ999999"})
    assert wrong.status_code == 404 and "data-status" not in wrong.content.decode()

    # the officer issues it from the desk
    desk = signed_in(fes.host, officer)
    listing = desk.get("/portail/desk/").content.decode()
    assert request.reference in listing
    issued = desk.post(f"/portail/desk/{request.pk}/", {"action": "issue", "quittance_code": "", "fee_dh": "0"})
    assert issued.status_code == 302, issued.content.decode()[:3000]
    with schema_context("fes"):
        request.refresh_from_db()
        assert request.status == "issued" and request.document_code
        assert list(RequestEvent.objects.filter(request=request).values_list("status", flat=True)) == [
            "submitted",
            "issued",
        ]

    # the citizen downloads it, and its verification page says valid
    pdf = citizen.get(f"/portail/me/requests/{request.pk}/document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    verified = anonymous.get(f"/verify/etatcivil.document/{request.document_code}/")
    assert verified.status_code == 200
    html = verified.content.decode()
    assert "valid" in html.lower() or "صالح" in html
    # the portal's own "verify" form leads there
    check = anonymous.get("/portail/check/", {"kind": "etatcivil.document", "code": request.document_code})
    assert check.status_code == 302 and check["Location"] == f"/verify/etatcivil.document/{request.document_code}/"


def test_an_extract_for_an_act_that_does_not_exist_is_refused_at_the_desk(fes, mailoutbox) -> None:
    with schema_context("fes"):
        officer, _chief, number, year = signed_birth_act("x2")
    citizen = citizen_client(fes.host, mailoutbox, name="Fatima Zahra")
    _r = citizen.post(
        "/portail/me/new/etatcivil.extract/",
        {"document": "birth_extract", "act_kind": "birth", "act_number": number + 500, "act_year": year,
         "capacity": "Intéressée", "cin": "C123456"},
    )  # fmt: skip
    assert _r.status_code == 302, _r.content.decode()[-3000:]
    with schema_context("fes"):
        request = OnlineRequest.objects.get()
    refused = signed_in(fes.host, officer).post(f"/portail/desk/{request.pk}/", {"action": "issue", "fee_dh": "0"})
    assert refused.status_code == 400
    with schema_context("fes"):
        request.refresh_from_db()
        assert request.status == "submitted" and request.document_id is None


def test_a_wrong_quittance_code_is_refused(fes, mailoutbox) -> None:
    with schema_context("fes"):
        officer, _chief, number, year = signed_birth_act("x3")
    citizen = citizen_client(fes.host, mailoutbox, name="Said Bennani")
    citizen.post(
        "/portail/me/new/etatcivil.extract/",
        {
            "document": "birth_extract",
            "act_kind": "birth",
            "act_number": number,
            "act_year": year,
            "capacity": "Fils",
            "cin": "D12345",
        },
    )
    with schema_context("fes"):
        request = OnlineRequest.objects.get()
    refused = signed_in(fes.host, officer).post(
        f"/portail/desk/{request.pk}/", {"action": "issue", "quittance_code": "NOPE-NOPE", "fee_dh": "20"}
    )
    assert refused.status_code == 400 and "quittance" in refused.content.decode().lower()
    with schema_context("fes"):
        request.refresh_from_db()
        assert request.status == "submitted"
