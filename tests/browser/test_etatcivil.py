"""The civil registry in a browser: an agent drafts a birth act in Arabic and French, an officer signs it, adds a
rectification note and issues an extract whose PDF and verification code work, and another commune sees none of it.

The live server is another process: the communes, staff and bureau are committed here, in two scratch communes of
this test's own (signed acts cannot be deleted: their schemas are dropped at the end, with their domain and row).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import permissions
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain
from jamaa.tenants.routing import routing_table
from tests.conftest import REPO
from tests.modules.etatcivil.factories import bureau, officer_for, user_with

pytestmark = [pytest.mark.browser]

SLUG, OTHER = "ecbhalil", "ecimouzzer"
PASSWORD = "Pass-2026-word!"  # tests/modules/etatcivil/factories.py
YEAR = timezone.localdate().year
FETCH_BYTES = """async (url) => {
  const response = await fetch(url, {credentials: "same-origin"});
  const bytes = new Uint8Array(await response.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return {status: response.status, type: response.headers.get("content-type"), body: btoa(text)};
}"""


def _drop(*slugs: str) -> None:
    connection.set_schema_to_public()
    for slug in slugs:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
        Domain.objects.filter(tenant__slug=slug).delete()
        Commune.objects.filter(slug=slug).delete()


@pytest.fixture(scope="module")
def communes(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Two committed communes: one with a bureau, an agent and a delegated officer; the other with an agent."""
    with django_db_blocker.unblock():
        _drop(SLUG, OTHER)  # left over by an interrupted run
        created = commune_create(
            slug=SLUG, name_fr="Bhalil", name_ar="البهاليل", region="Fès-Meknès", modules=["etatcivil"]
        )
        other = commune_create(
            slug=OTHER, name_fr="Imouzzer Kandar", name_ar="إموزار كندر", region="Fès-Meknès", modules=["etatcivil"]
        )
        with schema_context(created.schema_name):
            b = bureau("B1")
            user_with("agent-ec", permissions.AGENT)
            officer_for(b, username="officer-ec")
        with schema_context(other.schema_name):
            user_with("agent-other", permissions.AGENT)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _drop(SLUG, OTHER)
        routing_table.clear()
        connection.close()  # opened under Playwright's event loop: not the one Django closes before dropping the DB


def wait_for_site(page: Any, url: str) -> None:
    """A new commune is routed once the server's routing cache notices it (it rechecks every 2 s)."""
    deadline = time.monotonic() + 15
    while True:
        response = page.goto(url)
        if response is not None and response.status == 200:
            return
        assert time.monotonic() < deadline, f"{url} still answers {response.status if response else None}"
        time.sleep(0.5)


def log_in(page: Any, base: str, username: str) -> None:
    wait_for_site(page, f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def open_menu_if_collapsed(page: Any) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()


def submit(page: Any, selector: str) -> None:
    """Click a button that posts a form, and wait for the page it leads to (not just the current one's load)."""
    with page.expect_navigation():
        page.locator(selector).click()
    page.wait_for_load_state()


def pdftotext(pdf: bytes) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext (poppler-utils) is required: `make install` installs it"
    out = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out.decode())


def test_draft_sign_annotate_issue_verify_and_isolation(
    browser: Any, page: Any, live_server_url: str, communes: None
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    other_base = live_server_url.format(host=f"{OTHER}.localhost")
    Path(REPO / "var").mkdir(exist_ok=True)

    # given an agent of the commune, on a phone, who works in Arabic
    log_in(page, base, "agent-ec")
    open_menu_if_collapsed(page)
    submit(page, "#switch-language")
    assert page.locator("html").get_attribute("dir") == "rtl"
    # when they draft a birth act: the Arabic names first
    page.goto(f"{base}/etatcivil/acts/new/")
    page.fill("#id_given_name_ar", "يوسف")
    page.fill("#id_family_name_ar", "العلوي")
    page.fill("#id_father_name_ar", "محمد العلوي")
    page.fill("#id_mother_name_ar", "فاطمة بناني")
    page.fill("#id_place_ar", "فاس")
    # then the Latin fields suggest a transliteration, as a placeholder, without filling anything
    assert page.locator("#id_family_name_fr").get_attribute("placeholder") == "El Alaoui"
    assert page.locator("#id_father_name_fr").get_attribute("placeholder") == "Mohamed El Alaoui"
    assert page.locator("#id_family_name_fr").input_value() == ""
    # and what the agent types is never overwritten by a suggestion
    page.fill("#id_given_name_fr", "Yusuf")
    suggest_given = page.locator('button[data-translit-target="id_given_name_fr"]')
    assert suggest_given.is_visible() and suggest_given.is_disabled()
    suggest_given.evaluate("button => { button.disabled = false; button.click(); }")
    assert page.locator("#id_given_name_fr").input_value() == "Yusuf"
    page.fill("#id_given_name_fr", "Youssef")
    # and accepts the others with the keyboard
    for field in ("family_name_fr", "father_name_fr", "mother_name_fr", "place_fr"):
        page.locator(f'button[data-translit-target="id_{field}"]').focus()
        page.keyboard.press("Enter")
    assert page.locator("#id_given_name_fr").input_value() == "Youssef"
    assert page.locator("#id_family_name_fr").input_value() == "El Alaoui"
    assert page.locator("#id_mother_name_fr").input_value() == "Fatima Bennani"
    assert page.locator("#id_place_fr").input_value() == "Fès"
    page.fill("#id_event_date", (timezone.localdate() - dt.timedelta(days=2)).isoformat())
    page.select_option("#id_sex", "M")
    page.fill("#id_declarant_name", "محمد العلوي")
    page.fill("#id_declarant_relationship", "الأب")
    assert page.locator('[data-show-when="kind=death"]').is_hidden()  # a birth act links to no birth act
    assert page.locator("#id_judgment_number").is_hidden()  # declared on time: no judgment to cite
    page.screenshot(path=str(REPO / "var" / "screenshot-etatcivil-entry-ar.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") == 390  # nothing sticks out sideways
    page.locator("#act-save").click()
    page.wait_for_url(f"{base}/etatcivil/#drafts")
    assert "العلوي" in page.locator("#drafts").inner_text()
    page.screenshot(path=str(REPO / "var" / "screenshot-etatcivil-dashboard-ar.png"), full_page=True)
    open_menu_if_collapsed(page)
    page.locator("form[action='/logout/'] button").click()
    page.wait_for_url(f"{base}/login/")

    # given a delegated officer, on a desktop screen, in French
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    officer = context.new_page()
    log_in(officer, base, "officer-ec")
    officer.goto(f"{base}/etatcivil/")
    # when they open the draft, saying why
    officer.locator("#drafts a", has_text="Examiner").first.click()
    officer.fill("#id_reason", "Signature du brouillon")
    officer.keyboard.press("Enter")
    officer.wait_for_selector("#act-title")
    assert officer.locator("#act-status").get_attribute("data-status") == "draft"
    assert officer.locator("#family-name-ar").inner_text() == "العلوي"
    # and sign it
    submit(officer, "#sign-submit")
    assert officer.locator("#act-status").get_attribute("data-status") == "signed"
    assert f"n° 1/{YEAR}" in officer.locator("#act-title").inner_text()
    act_path = urlsplit(officer.url).path  # to try it from the other commune below
    # and add a rectification note
    officer.select_option("#note-form #id_kind", "rectification")
    officer.fill("#note-form #id_text_ar", "صُحّح مكان الولادة بناء على مقرر وكيل الملك")
    officer.fill("#note-form #id_text_fr", "Lieu de naissance rectifié sur décision du procureur du Roi")
    officer.fill("#note-form #id_authority", "Procureur du Roi près le tribunal de première instance de Fès")
    officer.fill("#note-form #id_document_number", f"45/{YEAR}")
    officer.fill("#note-form #id_document_date", timezone.localdate().isoformat())
    submit(officer, "#note-submit")
    assert "صُحّح مكان الولادة" in officer.locator("#notes").inner_text()
    # and issue a birth extract
    assert officer.locator("#document-form #id_kind").input_value() == "birth_extract"
    officer.fill("#document-form #id_requester_name", "Youssef El Alaoui")
    officer.fill("#document-form #id_requester_capacity", "l'intéressé")
    officer.fill("#document-form #id_fee_dh", "10")
    submit(officer, "#document-submit")
    row = officer.locator("#documents tr.table-success")
    code = row.locator("td.font-monospace").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    officer.screenshot(path=str(REPO / "var" / "screenshot-etatcivil-review.png"), full_page=True)
    # then its PDF is the extract, with the Arabic family name
    pdf_path = urlsplit(row.locator("a.document-pdf").get_attribute("href")).path
    fetched = officer.evaluate(FETCH_BYTES, f"{base}{pdf_path}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    pdf = base64.b64decode(fetched["body"])
    assert pdf.startswith(b"%PDF")
    assert "العلوي" in pdftotext(pdf)
    verify_path = urlsplit(row.locator("a.document-verify").get_attribute("href")).path
    # and the act is found by name, the matched form highlighted
    officer.goto(f"{base}/etatcivil/acts/search/")
    officer.fill("#id_q", "Youssef Alaoui")
    officer.keyboard.press("Enter")
    officer.wait_for_selector("#search-results")
    assert officer.locator(".search-hit mark").all_inner_texts() == ["Youssef", "El Alaoui"]
    officer.screenshot(path=str(REPO / "var" / "screenshot-etatcivil-search.png"), full_page=True)
    # and the statistics count the act and the fee
    officer.goto(f"{base}/etatcivil/statistics/")
    assert officer.locator("#fees-total").inner_text() == "10,00"
    officer.screenshot(path=str(REPO / "var" / "screenshot-etatcivil-statistics.png"), full_page=True)
    # and the review page reads well in Arabic on a phone
    officer.set_viewport_size({"width": 390, "height": 844})
    officer.goto(f"{base}{act_path}?reason=contr%C3%B4le")
    open_menu_if_collapsed(officer)
    submit(officer, "#switch-language")
    assert officer.locator("html").get_attribute("dir") == "rtl"
    assert f"1/{YEAR}" in officer.locator("#act-title").inner_text()
    officer.screenshot(path=str(REPO / "var" / "screenshot-etatcivil-review-ar.png"), full_page=True)
    assert officer.evaluate("document.documentElement.scrollWidth") == 390  # nothing sticks out sideways
    # and its verification page says it is genuine
    officer.goto(f"{base}{verify_path}")
    assert verify_path == f"/etatcivil/verify/{code}/"
    assert officer.locator("#verify-result").get_attribute("data-status") == "valid"
    assert "هذه الوثيقة صحيحة وسارية." in officer.locator("#verify-result").inner_text()  # "genuine and valid"
    assert f"1/{YEAR}" in officer.locator("#verified").inner_text()
    context.close()

    # given a staff member of another commune
    other_context = browser.new_context(viewport={"width": 1280, "height": 900})
    other = other_context.new_page()
    log_in(other, other_base, "agent-other")
    # when they search for the act by name and by number
    other.goto(f"{other_base}/etatcivil/acts/search/")
    other.fill("#id_q", "Youssef El Alaoui")
    other.locator("#search-submit").click()
    other.wait_for_selector("#search-results")
    # then nothing is found
    assert other.locator("#no-hit").is_visible() and other.locator(".search-hit").count() == 0
    other.select_option("#id_n-kind", "birth")
    other.fill("#id_n-year", str(YEAR))
    other.fill("#id_n-number", "1")
    other.locator("#lookup-submit").click()
    other.wait_for_selector("#lookup-results")
    assert other.locator("#no-lookup").is_visible()
    # and the verification code is not genuine on its host
    response = other.goto(f"{other_base}/etatcivil/verify/{code}/")
    assert response is not None and response.status == 404
    assert other.locator("#verify-result").get_attribute("data-status") == "unknown"
    assert "Aucun document de cette commune ne porte ce code." in other.locator("#verify-result").inner_text()
    assert other.goto(f"{other_base}{act_path}?reason=x").status == 404  # type: ignore[union-attr]
    other_context.close()
