"""The portal's API: public reads and the tracking lookup, the desk, publishing, the dashboard; errors in the one
shape."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from ..factories import citizen_client, signed_in, user_with, visitor

pytestmark = pytest.mark.django_db


def test_public_reads_and_tracking(fes, mailoutbox) -> None:
    citizen = citizen_client(fes.host, mailoutbox, name="Api Citizen")
    made = citizen.post("/portail/me/new/portail.other/", {"text": "Demande d'alignement", "cin": "AP12345"})
    assert made.status_code == 302
    client = visitor(fes.host)
    datasets = client.get("/portail/api/public/datasets/")
    assert datasets.status_code == 200 and "portail.requests_per_month" in {d["code"] for d in datasets.json()}
    assert client.get("/portail/api/public/publications/?kind=news").status_code == 200
    bad = client.get("/portail/api/public/publications/?kind=nope")
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID"
    with schema_context("fes"):
        from jamaa.modules.portail.models import OnlineRequest

        reference = OnlineRequest.objects.get().reference
    found = client.post("/portail/api/public/track/", {"reference": reference, "secret": "ap12345"},
                        content_type="application/json")  # fmt: skip
    assert found.status_code == 200 and found.json()["status"] == "submitted"
    assert set(found.json()) == {"reference", "kind_fr", "kind_ar", "status", "status_label", "submitted_on",
                                 "deadline", "late", "document_code", "mail_status"}  # fmt: skip
    missing = client.post("/portail/api/public/track/", {"reference": reference}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["code"] == "INVALID"


def test_desk_publish_and_dashboard(fes, mailoutbox) -> None:
    citizen = citizen_client(fes.host, mailoutbox, name="Desk Citizen")
    citizen.post("/portail/me/new/portail.complaint/", {"text": "Bruit la nuit", "cin": "DK12345"})
    with schema_context("fes"):
        agent = user_with("portal_api_agent", "portail_agent")
        editor = user_with("portal_api_editor", "portail_editor")
        elected = user_with("portal_api_elected", "portail_elected")
        outsider = user_with("portal_api_outsider")
    api = signed_in(fes.host, agent)
    listed = api.get("/portail/api/desk/requests/")
    assert listed.status_code == 200 and len(listed.json()) == 1
    request_id = listed.json()[0]["request"]["id"]
    no_note = api.post(f"/portail/api/desk/requests/{request_id}/status/", {"status": "answered"},
                       content_type="application/json")  # fmt: skip
    assert no_note.status_code == 400 and no_note.json()["code"] == "PORTAIL_REQUEST_INVALID"
    answered = api.post(
        f"/portail/api/desk/requests/{request_id}/status/",
        {"status": "answered", "note": "Une patrouille passera."},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["request"]["status"] == "answered"
    again = api.post(f"/portail/api/desk/requests/{request_id}/status/", {"status": "in_progress"},
                     content_type="application/json")  # fmt: skip
    assert again.status_code == 409 and again.json()["code"] == "PORTAIL_TRANSITION_REFUSED"
    not_extract = api.post(f"/portail/api/desk/requests/{request_id}/issue/", {}, content_type="application/json")
    assert not_extract.status_code == 409
    assert signed_in(fes.host, outsider).get("/portail/api/desk/requests/").status_code == 403
    published = signed_in(fes.host, editor).post(
        "/portail/api/publications/new/",
        {"kind": "news", "title_fr": "Collecte des déchets", "title_ar": "جمع النفايات"},
        content_type="application/json",
    )
    assert published.status_code == 201 and published.json()["title_ar"] == "جمع النفايات"
    refused = api.post("/portail/api/publications/new/", {"kind": "news", "title_fr": "x", "title_ar": "y"},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 403
    dashboard = signed_in(fes.host, elected).get("/portail/api/dashboard/")
    assert dashboard.status_code == 200
    codes = {line["code"] for line in dashboard.json()}
    assert {"portail.open_requests", "regie.month_revenue", "courrier.open_letters", "etatcivil.drafts"} <= codes
