"""A concours in a browser, in Arabic on a 360 px phone, from announcement to the new agent's file in RH: the
manager announces it, opens the applications, registers 3 (one ineligible at screening, with its reason), issues
the convocations (a real PDF), enters the written marks by anonymous code for two correctors, the oral marks,
publishes the final list and appoints the laureate; the agent's page in RH shows the recruitment arrêté in the
career and 22 days of annual leave. Every page fits the screen.

A scratch commune of this test's own (records cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit
from tests.modules.concours.factories import manager

pytestmark = [pytest.mark.browser]

SLUG = "ccbrowser"
APPLICANTS = [
    ("CA1001", "Amal", "Idrissi", "أمل", "الإدريسي", "1995-03-03"),
    ("CB2002", "Badr", "Tazi", "بدر", "التازي", "1994-04-04"),
    ("CC3003", "Chama", "Alaoui", "شامة", "العلوي", "1996-05-05"),
]


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(slug=SLUG, name_fr="Séfrou", name_ar="صفرو", modules=["rh", "concours"])
        with schema_context(created.schema_name):
            manager("cc-browser")
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_concours_to_appointment_and_the_agent_in_rh(browser: Any, live_server_url: str, commune: None) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    context = browser.new_context(viewport={"width": 360, "height": 780})
    context.add_cookies([{"name": "jamaa_language", "value": "ar", "url": base}])
    page = context.new_page()
    log_in(page, base, "cc-browser")
    # announce
    page.goto(f"{base}/concours/")
    assert page.locator("html").get_attribute("dir") == "rtl" and fits(page)
    page.fill("#id_title_fr", "Concours de techniciens")
    page.fill("#id_title_ar", "مباراة التقنيين")
    page.select_option("#id_grade_code", "technicien-3")
    page.fill("#id_posts", "1")
    page.fill("#id_announced_on", "2026-01-05")
    page.fill("#id_applications_until", "2026-02-05")
    page.fill("#id_exam_date", "2026-03-01")
    submit(page, "#concours-form button")
    assert page.locator("#concours-status").get_attribute("data-status") == "announced" and fits(page)
    submit(page, "#advance")
    # three applications
    for cin, first_fr, last_fr, first_ar, last_ar, born in APPLICANTS:
        page.fill("#id_cin", cin)
        page.fill("#id_last_name_fr", last_fr)
        page.fill("#id_first_name_fr", first_fr)
        page.fill("#id_last_name_ar", last_ar)
        page.fill("#id_first_name_ar", first_ar)
        page.fill("#id_birth_date", born)
        page.fill("#id_diploma", "DUT")
        submit(page, "#application-form button")
    assert page.locator("#candidates li").count() == 3 and fits(page)
    submit(page, "#advance")
    submit(page, "#advance")
    assert page.locator("#concours-status").get_attribute("data-status") == "screening"
    # screening: the first two eligible, the third not, with its reason
    for _ in range(2):
        submit(page, "#candidates li .screen-form >> nth=0 >> button")
    form = page.locator("#candidates li .screen-form").first
    form.locator("select").select_option("0")
    form.locator("input[name=reason]").fill("Diplôme non conforme")
    submit(page, "#candidates li .screen-form >> nth=0 >> button")
    assert page.locator("#candidates .eligible").count() == 2 and page.locator("#candidates .ineligible").count() == 1
    # convocations: a seat each for the eligible ones, and a real PDF
    page.fill("#id_centre", "Lycée Ibn Khaldoun")
    submit(page, "#convocation-form button")
    assert page.locator("#candidates .convocation").count() == 2
    href = page.locator("#candidates .convocation").first.get_attribute("href")
    fetched = page.evaluate(FETCH_BYTES, f"{base}{href}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    assert "Amal Idrissi" in pdftotext(base64.b64decode(fetched["body"]))
    # written marks by anonymous code, two correctors each
    submit(page, "#advance")
    codes = [c for c in page.locator("#candidates li").evaluate_all("els => els.map(e => e.dataset.code)") if c]
    assert len(codes) == 2
    for code, marks in zip(codes, [("15", "17"), ("12", "13")], strict=True):
        for corrector, score in enumerate(marks, start=1):
            page.fill("#id_code", code)
            page.select_option("#id_corrector", str(corrector))
            page.fill("#id_score", score)
            submit(page, "#marks button")
    submit(page, "#advance")
    assert page.locator("#concours-status").get_attribute("data-status") == "oral"
    # the oral marks
    for score in ("14", "11"):
        page.locator("#candidates .oral-form input[name=score]").first.fill(score)
        submit(page, "#candidates .oral-form >> nth=0 >> button")
    # the final lists: 1 post → Amal main, Badr waiting
    submit(page, "#publish")
    assert page.locator("#main-list li").count() == 1 and "أمل" in page.locator("#main-list").inner_text()
    assert page.locator("#waiting-list li").count() == 1 and fits(page)
    # appointment: the agent is opened in RH
    submit(page, "#main-list .appoint")
    assert page.locator("#concours-status").get_attribute("data-status") == "appointments"
    with page.expect_navigation():
        page.locator("#candidates .appointed").click()
    assert "أمل الإدريسي" in page.locator("#agent-name").inner_text() and fits(page)
    assert page.locator("#career li").count() == 1 and page.locator("#act-list li").count() == 1
    assert page.locator("#balances .remaining").first.inner_text() == "22"
    # the public list
    page.goto(f"{base}/concours/annonces/")
    assert fits(page)
    context.close()
