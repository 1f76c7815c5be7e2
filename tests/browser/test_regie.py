"""The régie in a browser: an agent liquidates a late TNB declaration, sees every step, takes the payment and
prints the quittance (a real PDF with its number and amount); the agent asks to cancel another receipt and the
régisseur approves it; the régisseur closes the day and prints the versement with its relevé nominatif.

The live server is another process: the commune, its reference and staff are committed here, in a scratch commune
of this test's own (quittances cannot be deleted: its schema is dropped at the end, with its domain and row).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, services
from jamaa.modules.regie.models import Tax
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, open_menu_if_collapsed, pdftotext, submit
from tests.conftest import REPO
from tests.modules.regie.factories import user_with

pytestmark = [pytest.mark.browser]

SLUG = "rgsefrou"
TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """A committed commune with the régie's default reference, an agent, a régisseur and a TNB parcel."""
    with django_db_blocker.unblock():
        _drop(SLUG)  # left over by an interrupted run
        created = commune_create(slug=SLUG, name_fr="Sefrou", name_ar="صفرو", region="Fès-Meknès", modules=["regie"])
        with schema_context(created.schema_name):
            services.reference_install_defaults()
            agent = user_with("percepteur-rg", permissions.AGENT)
            user_with("regisseur-rg", permissions.REGISSEUR)
            owner = services.redevable_create(actor=agent, name="Karim Bennani", cin="C123456")
            services.asset_create(
                actor=agent,
                redevable_id=owner.pk,
                kind="parcel",
                reference="TF 1234/07",
                surface_m2=Decimal("499.5"),  # a started m² counts whole: 500
                tax_id=Tax.objects.get(code="TNB").pk,
            )
            legalisation = Tax.objects.get(code="LEGALISATION").pk
        connection.set_schema_to_public()
    yield {"owner": owner.pk, "legalisation": str(legalisation)}
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()  # opened under Playwright's event loop: not the one Django closes before dropping the DB


def fetch_pdf(page: Any, base: str, href: str) -> str:
    """Open a PDF link with the page's session: it is a PDF; its text."""
    fetched = page.evaluate(FETCH_BYTES, f"{base}{urlsplit(href).path}?{urlsplit(href).query}")
    assert fetched["status"] == 200, href
    assert fetched["type"] == "application/pdf", href
    pdf = base64.b64decode(fetched["body"])
    assert pdf.startswith(b"%PDF")
    return pdftotext(pdf)


def digits(text: str) -> str:
    """Amounts as printed ("20 775,00", "20,775.00"…) reduced to their digits."""
    return re.sub(r"[^\d]", "", text)


