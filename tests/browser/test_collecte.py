"""The collectors' app in headless Chromium, with the network cut: a collector registers the phone, takes three
payments offline, reloads the page and still sees them pending, goes online and syncs; the server holds three
quittances with the block's numbers, and replaying the same outbox creates nothing new.

The live server is another process: the commune, its régie and its collector are committed here, in a scratch
commune of this test's own (quittances cannot be deleted: its schema is dropped at the end).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules.collecte import signing
from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import selectors_collecte as regie_reads
from jamaa.modules.regie import services as regie_services
from jamaa.modules.regie.models import Quittance, QuittanceBlock, VersementItem
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.communes import drop_commune
from tests.conftest import REPO
from tests.modules.regie.factories import reference, user_with

pytestmark = [pytest.mark.browser]

SLUG = "colsefrou"
PASSWORD = "Pass-2026-word!"  # tests/modules/regie/factories.py


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        drop_commune(SLUG)
        created = commune_create(
            slug=SLUG, name_fr="Sefrou", name_ar="صفرو", region="Fès-Meknès", modules=["regie", "collecte"]
        )
        with schema_context(created.schema_name):
            reference()
            user_with("percepteur", regie_permissions.AGENT)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        drop_commune(SLUG)
        routing_table.clear()
        connection.close()


def wait_for_site(page: Any, url: str) -> None:
    deadline = time.monotonic() + 15
    while True:
        response = page.goto(url)
        if response is not None and response.status == 200:
            return
        assert time.monotonic() < deadline, f"{url} still answers {response.status if response else None}"
        time.sleep(0.5)


def take_payment(page: Any, base: str) -> int:
    page.fill("#search", "Atlas")
    page.locator(".redevable-hit").first.click()
    page.fill("#base", base)
    page.locator("#take-payment").click()
    page.wait_for_selector("#receipt-panel:not(.d-none)")
    page.wait_for_selector("#receipt-qr svg")
    number = int(page.locator("#receipt").get_attribute("data-number"))
    page.locator("#new-payment").click()
    return number


def pending(page: Any) -> str:
    return page.locator("#pending-count").inner_text()


def test_three_payments_offline_survive_a_reload_and_sync_once(
    browser: Any, live_server_url: str, commune: None, django_db_blocker: Any
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, timezone_id="Africa/Casablanca", service_workers="allow"
    )
    page = context.new_page()
    wait_for_site(page, f"{base}/collecte/")
    page.wait_for_selector("#app[data-ready='1']")
    # *.localhost is a secure context: service workers and WebCrypto are there
    assert page.evaluate("window.isSecureContext && !!crypto.subtle && 'serviceWorker' in navigator")

    # given a collector who registers the phone (online)
    page.fill("#reg-username", "percepteur")
    page.fill("#reg-password", PASSWORD)
    page.fill("#reg-name", "Téléphone souk")
    page.locator("#register-submit").click()
    page.wait_for_function("() => document.querySelector('#block-info').dataset.next === '1'")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    assert pending(page) == "0"

    # when the network is cut and three payments are taken
    context.set_offline(True)
    page.wait_for_function("() => document.querySelector('#net-status').dataset.online === '0'")
    numbers = [take_payment(page, b) for b in ("12.5", "3", "1")]
    assert numbers == [1, 2, 3]
    assert pending(page) == "3"
    page.screenshot(path=str(REPO / "var" / "screenshot-collecte-offline.png"), full_page=True)

    # and the page is reloaded, still offline: the service worker serves the app, the outbox is still there
    page.reload()
    page.wait_for_selector("#app[data-ready='1']")
    assert pending(page) == "3"
    assert page.locator(".outbox-item[data-status='pending']").count() == 3
    # a receipt shows again, with its QR code and the signed code of the régie's scheme
    page.locator(".outbox-item[data-number='1']").click()
    page.wait_for_selector("#receipt-qr svg")
    code = page.locator("#receipt").get_attribute("data-code")
    # printed through the browser's dialog: only the ticket, 58 mm wide
    page.emulate_media(media="print")
    assert page.locator(".app-bar").is_hidden() and page.locator("#receipt").is_visible()
    assert round(page.locator("#receipt").bounding_box()["width"]) == round(58 * 96 / 25.4)
    page.screenshot(path=str(REPO / "var" / "screenshot-collecte-ticket.png"))
    page.emulate_media(media="screen")
    # the ESC/POS ticket for a 58 mm printer: initialise, then raster bands 384 dots (48 bytes) wide
    head = page.evaluate(
        "(async () => { const items = await window.collecte.outbox();"
        " const b = window.collecte.escpos(items.find(i => i.number === 1)); return Array.from(b.slice(0, 13)); })()"
    )
    assert head == [0x1B, 0x40, 0x1B, 0x61, 0x01, 0x1D, 0x76, 0x30, 0x00, 48, 0, 128, 0]

    # then online again, the app syncs
    context.set_offline(False)
    page.locator("#sync-now").click()
    page.wait_for_function("() => document.querySelector('#pending-count').dataset.count === '0'", timeout=15000)
    outbox = page.evaluate("window.collecte.outbox()")
    assert [(i["number"], i["status"], i.get("error")) for i in sorted(outbox, key=lambda i: i["number"])] == [
        (1, "synced", None),
        (2, "synced", None),
        (3, "synced", None),
    ]
    page.wait_for_function("() => document.querySelectorAll(\".outbox-item[data-status='synced']\").length === 3")

    with django_db_blocker.unblock(), schema_context(SLUG):
        quittances = list(Quittance.objects.order_by("number"))
        block = QuittanceBlock.objects.get()
        assert [q.number for q in quittances] == [1, 2, 3]
        assert all(q.block_id == block.pk for q in quittances)
        assert {str(q.client_uuid) for q in quittances} == {i["uuid"] for i in outbox}
        assert [q.amount_dh for q in quittances] == [Decimal("1000.00"), Decimal("240.00"), Decimal("80.00")]
        first = quittances[0]
        key = signing.block_key(block_id=block.pk)
        assert code == signing.receipt_code(
            key=key, exercice=first.series.exercice, series="A", number=1, amount_dh=first.amount_dh
        )

    # and the receipt's QR code opens the public verification page, which finds it genuine
    url = page.locator("#receipt").get_attribute("data-url")
    assert url == f"{base}/regie/verify/{code}/?amount=1000.00"
    checker = context.new_page()
    checker.goto(url)
    assert checker.locator("#verify-result").get_attribute("data-status") == "valid"
    checker.close()

    # and replaying the same outbox creates nothing new
    replayed = page.evaluate("window.collecte.replayOutbox()")
    assert sorted(r["status"] for r in replayed) == ["duplicate"] * 3
    with django_db_blocker.unblock(), schema_context(SLUG):
        assert Quittance.objects.count() == 3

    # and the app reads in Arabic
    page.locator("#lang-toggle").click()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#sync-now [data-t='sync']").inner_text() == "مزامنة"
    page.screenshot(path=str(REPO / "var" / "screenshot-collecte-ar.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    context.close()
    connection.set_schema_to_public()


def test_the_receipt_prints_the_communes_time_whatever_the_phones_zone(
    browser: Any, live_server_url: str, commune: None
) -> None:
    """Issue 17 item 9: the phone's receipt followed the phone's clock zone; it prints Africa/Casablanca's."""
    base = live_server_url.format(host=f"{SLUG}.localhost")
    # given a phone whose clock is set to Tokyo (8 hours from the commune)
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Asia/Tokyo")
    page = context.new_page()
    wait_for_site(page, f"{base}/collecte/")
    page.wait_for_selector("#app[data-ready='1']")
    page.fill("#reg-username", "percepteur")
    page.fill("#reg-password", PASSWORD)
    page.fill("#reg-name", "Téléphone à l'heure de Tokyo")
    page.locator("#register-submit").click()
    page.wait_for_function("() => document.querySelector('#block-info').dataset.next !== ''")
    # when a payment is taken and its receipt shown
    casablanca = ZoneInfo("Africa/Casablanca")
    before = dt.datetime.now(casablanca)
    page.fill("#search", "Atlas")
    page.locator(".redevable-hit").first.click()
    page.fill("#base", "1")
    page.locator("#take-payment").click()
    page.wait_for_selector("#receipt-panel:not(.d-none)")
    after = dt.datetime.now(casablanca)
    # then the receipt's date and time are the commune's
    text = page.locator("#receipt").inner_text()
    stamps = {f"{t:%Y-%m-%d %H:%M}" for t in (before, after)}
    assert any(stamp in text for stamp in stamps), (stamps, text)
    tokyo = {f"{t.astimezone(ZoneInfo('Asia/Tokyo')):%Y-%m-%d %H:%M}" for t in (before, after)}
    assert not any(stamp in text for stamp in tokyo)
    context.close()


