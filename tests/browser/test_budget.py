"""The budget in a browser, in French then in Arabic, on a phone screen: from a voted budget to a payment
recorded. The budget service records the authority's approval and starts the execution, proposes an engagement;
the ordonnateur approves it; the service liquidates it (service done, invoice); the ordonnateur issues the payment
order (a real PDF with its number, verified by its QR code's page); the service records the payment from the
Treasury's return; the execution by line shows it paid.

A scratch commune of this test's own (budget records cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.budget.models import Budget, Engagement, Payment
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit
from tests.modules.budget.factories import OFFICE, budget_with, line, ordonnateur, service_user

pytestmark = [pytest.mark.browser]

SLUG = "bobudget"
YEAR = timezone.localdate().year
YEARS = {"fr": YEAR, "ar": YEAR + 1}


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, int]]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(slug=SLUG, name_fr="Séfrou", name_ar="صفرو", modules=["regie", "budget"])
        with schema_context(created.schema_name):
            service, ordo = service_user("bud-service"), ordonnateur("bud-ordo")
            ids = {}
            for language, year in YEARS.items():
                budget = budget_with(service=service, ordo=ordo, year=year, forecasts={OFFICE: "50000"}, status="voted")
                ids[language] = budget.pk
                ids[f"{language}-line"] = line(budget, OFFICE).pk
        connection.set_schema_to_public()
    yield ids
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


def _amount(text: str) -> Decimal:
    """An amount as the page shows it in the language (decimal comma in French)."""
    return Decimal(text.strip().replace("\u066b", ".").replace(",", ".").replace("\u00a0", "").replace(" ", ""))


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_from_a_voted_budget_to_a_payment(
    browser: Any, live_server_url: str, commune: dict[str, int], language: str, django_db_blocker: Any
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    budget_id, line_id = commune[language], commune[f"{language}-line"]
    today = timezone.localdate().isoformat()

    def phone(username: str) -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 780})
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        page = context.new_page()
        log_in(page, base, username)
        return page

    # given the budget service on a phone, the budget voted
    service = phone("bud-service")
    service.goto(f"{base}/budget/{budget_id}/")
    assert service.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert service.locator("#budget-status").get_attribute("data-status") == "voted"
    assert _fits(service)
    # when it records the authority's approval and starts the execution
    service.fill("#approve-form input[name=approved_on]", today)
    service.fill("#approve-form input[name=approval_reference]", "Visa 2026/77")
    submit(service, "#approve-form button")
    assert service.locator("#budget-status").get_attribute("data-status") == "approved"
    submit(service, "#execute-form button")
    assert service.locator("#budget-status").get_attribute("data-status") == "executing"
    assert _fits(service)

    # and proposes an engagement on office supplies
    service.goto(f"{base}/budget/{budget_id}/engagements/")
    assert _fits(service)
    service.select_option("#propose-form select[name=line_id]", str(line_id))
    service.fill("#propose-form input[name=beneficiary]", {"fr": "Librairie Al Qalam", "ar": "مكتبة القلم"}[language])
    service.fill("#propose-form input[name=subject]", "Papier")
    service.fill("#propose-form input[name=amount_dh]", "12500")
    submit(service, "#propose-form button")
    reference = service.locator("#reference").inner_text().strip()
    assert reference.startswith(f"E-{YEARS[language]}/")
    engagement_url = service.url

    # then the ordonnateur approves it
    ordo = phone("bud-ordo")
    ordo.goto(engagement_url)
    assert _fits(ordo)
    submit(ordo, "#approve")
    assert ordo.locator("#engagement-status").get_attribute("data-status") == "approved"

    # the service liquidates it: service done, invoice
    service.goto(engagement_url)
    service.fill("#liquidation-form input[name=invoice_reference]", "F-2026-31")
    service.fill("#liquidation-form input[name=service_done_on]", today)
    submit(service, "#liquidation-form button")
    assert "F-2026-31" in service.locator("#chain").inner_text()

    # the ordonnateur issues the payment order: a PDF with its number, and its QR's page says it is valid
    ordo.goto(engagement_url)
    submit(ordo, "#chain .issue-order")
    href = ordo.locator("#chain .order-pdf").get_attribute("href")
    fetched = ordo.evaluate(FETCH_BYTES, f"{base}{href}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    printed = pdftotext(base64.b64decode(fetched["body"]))
    with django_db_blocker.unblock(), schema_context(SLUG):
        engagement = Engagement.objects.get(budget_id=budget_id)
        order = engagement.liquidations.get().payment_order
        connection.set_schema_to_public()
    assert order.reference in printed and "أمر بالأداء" in printed and "Ordre de paiement" in printed
    ordo.goto(f"{base}/verify/budget.order/{order.code}/")
    assert order.reference in ordo.content()

    # the service records the payment from the Treasury's return
    service.goto(engagement_url)
    service.fill("#chain .payment-form input[name=paid_on]", today)
    service.fill("#chain .payment-form input[name=treasury_reference]", "TR-556")
    submit(service, "#chain .payment-form button")
    assert "TR-556" in service.locator("#chain .paid").inner_text()
    with django_db_blocker.unblock(), schema_context(SLUG):
        assert Payment.objects.get(order=order).amount_dh == Decimal("12500.00")
        assert Budget.objects.get(pk=budget_id).status == "executing"
        connection.set_schema_to_public()

    # the execution by line shows it paid, on the phone
    service.goto(f"{base}/budget/{budget_id}/")
    row = service.locator('#spending tr[data-code="10.20.21"]')
    assert _amount(row.locator(".paid").inner_text()) == Decimal("12500.00")
    assert _amount(row.locator(".available").inner_text()) == Decimal("37500.00")
    assert _fits(service)
