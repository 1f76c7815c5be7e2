"""Issue 17 item 4 in a browser: the address under a quittance's QR code (/regie/verify/<code>/) said only
"valid" and the tax's and budget line's codes, in the interface's language. A verifier on a 360 px phone, in French
then in Arabic, now reads what the paper prints, in both languages: the verdict, the number and the amount in
figures and in words, the payer, the date and the régie; no code of a tax, a budget line or a status, and nothing
wider than the screen. The kernel's page for the same code says the same without the amount.

The live server is another process: the commune and its quittance are committed in a scratch commune of this
test's own (quittances cannot be deleted: its schema is dropped at the end, with its domain and row).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, services, verification
from jamaa.modules.regie.models import Tax
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import _drop
from tests.modules.regie.factories import user_with

pytestmark = [pytest.mark.browser]

SLUG = "rgverify"


@pytest.fixture(scope="module")
def receipt(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, str]]:
    """A committed commune with one quittance of 875,00 DH: its verification code and its budget line."""
    with django_db_blocker.unblock():
        _drop(SLUG)  # left over by an interrupted run
        created = commune_create(slug=SLUG, name_fr="Sefrou", name_ar="صفرو", region="Fès-Meknès", modules=["regie"])
        with schema_context(created.schema_name):
            regie = services.reference_install_defaults()
            agent = user_with("percepteur-vf", permissions.AGENT)
            payer = services.redevable_create(actor=agent, name="Café Atlas SARL", rc="12345")
            tax = Tax.objects.get(code="ODP")
            quittance = services.quittance_issue(
                actor=agent,
                regie_id=regie.pk,
                exercice=timezone.localdate().year,
                redevable_id=payer.pk,
                tax_id=tax.pk,
                base=Decimal("12.5"),
                period="T2",
                payment_method="cash",
                on=timezone.localdate(),
            )
            found = {
                "code": verification.quittance_code(quittance),
                "budget_line": quittance.budget_line,
                "amount": str(quittance.amount_dh),
                "number": str(quittance.number),
            }
        connection.set_schema_to_public()
    yield found
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()  # opened under Playwright's event loop: not the one Django closes before dropping the DB


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_verifier_reads_what_the_receipt_prints_in_both_languages(
    browser: Any, live_server_url: str, receipt: dict[str, str], language: str
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
    context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
    page = context.new_page()
    try:
        page.goto(f"{base}/regie/verify/{receipt['code']}/")
        verdict = page.locator("#verdict")
        assert page.locator("#verify-result").get_attribute("data-status") == "valid"
        assert "Ce reçu est authentique" in verdict.inner_text() and "هذا الوصل صحيح" in verdict.inner_text()
        table = page.locator("#verified").inner_text()
        assert "Quittance — " in table and "وصل أداء — " in table
        assert f"/{int(receipt['number']):06d}" in table
        assert "Café Atlas SARL" in table and "875,00 DH" in table
        assert "dirhams" in table and "درهما" in table  # the amount in words, in both languages
        assert "Régie : " in table and "الشسيعية: " in table
        body = page.locator("body").inner_text()
        assert "ODP" not in body and receipt["budget_line"] not in body and "valid" not in body.lower().split()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")

        # The kernel's page for the same code: the same verdict and number in words, and no amount.
        page.goto(f"{base}/verify/regie.quittance/{receipt['code']}/")
        assert page.locator("#verify-result").get_attribute("data-status") == "valid"
        kernel = page.locator("#verified").inner_text()
        assert "Café Atlas SARL" in kernel and "DH" not in kernel
        assert page.evaluate("document.documentElement.scrollWidth") <= 360

        # A code no receipt of this commune has: said so in both languages.
        forged = receipt["code"][:-1] + ("1" if receipt["code"].endswith("0") else "0")
        page.goto(f"{base}/regie/verify/{forged}/")
        unknown = page.locator("#verdict").inner_text()
        assert page.locator("#verify-result").get_attribute("data-status") == "unknown"
        assert "Aucun reçu" in unknown and "لا يوجد وصل" in unknown
    finally:
        context.close()
