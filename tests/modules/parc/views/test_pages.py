"""The parc's pages in French and Arabic: the manager records a vehicle, issues a book, the garage agent records a
fill from the voucher's page; a second fill and a lower odometer are refused on the form; no role → 403."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc.models import Vehicle, Voucher, VoucherBook

from ..factories import garage, manager, service, signed_in, user_with

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_vehicle_book_and_fill_from_the_pages(fes) -> None:
    with schema_context("fes"):
        m, g = manager("parc_pg_m"), garage("parc_pg_g")
        svc = service(m, "Hygiène", "الصحة")
    boss = signed_in(fes.host, m)
    assert boss.get("/parc/").status_code == 200
    created = boss.post(
        "/parc/vehicles/new/",
        {"plate": "555-j-1", "kind": "truck", "service_id": svc.pk, "fuel": "diesel", "odometer": 80_000},
    )
    assert created.status_code == 302
    with schema_context("fes"):
        v = Vehicle.objects.get(plate="555-J-1")
    page = boss.get(f"/parc/vehicles/{v.pk}/").content.decode()
    assert "555-J-1" in page and "555-ج-1" in page and "80000 km" in page
    issued = boss.post("/parc/books/", {"holder": f"v{v.pk}", "count": 2, "face_value": "300", "issued_on": TODAY})
    assert issued.status_code == 302
    with schema_context("fes"):
        first, second = Voucher.objects.filter(book=VoucherBook.objects.get(vehicle=v)).order_by("number")
    pump = signed_in(fes.host, g)
    found = pump.get("/parc/vouchers/find/", {"reference": first.reference})
    assert found.status_code == 302 and found["Location"] == f"/parc/vouchers/{first.pk}/"
    fill = {
        "vehicle_id": v.pk,
        "used_on": TODAY,
        "station": "Winxo",
        "litres": "120",
        "odometer": 80_500,
        "full_tank": "on",
    }
    assert pump.post(f"/parc/vouchers/{first.pk}/use/", fill).status_code == 302
    again = pump.post(f"/parc/vouchers/{first.pk}/use/", fill)
    assert again.status_code == 400
    lower = pump.post(f"/parc/vouchers/{second.pk}/use/", {**fill, "odometer": 70_000}, HTTP_ACCEPT_LANGUAGE="ar")
    assert lower.status_code == 400 and "80500" in lower.content.decode()
    assert 'data-status="used"' in pump.get(f"/parc/vouchers/{first.pk}/").content.decode()
    # the garage agent may not issue books
    assert pump.post("/parc/books/", {"holder": f"v{v.pk}", "count": 1, "face_value": "1"}).status_code == 403


def test_every_page_answers_in_arabic(fes) -> None:
    with schema_context("fes"):
        m = manager("parc_pg_ar")
    client = signed_in(fes.host, m)
    client.cookies["jamaa_language"] = "ar"
    for path in ("/parc/", "/parc/books/", "/parc/missions/", "/parc/missions/new/", "/parc/report/", "/parc/setup/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'dir="rtl"' in response.content.decode(), path


def test_no_role_gets_the_forbidden_page(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("parc_pg_out")
    response = signed_in(fes.host, outsider).get("/parc/")
    assert response.status_code == 403 and 'data-status="403"' in response.content.decode()