def test_liquidate_pay_print_cancel_close_and_print_the_versement(
    browser: Any, page: Any, live_server_url: str, commune: dict[str, Any]
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    Path(REPO / "var").mkdir(exist_ok=True)

    # given an agent at the counter, on a desktop screen
    agent = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(agent, base, "percepteur-rg")
    # the commune's home page lists the régie
    agent.locator("#modules a[href='/regie/']").click()
    agent.wait_for_selector("#regie-nav")
    # when they find the redevable by CIN and liquidate the declaration of his parcel
    agent.fill("#quick-search input[name=q]", "C123456")
    with agent.expect_navigation():
        agent.keyboard.press("Enter")
    agent.locator(".redevable-hit a", has_text="Karim Bennani").click()
    agent.wait_for_selector("#assets")
    agent.locator("#assets a.asset-liquidate").click()
    agent.wait_for_selector("#liquidation-form")
    assert agent.locator("#id_base").input_value() == "499.50"
    agent.fill("#id_declaration_due", f"{YEAR}-03-01")
    agent.fill("#id_declared_on", TODAY.isoformat())
    agent.fill("#id_payment_due", f"{YEAR}-03-01")
    submit(agent, "#liquidation-submit")
    # then every step of the computation is shown before payment
    steps = agent.locator("#liquidation-steps tr.step")
    codes = [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]
    assert codes[0] == "base" and codes[-1] == "total" and "principal" in codes
    late = TODAY > dt.date(YEAR, 3, 1)
    assert ("late_declaration" in codes) == late and ("late_payment" in codes) == late
    total = agent.locator("#liquidation-total").inner_text()
    agent.screenshot(path=str(REPO / "var" / "screenshot-regie-liquidation.png"), full_page=True)
    # when they take the payment
    agent.select_option("#id_payment_method", "cash")
    submit(agent, "#pay-submit")
    receipt = agent.locator("#receipt")
    assert receipt.get_attribute("data-status") == "valid"
    number = agent.locator("#quittance-number").inner_text().strip().rsplit("-", 1)[-1]
    assert digits(agent.locator("#quittance-amount").inner_text()) == digits(total)
    agent.screenshot(path=str(REPO / "var" / "screenshot-regie-receipt.png"), full_page=True)
    # then the quittance prints as a PDF with its number and amount
    text = fetch_pdf(agent, base, agent.locator("#quittance-pdf").get_attribute("href"))
    assert re.search(rf"{YEAR}\D{{1,3}}A\D{{1,3}}0*{number}\b", text), text[:400]  # e.g. "N° 2026/A/000001"
    assert digits(total) in digits(text)

    # given a second payment at the counter, a légalisation keyed in wrongly
    agent.goto(f"{base}/regie/redevables/{commune['owner']}/pay/")
    agent.select_option("#id_tax", commune["legalisation"])
    agent.fill("#id_base", "2")
    submit(agent, "#counter-submit")
    # the liquidation is shown before anything is numbered: 2 × 20 = 40 DH, in words too
    assert "40" in agent.locator("#preview-total").inner_text() and agent.locator("#preview-words").inner_text()
    submit(agent, "#counter-confirm")
    wrong = agent.locator("#receipt").get_attribute("data-quittance-id")
    # when the agent asks for its cancellation
    agent.fill("#id_reason", "Deux légalisations saisies au lieu d'une")
    submit(agent, "#cancel-submit")
    assert agent.locator("#cancellation-pending").is_visible()

    # given the régisseur, on a phone, in Arabic
    regisseur = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(regisseur, base, "regisseur-rg")
    open_menu_if_collapsed(regisseur)
    submit(regisseur, "#switch-language")
    assert regisseur.locator("html").get_attribute("dir") == "rtl"
    regisseur.goto(f"{base}/regie/cancellations/")
    # when they approve the agent's request
    item = regisseur.locator("#pending-cancellations li").filter(
        has=regisseur.locator(f"a[href='/regie/quittances/{wrong}/']")
    )
    assert "Deux légalisations" in item.inner_text()
    regisseur.screenshot(path=str(REPO / "var" / "screenshot-regie-cancellations-ar.png"), full_page=True)
    assert regisseur.evaluate("document.documentElement.scrollWidth") == 390  # nothing sticks out sideways
    with regisseur.expect_navigation():
        item.locator("button.approve").click()
    assert regisseur.locator("#no-pending").is_visible()
    regisseur.goto(f"{base}/regie/quittances/{wrong}/")
    assert regisseur.locator("#receipt").get_attribute("data-status") == "cancelled"

    # when the régisseur closes the régie's day, counting the cash of the valid quittance only
    regisseur.goto(f"{base}/regie/close/")
    expected = regisseur.locator("#close-summary").get_attribute("data-expected")
    assert Decimal(expected) == Decimal(digits(total)) / 100
    regisseur.fill("#id_counted_dh", expected)
    submit(regisseur, "#close-submit")
    assert regisseur.locator("#versement-difference").inner_text().strip().startswith("0")
    regisseur.screenshot(path=str(REPO / "var" / "screenshot-regie-versement-ar.png"), full_page=True)
    # then the versement and its relevé nominatif print, with both numbers (the cancelled one at 0)
    text = fetch_pdf(regisseur, base, regisseur.locator("#releve-pdf").get_attribute("href"))
    assert re.search(rf"\b0*{number}\b", text) and digits(total) in digits(text)
    # and the day is locked: the agent can no longer collect on it
    agent.goto(f"{base}/regie/redevables/{commune['owner']}/pay/")
    agent.select_option("#id_tax", commune["legalisation"])
    submit(agent, "#counter-submit")
    assert agent.locator("#form-errors").is_visible()
    agent.context.close()
    regisseur.context.close()
