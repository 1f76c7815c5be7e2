"""The parc automobile in a browser, on a 360 px phone, in French then in Arabic: the manager records a car,
issues it a book of fuel vouchers (printed with their QR codes) and a mission order (a PDF with its number); the
garage agent opens each voucher by its number and records two full fills; the monthly report shows the car's
consumption (30 L over 200 km = 15 L/100 km) and one anomaly (beyond the 12 L/100 km a car may use).

A scratch commune of this test's own (parc records cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import permissions, services
from jamaa.modules.parc.models import Vehicle, Voucher, VoucherBook
from jamaa.provisioning.services import commune_create
from jamaa.tenants.routing import routing_table
from tests.browser.test_etatcivil import FETCH_BYTES, _drop, log_in, pdftotext, submit
from tests.modules.parc.factories import user_with

pytestmark = [pytest.mark.browser]

SLUG = "boparc"


@pytest.fixture(scope="module")
def commune(browser: Any, django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    with django_db_blocker.unblock():
        _drop(SLUG)
        created = commune_create(slug=SLUG, name_fr="Sefrou", name_ar="صفرو", modules=["parc"])
        with schema_context(created.schema_name):
            chef = user_with("parc-chef-b", permissions.MANAGER)
            user_with("parc-garage-b", permissions.GARAGE)
            service = services.service_create(actor=chef, name_fr="Voirie", name_ar="الطرق")
        connection.set_schema_to_public()
    yield service.pk
    with django_db_blocker.unblock():
        _drop(SLUG)
        routing_table.clear()
        connection.close()


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_book_mission_two_fills_and_the_monthly_report(
    browser: Any, live_server_url: str, commune: int, language: str, django_db_blocker: Any
) -> None:
    base = live_server_url.format(host=f"{SLUG}.localhost")
    plate = {"fr": "7001-A-1", "ar": "7002-A-1"}[language]
    today = timezone.localdate()

    def phone() -> Any:
        context = browser.new_context(viewport={"width": 360, "height": 780})
        context.add_cookies([{"name": "jamaa_language", "value": language, "url": base}])
        return context.new_page()

    # given the fleet manager on a phone, who records a car at 10,000 km
    chef = phone()
    log_in(chef, base, "parc-chef-b")
    chef.goto(f"{base}/parc/vehicles/new/")
    assert chef.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert fits(chef)
    chef.fill("#vehicleform_plate", plate.lower().replace("-", " "))
    chef.select_option("#vehicleform_kind", "car")
    chef.select_option("#vehicleform_service_id", str(commune))
    chef.fill("#vehicleform_tank_litres", "50")
    chef.fill("#vehicleform_odometer", "10000")
    submit(chef, "#vehicle-form button")
    assert chef.locator("#plate").inner_text().strip() == plate
    assert fits(chef)
    with django_db_blocker.unblock(), schema_context(SLUG):
        vehicle = Vehicle.objects.get(plate=plate)
        connection.set_schema_to_public()

    # when they issue it a book of five 200 DH vouchers, and print it
    chef.goto(f"{base}/parc/books/")
    chef.select_option("#bookform_holder", f"v{vehicle.pk}")
    chef.fill("#bookform_count", "5")
    chef.fill("#bookform_face_value", "200")
    submit(chef, "#book-form button")
    book_reference = chef.locator("#book-reference").inner_text().strip()
    assert chef.locator("#vouchers a").count() == 5 and fits(chef)
    fetched = chef.evaluate(FETCH_BYTES, f"{base}{chef.locator('#book-pdf').get_attribute('href')}")
    assert fetched["status"] == 200 and fetched["type"] == "application/pdf"
    assert book_reference in pdftotext(base64.b64decode(fetched["body"]))
    with django_db_blocker.unblock(), schema_context(SLUG):
        book = VoucherBook.objects.get(vehicle=vehicle)
        first, second = (v.reference for v in Voucher.objects.filter(book=book).order_by("number")[:2])
        connection.set_schema_to_public()

    # and a mission order for the car, printed
    chef.goto(f"{base}/parc/missions/new/?vehicle={vehicle.pk}")
    chef.fill("#missionform_agent_name", "Karim Alaoui")
    chef.select_option("#missionform_vehicle_id", str(vehicle.pk))
    chef.fill("#missionform_destination", "Fès")
    chef.fill("#missionform_purpose", "Réunion à la province")
    chef.fill("#missionform_depart_on", today.isoformat())
    chef.fill("#missionform_return_on", today.isoformat())
    submit(chef, "#mission-form button")
    mission_reference = chef.locator("#mission-reference").inner_text().strip()
    assert mission_reference.startswith("OM-") and fits(chef)
    fetched = chef.evaluate(FETCH_BYTES, f"{base}{chef.locator('#mission-pdf').get_attribute('href')}")
    printed = pdftotext(base64.b64decode(fetched["body"]))
    assert mission_reference in printed and "أمر بمهمة" in printed and plate in printed

    # when the garage agent, on a phone, opens each voucher by its number and records a full fill
    garage = phone()
    log_in(garage, base, "parc-garage-b")
    for reference, km, litres in ((first, "10100", "40"), (second, "10300", "30")):
        garage.goto(f"{base}/parc/books/")
        garage.fill("#find-form input[name=reference]", reference)
        submit(garage, "#find-form button")
        assert garage.locator("#voucher-reference").inner_text().strip() == reference
        assert fits(garage)
        garage.select_option("#fillform_vehicle_id", str(vehicle.pk))
        garage.fill("#fillform_station", "Afriquia Sefrou")
        garage.fill("#fillform_litres", litres)
        garage.fill("#fillform_odometer", km)
        garage.check("#fillform_full_tank")
        submit(garage, "#fill-form button")
        assert garage.locator("#voucher-status").get_attribute("data-status") == "used"
    # a second fill on the same voucher is no longer offered
    assert garage.locator("#fill-form").count() == 0

    # then the monthly report shows the car's consumption and one anomaly
    chef.goto(f"{base}/parc/report/?month={today:%Y-%m}")
    assert fits(chef)
    row = chef.locator(f'#report-vehicles tr[data-plate="{plate}"]')
    assert row.locator(".consumption").get_attribute("data-value") == "15.00"
    assert row.locator(".anomalies").inner_text().strip() == "1"
    anomalies = chef.locator("#report-anomalies li", has_text=plate)
    assert anomalies.count() == 1 and anomalies.get_attribute("data-code") == "consumption"
    assert chef.locator("#report-chart svg").count() >= 1
