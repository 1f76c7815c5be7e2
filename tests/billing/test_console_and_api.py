"""The console's invoicing pages and the /api/billing/ endpoints: staff read, the operators group issues, records
payments and credit notes; errors in the platform's shape; the PDF and the CSV download."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from jamaa.platform.billing import selectors, services
from tests.console.test_console_views import console_client, make_user, page

from .conftest import priced, subscribed

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2026, 3, 1)


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_operators_issue_record_and_credit_from_the_console(fes) -> None:
    priced()
    subscribed()
    operator = console_client(make_user("bill-op", operator=True))
    support = console_client(make_user("bill-support"))
    assert operator.post("/billing/generate/", {"period": "2026-03-10"}).status_code == 302
    invoice = selectors.invoice_list(slug="fes")[0]
    listing = page(support.get("/billing/"))
    assert invoice.reference in listing
    assert support.post("/billing/generate/", {"period": "2026-04-10"}).status_code == 403
    assert support.post(f"/billing/invoices/{invoice.id}/payment/", {}).status_code == 403
    detail = page(operator.get(f"/billing/invoices/{invoice.id}/"))
    assert "3120,00" in detail and 'id="payment-form"' in detail
    refused = operator.post(
        f"/billing/invoices/{invoice.id}/payment/",
        {"amount": "5000", "method": "cheque", "reference": "CHQ 1", "received_on": "2026-04-02"},
    )
    assert refused.status_code == 400 and "dépasse ce qui reste dû" in page(refused)
    paid = operator.post(
        f"/billing/invoices/{invoice.id}/payment/",
        {"amount": "1000", "method": "transfer", "reference": "VIR 77", "received_on": "2026-04-02"},
    )
    assert paid.status_code == 302
    credited = operator.post(f"/billing/invoices/{invoice.id}/credit/", {"reason": "Geste", "amount_ht": "100"})
    assert credited.status_code == 302
    row = selectors.invoice_row(invoice_id=invoice.id)
    assert row.paid == Decimal("1000.00") and row.credited_ttc == Decimal("120.00") and row.due == Decimal("2000.00")
    pdf = support.get(f"/billing/invoices/{invoice.id}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    csv = support.get("/billing/export.csv?year=2026")
    assert csv.status_code == 200 and invoice.reference in csv.content.decode()
    assert console_client().get("/billing/").status_code == 302  # anonymous: to the login page


def test_the_billing_api(fes) -> None:
    operator, support = api(make_user("bill-api-op", operator=True)), api(make_user("bill-api-sup"))
    assert (
        operator.post(
            "/api/billing/prices/",
            {"module": "etatcivil", "band": "m", "monthly_ht": "1000", "valid_from": "2020-01-01"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        support.post(
            "/api/billing/prices/",
            {"module": "regie", "band": "m", "monthly_ht": "1", "valid_from": "2020-01-01"},
            format="json",
        ).status_code
        == 403
    )
    body = {
        "slug": "fes",
        "band": "m",
        "buyer_name_fr": "Commune de Fès",
        "buyer_name_ar": "جماعة فاس",
        "started_on": "2020-01-01",
        "buyer_ice": "123",
    }
    bad = operator.post("/api/billing/subscriptions/", body, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID" and "buyer_ice" in bad.json()["extra"]["fields"]
    assert (
        operator.post("/api/billing/subscriptions/", body | {"buyer_ice": "001122334000055"}, format="json").status_code
        == 200
    )
    issued = operator.post(
        "/api/billing/invoices/generate/", {"period": "2026-03-01", "issued_on": "2026-04-01"}, format="json"
    )
    assert issued.status_code == 201, issued.content
    invoice = issued.json()[0]
    assert invoice["total_ttc"] == "1200.00" and invoice["status"] in ("open", "overdue")
    listed = support.get("/api/billing/invoices/?commune=fes&year=2026").json()
    assert invoice["reference"] in [i["reference"] for i in listed]
    assert support.get("/api/billing/invoices/?year=abc").status_code == 400
    over = operator.post(
        f"/api/billing/invoices/{invoice['id']}/payments/",
        {"amount": "9999", "method": "cheque", "reference": "C1", "received_on": "2026-04-02"},
        format="json",
    )
    assert over.status_code == 409 and over.json()["code"] == "OVERPAYMENT"
    note = operator.post(
        f"/api/billing/invoices/{invoice['id']}/credit-notes/", {"reason": "Erreur de tranche"}, format="json"
    )
    assert (
        note.status_code == 201
        and note.json()["kind"] == "credit"
        and note.json()["credited_reference"] == invoice["reference"]
    )
    assert support.get(f"/api/billing/invoices/{invoice['id']}/").json()["status"] == "credited"
    assert support.get("/api/billing/invoices/999999/").status_code == 404
    pdf = support.get(f"/api/billing/invoices/{invoice['id']}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert APIClient(HTTP_HOST="localhost").get("/api/billing/invoices/").status_code == 401
    assert services is not None
