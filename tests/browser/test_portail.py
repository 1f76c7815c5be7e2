"""The citizen portal in a browser, on a 360 px phone in Arabic (the issue's scenario): a citizen signs in with a
one-time code, asks for a birth extract, follows it by number and CIN without an account; an officer issues it
from the desk; the citizen downloads the PDF, whose verification code (the one its QR code carries) the public
verification page shows as valid. axe-core runs on every portal page visited: no serious or critical violation.

A scratch commune of this test's own (requests and acts cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.portail import services as portail_services
from jamaa.modules.portail.models import OneTimeCode
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit, wait_for_site
from tests.modules.portail.factories import signed_birth_act

pytestmark = [pytest.mark.browser]

SLUG = "boportail"
EMAIL = "citoyen@example.ma"
CODE = "482913"
AXE = Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js"


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(
            slug=SLUG, name_fr="Séfrou", name_ar="صفرو", modules=["etatcivil", "courrier", "portail"]
        )
        with schema_context(created.schema_name):
            officer, _chief, number, year = signed_birth_act("bp")
            # the code the citizen "receives" (the sign-in by email itself is tested in tests/modules/portail)
            OneTimeCode.objects.create(
                address=EMAIL,
                code_hash=portail_services._code_hash(EMAIL, CODE),  # noqa: SLF001
                expires_at=timezone.now() + dt.timedelta(hours=1),
            )
        connection.set_schema_to_public()
    yield {"officer": officer.get_username(), "number": number, "year": year}
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


def accessible(page: Any) -> None:
    """axe-core on the current page: no serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, (page.url, bad)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, (page.url, width)


def test_birth_extract_on_a_phone_in_arabic(browser: Any, live_server_url: str, commune: dict[str, Any]) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")

    def phone() -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)  # axe is injected
        context.add_cookies([{"name": "jamaa_language", "value": "ar", "url": base}])
        return context.new_page()

    # a visitor lands on the commune's portal, in Arabic
    citizen = phone()
    wait_for_site(citizen, f"{base}/")
    assert citizen.url == f"{base}/portail/"
    assert citizen.locator("html").get_attribute("dir") == "rtl"
    accessible(citizen)
    for path in ("/portail/transparency/", "/portail/data/", "/portail/decisions/", "/portail/check/"):
        citizen.goto(f"{base}{path}")
        accessible(citizen)

    # signs in with the code received
    citizen.goto(f"{base}/portail/sign-in/")
    accessible(citizen)
    citizen.goto(f"{base}/portail/sign-in/?address={EMAIL}")
    citizen.fill("#id_code", CODE)
    submit(citizen, "#code-submit")
    assert citizen.url == f"{base}/portail/me/"
    citizen.fill("#id_display_name", "محمد العلوي")
    citizen.fill("#id_cin", "AB123456")
    submit(citizen, "#profile-submit")
    accessible(citizen)

    # asks for a birth extract
    citizen.locator('a[data-kind="etatcivil.extract"]').click()
    citizen.wait_for_load_state()
    accessible(citizen)
    citizen.select_option("#id_document", "birth_extract")
    citizen.select_option("#id_act_kind", "birth")
    citizen.fill("#id_act_number", str(commune["number"]))
    citizen.fill("#id_act_year", str(commune["year"]))
    citizen.fill("#id_capacity", "الأب")
    submit(citizen, "#request-submit")
    reference = citizen.locator("#request-reference").inner_text().strip()
    assert re.fullmatch(r"A-\d{4}/\d{6}", reference)
    assert citizen.locator("#request-status").get_attribute("data-status") == "submitted"
    accessible(citizen)

    # anyone follows it by number and CIN, without an account
    visitor = phone()
    visitor.goto(f"{base}/portail/track/")
    visitor.fill("#id_reference", reference)
    visitor.fill("#id_secret", "AB123456")
    submit(visitor, "#track-submit")
    assert visitor.locator("#tracking-status").get_attribute("data-status") == "submitted"
    accessible(visitor)

    # the officer issues it from the desk
    officer = browser.new_context(viewport={"width": 360, "height": 780}).new_page()
    log_in(officer, base, commune["officer"])
    request_id = int(citizen.url.rstrip("/").rsplit("/", 1)[1])
    officer.goto(f"{base}/portail/desk/{request_id}/")
    submit(officer, "#issue-submit")
    assert officer.url == f"{base}/portail/desk/{request_id}/"

    # the citizen sees it issued, downloads it, and its code verifies
    citizen.reload()
    assert citizen.locator("#request-status").get_attribute("data-status") == "issued"
    code = citizen.locator("#document-code").inner_text().strip()
    href = citizen.locator("#download-document").get_attribute("href")
    fetched = citizen.evaluate(FETCH_BYTES, f"{base}{href}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    text = pdftotext(base64.b64decode(fetched["body"]))
    assert code in text.replace(" ", "") or code.replace("-", "") in text.replace("-", "").replace(" ", "")
    citizen.locator("#verify-document").click()
    citizen.wait_for_load_state()
    assert f"/verify/etatcivil.document/{code}/" in citizen.url
    assert "valid" in citizen.content() or "صالح" in citizen.content()
    visitor.goto(f"{base}/portail/track/")
    visitor.fill("#id_reference", reference)
    visitor.fill("#id_secret", "AB123456")
    submit(visitor, "#track-submit")
    assert visitor.locator("#tracking-status").get_attribute("data-status") == "issued"
