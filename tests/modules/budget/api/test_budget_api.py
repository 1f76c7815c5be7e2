"""The API: the whole chain as JSON, refusals in the one error shape (the credit refusal with what is available),
the roles' early 403."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from ..factories import OFFICE, budget_with, line, ordonnateur, service_user, signed_in

pytestmark = pytest.mark.django_db


def test_chain_through_the_api(fes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(service=service, ordo=ordo, year=2026, forecasts={OFFICE: "1000"})
        office = line(budget, OFFICE)
    s, o = signed_in(fes.host, service), signed_in(fes.host, ordo)
    r = s.post(
        "/budget/api/engagements/new/",
        {"line_id": office.pk, "beneficiary": "B", "subject": "S", "amount_dh": "800.00"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    eid = r.json()["engagement"]["id"]
    assert r.json()["engagement"]["reference"].startswith("E-2026/")
    assert s.post(f"/budget/api/engagements/{eid}/approve/", {}, content_type="application/json").status_code == 403
    r = o.post(f"/budget/api/engagements/{eid}/approve/", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["engagement"]["status"] == "approved"

    r = s.post(
        "/budget/api/engagements/new/",
        {"line_id": office.pk, "beneficiary": "B", "subject": "S2", "amount_dh": "300.00"},
        content_type="application/json",
    )
    second = r.json()["engagement"]["id"]
    r = o.post(f"/budget/api/engagements/{second}/approve/", {}, content_type="application/json")
    assert r.status_code == 409
    assert r.json()["code"] == "BUDGET_CREDIT_EXCEEDED"
    assert r.json()["extra"] == {"line": "10.20.21", "available_dh": "200.00", "asked_dh": "300.00"}

    r = s.post(
        f"/budget/api/engagements/{eid}/liquidations/",
        {"amount_dh": "800", "invoice_reference": "F", "service_done_on": "2026-03-01"},
        content_type="application/json",
    )
    assert r.status_code == 201
    liq = r.json()["liquidations"][0]["id"]
    r = o.post(f"/budget/api/liquidations/{liq}/order/", content_type="application/json")
    assert r.status_code == 201
    order = r.json()["id"]
    r = s.post(
        f"/budget/api/orders/{order}/payment/",
        {"paid_on": "2030-01-01", "treasury_reference": "TR"},
        content_type="application/json",
    )
    assert r.status_code == 201
    report = o.get(f"/budget/api/budgets/{budget.pk}/execution/").json()
    row = next(x for x in report["spending"] if x["code"] == "10.20.21")
    assert (row["engaged_dh"], row["paid_dh"], row["available_dh"]) == ("800.00", "800.00", "200.00")
    r = o.get(f"/budget/api/budgets/{budget.pk}/engagements/?status=bogus")
    assert r.status_code == 400


def test_an_engagement_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(service=service, ordo=ordo, year=2026, forecasts={OFFICE: "1000"})
        from jamaa.modules.budget import services  # noqa: PLC0415

        e = services.engagement_propose(
            actor=service, line_id=line(budget, OFFICE).pk, beneficiary="B", subject="S", amount_dh="1"
        )
    with schema_context("meknes"):
        other = ordonnateur()
    client = signed_in(meknes.host, other)
    r = client.get(f"/budget/api/engagements/{e.pk}/")
    assert r.status_code == 404 and r.json()["code"] == "BUDGET_ENGAGEMENT_NOT_FOUND"
    assert client.get(f"/budget/engagements/{e.pk}/").status_code == 404
