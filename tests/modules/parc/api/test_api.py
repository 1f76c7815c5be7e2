"""The parc's API: a vehicle, a book, a fill, a second fill refused (409), a lower odometer refused (409 with the
last value), a mission order, the month's report; roles (403) and bad input (400) in the {code, message, extra}
shape."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc.models import VoucherUse

from ..factories import garage, manager, service, signed_in, user_with

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_fuel_voucher_flow_through_the_api(fes) -> None:
    with schema_context("fes"):
        m, g = manager("parc_api_m"), garage("parc_api_g")
        svc = service(m)
    boss, pump = signed_in(fes.host, m), signed_in(fes.host, g)
    created = boss.post(
        "/parc/api/vehicles/new/",
        {"plate": "4321-d-12", "kind": "utility", "service_id": svc.pk, "odometer": 5000},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    v = created.json()["vehicle"]
    assert (v["plate"], v["plate_ar"], v["odometer"]) == ("4321-D-12", "4321-د-12", 5000)
    issued = boss.post(
        "/parc/api/books/new/",
        {"vehicle_id": v["id"], "count": 3, "face_value": "250"},
        content_type="application/json",
    )
    assert issued.status_code == 201
    vouchers = issued.json()["vouchers"]
    assert [x["status"] for x in vouchers] == ["issued"] * 3
    found = pump.get("/parc/api/vouchers/find/", {"reference": vouchers[0]["reference"]})
    assert found.status_code == 200 and found.json()["voucher"]["id"] == vouchers[0]["id"]
    body = {"vehicle_id": v["id"], "used_on": str(TODAY), "station": "Total", "litres": "40", "odometer": 5400}
    used = pump.post(f"/parc/api/vouchers/{vouchers[0]['id']}/use/", body, content_type="application/json")
    assert used.status_code == 201 and used.json()["voucher"]["status"] == "used"
    again = pump.post(f"/parc/api/vouchers/{vouchers[0]['id']}/use/", body, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "PARC_VOUCHER_UNAVAILABLE"
    lower = pump.post(
        f"/parc/api/vouchers/{vouchers[1]['id']}/use/", {**body, "odometer": 5300}, content_type="application/json"
    )
    assert lower.status_code == 409 and lower.json()["code"] == "PARC_ODOMETER_LOWER"
    assert lower.json()["extra"]["last"] == 5400
    mission = boss.post(
        "/parc/api/missions/new/",
        {
            "agent_name": "Nadia",
            "vehicle_id": v["id"],
            "destination": "Meknès",
            "purpose": "Formation",
            "depart_on": str(TODAY),
            "return_on": str(TODAY),
        },
        content_type="application/json",
    )
    assert mission.status_code == 201 and mission.json()["reference"].startswith("OM-")
    done = pump.post(
        f"/parc/api/missions/{mission.json()['id']}/complete/", {"end_odometer": 5600}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "completed"
    report = boss.get("/parc/api/report/", {"year": TODAY.year, "month": TODAY.month})
    assert report.status_code == 200 and report.json()["total_fills"] == 1
    logbook = pump.get(f"/parc/api/vehicles/{v['id']}/logbook/")
    assert logbook.status_code == 200 and len(logbook.json()) >= 2
    with schema_context("fes"):
        assert VoucherUse.objects.filter(voucher_id=vouchers[0]["id"]).count() == 1


def test_roles_and_bad_input(fes) -> None:
    with schema_context("fes"):
        g = garage("parc_api_g2")
        outsider = user_with("parc_outsider")
    pump = signed_in(fes.host, g)
    refused = pump.post("/parc/api/books/new/", {"count": 1, "face_value": "10"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
    assert signed_in(fes.host, outsider).get("/parc/api/vehicles/").status_code == 403
    bad = signed_in(fes.host, manager("parc_api_m2")).post(
        "/parc/api/vehicles/new/", {"plate": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()["extra"]["fields"]
    assert pump.get("/parc/api/report/", {"year": "x", "month": 13}).status_code == 400
    assert pump.get("/parc/api/vehicles/999999/").status_code == 404
