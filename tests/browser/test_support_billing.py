"""Central support in a browser: an operator signs in to the console (second factor), reads the fleet's health —
a failed task in Fès shows on Fès's row and its page, tagged with the commune — then issues the month's invoices,
opens Fès's invoice, records a cheque, issues a credit note and downloads the PDF.

The live server is another process: the rows it reads are committed by a module-scoped fixture and removed after
(invoices are append-only: they stay, in a month of their own)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.platform.billing import services as billing
from jamaa.platform.billing.models import Invoice, ModulePrice, Subscription
from jamaa.platform.support.models import ErrorEvent
from jamaa.platform.support.signals import record_error
from jamaa.provisioning.selectors import OPERATORS_GROUP
from tests.browser.authenticator import enrol_on_first_login
from tests.console.test_console_views import delete_platform_users

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

USERNAME = "browser-billing"
ADMIN = "browser_sup_admin"
PASSWORD = "Browser-billing-2026!"
# The seller's legal mentions, read by the live server from its environment (set before it starts).
SELLER = {
    "JAMAA_BILLING_NAME": "Jamaa Lab SARL",
    "JAMAA_BILLING_ICE": "002345678000091",
    "JAMAA_BILLING_IF": "45123456",
    "JAMAA_BILLING_RC": "Fès 61234",
    "JAMAA_BILLING_PATENTE": "13456789",
}
for _key, _value in SELLER.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(scope="module")
def fleet(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[dt.date]:
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        user = get_user_model().objects.create_user(username=USERNAME, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get_or_create(name=OPERATORS_GROUP)[0])
        invoiced = set(Invoice.objects.filter(slug="fes", kind="invoice").values_list("period", flat=True))
        period = next(
            dt.date(2061 + i // 12, i % 12 + 1, 1)
            for i in range(600)
            if dt.date(2061 + i // 12, i % 12 + 1, 1) not in invoiced
        )
        for module, price in (("etatcivil", "1000"), ("regie", "800")):
            billing.price_set(
                actor=None, module=module, band="m", monthly_ht=Decimal(price), valid_from=dt.date(2061, 1, 1)
            )
        billing.subscription_set(
            actor=None,
            slug="fes",
            band="m",
            buyer_name_fr="Commune de Fès",
            buyer_name_ar="جماعة فاس",
            buyer_ice="001122334000055",
            started_on=dt.date(2061, 1, 1),
        )
        record_error(schema_name="fes", kind="task", where="regie.close_day", error="RuntimeError: printer on fire")
        with schema_context("fes"):
            admin = get_user_model().objects.create_user(username=ADMIN, password=PASSWORD, first_name="Admin")
            admin.groups.add(Group.objects.get_or_create(name="administrators")[0])
    yield period
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        ErrorEvent.objects.filter(where="regie.close_day").delete()
        Subscription.objects.filter(slug="fes").delete()
        ModulePrice.objects.filter(valid_from=dt.date(2061, 1, 1)).delete()
        delete_platform_users(username_prefix=USERNAME)
        with schema_context("fes"):
            get_user_model().objects.filter(username=ADMIN).delete()
        connection.set_schema_to_public()
        connection.close()


def test_health_an_invoice_and_a_support_session(browser: Any, live_server_url: str, fleet: dt.date) -> None:
    base = live_server_url.format(host="localhost")
    fes = live_server_url.format(host="fes.localhost")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/login/enrol/")
    enrol_on_first_login(page)
    page.wait_for_url(f"{base}/")
    # the fleet's health: the failed task is on Fès's row, not on Meknès's
    page.click("text=Santé")
    page.wait_for_url(f"{base}/support/health/")
    assert int(page.locator("#health-fes td.task-failures").inner_text()) >= 1
    assert page.locator("#health-meknes").count() == 1
    page.click("#health-fes th a")
    page.wait_for_url(f"{base}/support/health/fes/")
    errors = page.locator("#recent-errors").inner_text()
    assert "printer on fire" in errors and "commune:fes" in errors
    # the month's invoices
    page.click("text=Factures")
    page.wait_for_url(f"{base}/billing/")
    page.fill("#id_period", fleet.isoformat())
    page.click("#generate")
    page.wait_for_url(f"{base}/billing/")
    row = page.locator("#invoices tbody tr", has_text="fes").first
    reference = row.locator("td").first.inner_text().strip()
    assert reference.startswith("F-")
    row.locator("a").first.click()
    page.wait_for_selector("#invoice-reference")
    assert page.locator("#invoice-total").inner_text().replace("\u202f", "").replace(" ", "") in ("2160,00", "2160.00")
    # a cheque of 1,000 DH, then a credit note of 100 DH excl. VAT
    page.fill("#id_amount", "1000")
    page.select_option("#id_method", "cheque")
    page.fill("#id_reference", "CHQ 0042 Banque Populaire")
    page.fill("#id_received_on", dt.date.today().isoformat())  # noqa: DTZ011 (the browser's day)
    page.click("#payment-save")
    page.wait_for_selector("#payments li:has-text('CHQ 0042')")
    page.fill("#id_reason", "Module activé en cours de mois")
    page.fill("#id_amount_ht", "100")
    page.click("#credit-save")
    page.wait_for_selector("#invoice-reference:has-text('AV-')")
    page.click(f"text={reference}")
    page.wait_for_selector("#credit-notes li:has-text('AV-')")
    assert page.locator("#invoice-due").inner_text().replace("\u202f", "").replace(" ", "") in ("1040,00", "1040.00")
    invoice_id = page.url.rstrip("/").rsplit("/", 1)[1]
    pdf = page.request.get(base + (page.locator("#invoice-pdf").get_attribute("href") or ""))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    # the operator opens a read-only session on Fès's site from its health page
    page.goto(f"{base}/support/health/fes/")
    page.fill("#id_reason", "Ticket 3141: the staff page")
    page.fill("#id_minutes", "10")
    page.click("#session-open")
    page.click("#session-enter")
    page.wait_for_selector("#support-banner")
    assert page.url == f"{fes}/", page.url
    assert page.locator("#support-banner").count() == 1
    page.goto(f"{fes}/staff/")
    assert ADMIN in page.locator("#staff").inner_text()
    page.click("#support-end")
    page.wait_for_selector("#support-ended")
    # in Arabic, on a 360 px phone, the health page and the invoice fit the screen (tables scroll in their box)
    invoice_url = f"{base}/billing/invoices/{invoice_id}/"
    page.context.add_cookies([{"name": "jamaa_language", "value": "ar", "url": base}])
    page.set_viewport_size({"width": 360, "height": 740})
    for url in (f"{base}/support/health/", f"{base}/support/health/fes/", invoice_url, f"{base}/billing/"):
        page.goto(url)
        assert page.locator("html").get_attribute("dir") == "rtl"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (url, width)
    context.close()
    # the commune's administrator, on a phone in Arabic, reads the session and the pages it saw
    phone = browser.new_context(viewport={"width": 360, "height": 740})
    phone.add_cookies([{"name": "jamaa_language", "value": "ar", "url": fes}])
    admin = phone.new_page()
    admin.goto(f"{fes}/login/")
    admin.fill("#id_username", ADMIN)
    admin.fill("#id_password", PASSWORD)
    admin.click("#login-submit")
    admin.wait_for_load_state()
    assert "/login/" not in admin.url, admin.url
    admin.goto(f"{fes}/staff/")
    admin.click("#support-sessions-link")
    admin.wait_for_selector("#support-sessions")
    listing = admin.locator("#support-sessions").inner_text()
    assert "Ticket 3141" in listing and USERNAME in listing and "/staff/" in listing
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360
    phone.close()