def test_offline_payments_day_closed_sync(
    browser: Any, live_server_url: str, commune: None, django_db_blocker: Any
) -> None:
    """Issue 17 item 1, "offline payments, day closed, sync": the régisseur closes the day while a phone holds
    payments taken offline; after the sync every payment is in a day's releve or listed to the régisseur."""
    base = live_server_url.format(host=f"{SLUG}.localhost")
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Africa/Casablanca")
    page = context.new_page()
    wait_for_site(page, f"{base}/collecte/")
    page.wait_for_selector("#app[data-ready='1']")
    page.fill("#reg-username", "percepteur")
    page.fill("#reg-password", PASSWORD)
    page.fill("#reg-name", "Téléphone marché")
    page.locator("#register-submit").click()
    page.wait_for_function("() => document.querySelector('#block-info').dataset.next !== ''")
    page.fill("#search", "Atlas")
    page.wait_for_selector(".redevable-hit")  # the redevables are on the phone
    # given two payments taken with no network
    context.set_offline(True)
    page.wait_for_function("() => document.querySelector('#net-status').dataset.online === '0'")
    numbers = [take_payment(page, b) for b in ("2", "1")]
    today = dt.datetime.now(ZoneInfo("Africa/Casablanca")).date()
    # and the régisseur closes the régie's day meanwhile
    with django_db_blocker.unblock(), schema_context(SLUG):
        regisseur = user_with("regisseur", regie_permissions.REGISSEUR)
        regie_id = QuittanceBlock.objects.values_list("series__regie_id", flat=True).first()
        regie_services.day_close(actor=regisseur, regie_id=regie_id, day=today, counted_dh=Decimal("0"))
    # when the phone is back online and syncs
    context.set_offline(False)
    page.locator("#sync-now").click()
    page.wait_for_function("() => document.querySelector('#pending-count').dataset.count === '0'", timeout=15000)
    # then neither is refused: the app says they count on the next open day
    late_items = ".outbox-item[data-status='synced'] .late-booking"
    page.wait_for_function(f'() => document.querySelectorAll("{late_items}").length === {len(numbers)}')
    assert page.locator(".outbox-item[data-status='refused']").count() == 0
    tomorrow = today + dt.timedelta(days=1)
    assert tomorrow.isoformat() in page.locator(".late-booking").first.inner_text()
    with django_db_blocker.unblock(), schema_context(SLUG):
        late = Quittance.objects.filter(number__in=numbers, agent__username="percepteur").order_by("number")
        assert [q.day for q in late] == [tomorrow, tomorrow]
        # and they are listed to the régisseur (supervision's "Payments booked late")
        listed = regie_reads.late_payments()
        assert sorted(p.number for p in listed if p.booked_on == tomorrow) == sorted(numbers)
        # and the next close puts them in that day's releve
        versement = regie_services.day_close(
            actor=regisseur, regie_id=regie_id, day=tomorrow, counted_dh=sum(q.amount_dh for q in late)
        )
        releve = set(VersementItem.objects.filter(versement=versement).values_list("quittance__number", flat=True))
        assert set(numbers) <= releve and versement.difference_dh == 0
    context.close()
