"""The bureau d'ordre in a browser, in French then in Arabic, on a phone screen: a clerk registers an incoming
letter with its scan (it arrived 20 days ago, an invitation: 7 days, so it is already late), prints the récépissé
(a real PDF with its number), routes it to Urbanisme; the late dashboard shows it; the service answers with an
outgoing reply that closes it; the late dashboard no longer counts it and the portal's public status says
"replied, closed".

A scratch commune of this test's own (letters cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import permissions, selectors, services
from jamaa.modules.courrier.models import Mail
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit
from tests.modules.courrier.factories import user_with

pytestmark = [pytest.mark.browser]

SLUG = "bocourrier"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(slug=SLUG, name_fr="Séfrou", name_ar="صفرو", modules=["courrier"])
        with schema_context(created.schema_name):
            clerk = user_with("clerk-bo", permissions.CLERK)
            agent = user_with("urba-bo", permissions.SERVICE)
            service = services.service_create(
                actor=clerk, name_fr="Urbanisme", name_ar="التعمير", member_ids=(agent.pk,)
            )
        connection.set_schema_to_public()
    yield service.pk
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_register_print_route_reply_late_and_public_status(
    browser: Any, live_server_url: str, commune: int, tmp_path: Path, language: str, django_db_blocker: Any
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    scan = tmp_path / "lettre.pdf"
    scan.write_bytes(PDF)
    subject = {"fr": "Demande d'autorisation de construire", "ar": "طلب رخصة البناء"}[language]

    def phone() -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 780})
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        return context.new_page()

    # given a clerk at the bureau d'ordre, on a phone
    clerk = phone()
    log_in(clerk, base, "clerk-bo")
    clerk.goto(f"{base}/courrier/new/")
    assert clerk.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # the page fits the phone: no horizontal scroll
    assert clerk.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # when they register an incoming letter with its scan, keyboard first (the kind has the focus)
    assert clerk.evaluate("document.activeElement.name") == "kind"
    clerk.fill("#id_name", "Youssef Tazi")
    clerk.fill("#id_cin", "CD998877")
    clerk.fill("#id_subject", subject)
    clerk.select_option("#id_mail_type_code", "invitation")
    clerk.fill("#id_arrival_date", (timezone.localdate() - dt.timedelta(days=20)).isoformat())
    clerk.check("#id_reply_expected")
    clerk.set_input_files("#id_scan", str(scan))
    submit(clerk, "#register-submit")
    reference = clerk.locator("#reference").inner_text().strip()
    with django_db_blocker.unblock(), schema_context(SLUG):
        mail = Mail.objects.get(subject=subject)
        assert mail.attachments.count() == 1 and mail.status == "to_qualify"
        connection.set_schema_to_public()
    assert reference == mail.reference
    # then they print the récépissé: a PDF with the number
    href = clerk.locator("#print-receipt").get_attribute("href")
    fetched = clerk.evaluate(FETCH_BYTES, f"{base}{href}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    printed = pdftotext(base64.b64decode(fetched["body"]))
    assert reference in printed and "وصل إيداع مراسلة" in printed and "Youssef Tazi" in printed
    # and route it to Urbanisme
    clerk.select_option("#route-form select[name=service_id]", str(commune))
    submit(clerk, "#route-form button")
    assert "Urbanisme" in clerk.locator("#mail-service").inner_text()
    # the late dashboard shows it late for Urbanisme
    clerk.goto(f"{base}/courrier/late/")
    assert reference in clerk.locator("#mails").inner_text()
    assert clerk.locator('#late-board tr[data-service="Urbanisme"] .late-count').inner_text() == "1"

    # the clerk sends the récépissé by email too: the message, with the PDF, is in the outbox
    outbox = Path(os.environ["JAMAA_EMAIL_OUTBOX"])
    before = set(outbox.glob("*.log")) if outbox.exists() else set()
    clerk.goto(f"{base}/courrier/{mail.pk}/")
    clerk.fill("#email-form input[name=to]", "youssef.tazi@example.ma")
    submit(clerk, "#email-form button")
    assert clerk.locator("#emailed").is_visible()
    (message,) = [p for p in outbox.glob("*.log") if p not in before and reference in p.read_text(errors="replace")]
    assert "youssef.tazi@example.ma" in message.read_text(errors="replace")
    # and gives Urbanisme a task due in two days
    clerk.fill("#task-form input[name=title]", "Visite du terrain")
    clerk.fill("#task-due", (timezone.localdate() + dt.timedelta(days=2)).isoformat())
    submit(clerk, "#task-form button")
    assert "Visite du terrain" in clerk.locator("#tasks").inner_text()

    # when the service sees it among its tasks (on the phone, nothing off-screen) and does it
    agent = phone()
    log_in(agent, base, "urba-bo")
    agent.goto(f"{base}/courrier/tasks/")
    assert agent.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert "Visite du terrain" in agent.locator("#task-list").inner_text()
    submit(agent, "#task-list .task-done")
    assert "Visite du terrain" not in agent.locator("#task-list").inner_text()

    # when the service answers it with an outgoing reply
    agent.goto(f"{base}/courrier/?service={commune}")
    agent.locator(f'tr[data-reference="{reference}"] a').click()
    agent.wait_for_load_state()
    agent.fill("#reply-form input[name=subject]", "Réponse favorable")
    submit(agent, "#reply-form button")
    reply_reference = agent.locator("#reference").inner_text().strip()
    assert reply_reference.startswith("D-") and reference in agent.locator("#mail-reply").inner_text()

    # then the late dashboard no longer counts it, and the portal's status says replied and closed
    clerk.goto(f"{base}/courrier/late/")
    assert clerk.locator('#late-board tr[data-service="Urbanisme"] .late-count').inner_text() == "0"
    with django_db_blocker.unblock(), schema_context(SLUG):
        status = selectors.mail_public_status(number=mail.number, year=mail.year, code=mail.code)
        connection.set_schema_to_public()
    assert status is not None and (status.status, status.replied) == ("closed", True)
    assert status.closed_on == timezone.localdate()
