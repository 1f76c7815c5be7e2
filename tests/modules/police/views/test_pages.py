"""The pages, as the agent, the decision maker and the inspector use them: a refusal stays on its form (400),
no role is the 403 page; every page answers in Arabic."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police.models import Authorisation, Establishment, Request

from ..factories import granted_terrace, signed_in, staff, user_with

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_terrace_from_the_pages(fes) -> None:
    with schema_context("fes"):
        people = staff("v1")
    agent, decider = signed_in(fes.host, people["agent"]), signed_in(fes.host, people["decider"])
    assert agent.get("/police/").status_code == 200
    made = agent.post(
        "/police/establishments/new/",
        {
            "name": "Café Nejjarine",
            "activity_code": "cafe",
            "address": "Place Nejjarine",
            "owner_kind": "person",
            "owner_name": "Fatima Zahra",
            "owner_cin": "CD12345",
        },
    )
    assert made.status_code == 302
    with schema_context("fes"):
        establishment = Establishment.objects.get(owner_cin="CD12345")
    submitted = agent.post(
        f"/police/establishments/{establishment.pk}/request/",
        {
            "kind": "occupation",
            "occupation_type": "terrace",
            "surface_m2": "24",
            "period_start": str(TODAY),
            "period_end": str(TODAY + dt.timedelta(days=90)),
        },
    )
    assert submitted.status_code == 302
    with schema_context("fes"):
        request = Request.objects.get(establishment=establishment)
    assert agent.post(f"/police/requests/{request.pk}/commission/").status_code == 302
    # an avis with reservations but no remark stays on its form
    bad = agent.post(
        f"/police/requests/{request.pk}/avis/", {"member_name": "M", "member_service": "S", "opinion": "reserved"}
    )
    assert bad.status_code == 400 and "avis-form" in bad.content.decode()
    good = agent.post(
        f"/police/requests/{request.pk}/avis/", {"member_name": "M", "member_service": "S", "opinion": "favourable"}
    )
    assert good.status_code == 302, good.content[:300]
    granted = decider.post(
        f"/police/requests/{request.pk}/grant/",
        {"valid_from": str(TODAY), "valid_until": str(TODAY + dt.timedelta(days=90)), "surface_m2": "24"},
    )
    assert granted.status_code == 302
    with schema_context("fes"):
        authorisation = Authorisation.objects.get(request=request)
    page = decider.get(f"/police/authorisations/{authorisation.pk}/").content.decode()
    assert authorisation.reference in page and "1680,00" in page


def test_pages_in_arabic_and_no_role(fes) -> None:
    with schema_context("fes"):
        people = staff("v2")
        authorisation = granted_terrace(people, cin="C810002")
        outsider = user_with("v2_out")
    client = signed_in(fes.host, people["inspector"])
    client.cookies["jamaa_language"] = "ar"
    for url in (
        "/police/",
        "/police/establishments/",
        "/police/requests/",
        "/police/authorisations/",
        f"/police/authorisations/{authorisation.pk}/",
        f"/police/requests/{authorisation.request_id}/",
        f"/police/establishments/{authorisation.establishment_id}/inspect/",
        "/police/inspections/",
        "/police/register/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'dir="rtl"' in response.content.decode(), url
    forbidden = signed_in(fes.host, outsider).get("/police/")
    assert forbidden.status_code == 403
