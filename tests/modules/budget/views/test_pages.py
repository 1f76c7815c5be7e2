"""The budget's pages: from a voted budget to a payment recorded, by the service and the ordonnateur, with the
refusals on their forms; the council reads and cannot write; the PDF and exports open; Arabic renders."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from jamaa.modules.budget import permissions
from jamaa.modules.budget.models import Budget, Engagement, Payment

from ..factories import OFFICE, budget_with, line, ordonnateur, service_user, signed_in, user_with

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year  # noqa: DTZ011 (the year the test runs in: the pages act today)


def test_from_a_voted_budget_to_a_payment(fes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        council = user_with("bud_t_council", permissions.COUNCIL)
        budget = budget_with(service=service, ordo=ordo, year=YEAR, forecasts={OFFICE: "5000"}, status="voted")
        office = line(budget, OFFICE)
    s, o, c = signed_in(fes.host, service), signed_in(fes.host, ordo), signed_in(fes.host, council)

    # the approval and the start of the execution
    r = s.post(f"/budget/{budget.pk}/approve/", {"approved_on": f"{YEAR}-01-05", "approval_reference": "Visa 9"})
    assert r.status_code == 302
    assert s.post(f"/budget/{budget.pk}/execute/").status_code == 302
    page = c.get(f"/budget/{budget.pk}/").content.decode()
    assert 'data-status="executing"' in page and 'data-code="10.20.21"' in page
    assert c.post(f"/budget/{budget.pk}/engagements/new/", {}).status_code == 403

    # the service proposes; the ordonnateur approves
    r = s.post(
        f"/budget/{budget.pk}/engagements/new/",
        {"line_id": office.pk, "beneficiary": "Librairie", "subject": "Papier", "amount_dh": "3000"},
    )
    assert r.status_code == 302
    engagement_id = int(re.search(r"/engagements/(\d+)/", r["Location"]).group(1))
    assert o.post(f"/budget/engagements/{engagement_id}/approve/", {"note": ""}).status_code == 302

    # a second one beyond what is left: refused on the form with the available amount
    r = s.post(
        f"/budget/{budget.pk}/engagements/new/",
        {"line_id": office.pk, "beneficiary": "Librairie", "subject": "Encore", "amount_dh": "2500"},
    )
    second = int(re.search(r"/engagements/(\d+)/", r["Location"]).group(1))
    r = o.post(f"/budget/engagements/{second}/approve/", {"note": ""})
    assert r.status_code == 400
    assert "2000.00" in r.content.decode()

    # liquidation, payment order (PDF), payment from the Treasury's return
    r = s.post(
        f"/budget/engagements/{engagement_id}/liquidate/",
        {"amount_dh": "3000", "invoice_reference": "F-1", "service_done_on": f"{YEAR}-01-20"},
    )
    assert r.status_code == 302
    with schema_context("fes"):
        liquidation_id = Engagement.objects.get(pk=engagement_id).liquidations.get().pk
    assert o.post(f"/budget/engagements/{engagement_id}/liquidations/{liquidation_id}/order/").status_code == 302
    with schema_context("fes"):
        order = Engagement.objects.get(pk=engagement_id).liquidations.get().payment_order
    pdf = c.get(f"/budget/orders/{order.pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    verify = c.get(f"/verify/budget.order/{order.code}/")
    assert verify.status_code == 200 and order.reference in verify.content.decode()
    r = s.post(
        f"/budget/engagements/{engagement_id}/orders/{order.pk}/pay/",
        {"paid_on": dt.date.today().isoformat(), "treasury_reference": "TR-9"},  # noqa: DTZ011
    )
    assert r.status_code == 302
    with schema_context("fes"):
        assert Payment.objects.get(order=order).amount_dh == Decimal("3000.00")

    # the execution shows it; the exports carry it
    c.cookies["jamaa_language"] = "ar"
    page = c.get(f"/budget/{budget.pk}/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page and "لوازم المكتب" in page
    book = load_workbook(io.BytesIO(c.get(f"/budget/{budget.pk}/gid.xlsx").content))
    rows = list(book["Dépenses"].iter_rows(values_only=True))
    office_row = next(r for r in rows if r[2:5] == ("10", "20", "21"))
    assert Decimal(str(office_row[14])) == Decimal("3000")
    assert c.get(f"/budget/{budget.pk}/execution.csv").status_code == 200
    assert c.get(f"/budget/{budget.pk}/account.pdf").content.startswith(b"%PDF")


def test_draft_forecasts_and_the_vote_by_pages(fes) -> None:
    with schema_context("fes"):
        service = service_user()
    s = signed_in(fes.host, service)
    r = s.post("/budget/new/", {"year": 2031})
    assert r.status_code == 302
    with schema_context("fes"):
        budget = Budget.objects.get(year=2031)
        office = line(budget, OFFICE)
    assert s.post(f"/budget/{budget.pk}/forecasts/", {f"line-{office.pk}": "7777.50"}).status_code == 302
    assert s.post(f"/budget/{budget.pk}/vote/", {"council_session": "", "voted_on": "2030-10-01"}).status_code == 400
    r = s.post(
        f"/budget/{budget.pk}/vote/",
        {"council_session": "Session d'octobre", "voted_on": "2030-10-01", "deliberation_number": "D-9"},
    )
    assert r.status_code == 302
    with schema_context("fes"):
        budget.refresh_from_db()
        assert budget.status == "voted" and line(budget, OFFICE).forecast_dh == Decimal("7777.50")
    assert s.post(f"/budget/{budget.pk}/forecasts/", {f"line-{office.pk}": "1"}).status_code == 400


def test_someone_without_a_role_gets_403(fes) -> None:
    with schema_context("fes"):
        nobody = user_with("bud_t_nobody")
    client = signed_in(fes.host, nobody)
    assert client.get("/budget/").status_code == 403
    assert client.get("/budget/api/budgets/").status_code == 403
