"""The API, end to end: establishment → request (registered as mail) → commission → avis → grant (the régie's
ordre in the answer) → control → sanction; the public register; refusals in the {code, message, extra} shape."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police.models import Establishment

from ..factories import signed_in, staff, user_with
from ..services.test_inspection import jpeg

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_terrace_through_the_api(fes, django_assert_max_num_queries) -> None:
    with schema_context("fes"):
        people = staff("api1")
    agent, decider, inspector = (signed_in(fes.host, people[k]) for k in ("agent", "decider", "inspector"))
    created = agent.post(
        "/police/api/establishments/new/",
        {
            "name": "Café Zitouna",
            "activity_code": "cafe",
            "address": "Bab Boujloud",
            "owner_kind": "company",
            "owner_name": "Zitouna SARL",
            "owner_ice": "001234567000089",
            "owner_rc": "5521",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    establishment = created.json()["id"]
    request = agent.post(
        "/police/api/requests/new/",
        {
            "kind": "occupation",
            "establishment_id": establishment,
            "occupation_type": "terrace",
            "surface_m2": "24",
            "period_start": str(TODAY),
            "period_end": str(TODAY + dt.timedelta(days=180)),
        },
        content_type="application/json",
    )
    assert request.status_code == 201, request.content
    body = request.json()
    assert body["status"] == "submitted" and body["mail_reference"].startswith(f"A-{TODAY.year}/")
    rid = body["id"]
    assert agent.post(f"/police/api/requests/{rid}/commission/").json()["status"] == "commission"
    avis = agent.post(
        f"/police/api/requests/{rid}/avis/",
        {"member_name": "Voirie", "member_service": "Service technique", "opinion": "favourable"},
        content_type="application/json",
    )
    assert avis.status_code == 201 and len(avis.json()["avis"]) == 1
    # an agent may not grant
    refused = agent.post(
        f"/police/api/requests/{rid}/grant/",
        {"valid_from": str(TODAY), "valid_until": str(TODAY + dt.timedelta(days=180))},
        content_type="application/json",
    )
    assert refused.status_code == 403
    granted = decider.post(
        f"/police/api/requests/{rid}/grant/",
        {"valid_from": str(TODAY), "valid_until": str(TODAY + dt.timedelta(days=180)), "conditions": "Pas après 23h"},
        content_type="application/json",
    )
    assert granted.status_code == 201, granted.content
    data = granted.json()
    assert data["authorisation"]["status"] == "active" and data["authorisation"]["fee_tax_code"] == "ODP"
    assert data["authorisation"]["fee_on_declarations"] is False  # ODP: an ordre per quarter
    assert [(p["amount_dh"], p["ordre_status"], p["paid"]) for p in data["periods"]] == [("1680.00", "issued", False)]
    aid = data["authorisation"]["id"]
    # a control with a photo and a GPS point, then a warning
    pv = inspector.post(
        "/police/api/inspections/new/",
        {
            "establishment_id": establishment,
            "authorisation_id": aid,
            "findings": "30 m² occupés",
            "compliant": True,
            "measured_surface_m2": "30",
            "latitude": "34.0617",
            "longitude": "-4.9838",
            "photos": [{"name": "t.jpg", "content_base64": base64.b64encode(jpeg()).decode()}],
        },
        content_type="application/json",
    )
    assert pv.status_code == 201, pv.content
    assert pv.json()["compliant"] is False
    sanction = inspector.post(
        f"/police/api/inspections/{pv.json()['id']}/sanctions/",
        {"kind": "warning", "reason": "Réduire", "deadline": str(TODAY + dt.timedelta(days=8))},
        content_type="application/json",
    )
    assert sanction.status_code == 201 and sanction.json()["sanctions"][0]["kind"] == "warning"
    assert sanction.json()["sanctions"][0]["ordre_reference"] == ""  # a fine's would name its ordre
    # the public register shows it, with no identifier
    register = Client(HTTP_HOST=fes.host).get("/police/api/register/")
    rows = [r for r in register.json() if r["reference"] == data["authorisation"]["reference"]]
    assert register.status_code == 200 and rows and "001234567000089" not in register.content.decode()
    with django_assert_max_num_queries(12):
        listed = agent.get("/police/api/authorisations/")
    assert listed.status_code == 200


def test_refusals_in_the_error_shape(fes) -> None:
    with schema_context("fes"):
        people = staff("api2")
        outsider = user_with("api2_out")
        count = Establishment.objects.count()
    agent = signed_in(fes.host, people["agent"])
    bad = agent.post(
        "/police/api/establishments/new/",
        {"name": "X", "activity_code": "cafe", "address": "Y", "owner_kind": "person", "owner_name": "Z"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "POLICE_INVALID"
    assert "owner_cin" in bad.json()["extra"]["fields"]
    assert signed_in(fes.host, outsider).get("/police/api/requests/").status_code == 403
    assert agent.get("/police/api/requests/999999/").json()["code"] == "POLICE_REQUEST_NOT_FOUND"
    with schema_context("fes"):
        assert Establishment.objects.count() == count
