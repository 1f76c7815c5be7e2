"""Voucher books: numbered without gaps, a voucher used once on its own vehicle, cancelled by a counter-entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import exceptions, services
from jamaa.modules.parc.models import Voucher, VoucherCancellation, VoucherUse

from ..factories import book, fill, garage, manager, service, vehicle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_books_take_consecutive_blocks_of_the_years_series(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m)
        first = book(m, v, count=5)
        second = book(m, v, count=3)
        assert second.number == first.number + 1
        assert second.first_number == first.first_number + 5
        numbers = list(Voucher.objects.filter(book=second).values_list("number", flat=True))
        assert numbers == [second.first_number, second.first_number + 1, second.first_number + 2]
        assert Voucher.objects.filter(book=first, status="issued").count() == 5


def test_a_voucher_is_used_once(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        v = vehicle(m, odometer=1000)
        voucher = Voucher.objects.filter(book=book(m, v)).first()
        use = fill(g, voucher.pk, v, km=1100, litres="30", day=TODAY)
        assert use.amount == Decimal("200.00")  # the face value
        voucher.refresh_from_db()
        assert voucher.status == "used"
        with pytest.raises(exceptions.VoucherUnavailable):
            fill(g, voucher.pk, v, km=1200, litres="30", day=TODAY)
        assert VoucherUse.objects.filter(voucher=voucher).count() == 1
        assert services.last_odometer(vehicle_id=v.pk) == 1100


def test_a_voucher_is_refused_on_another_vehicle(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        own, other = vehicle(m, "1-A-1"), vehicle(m, "2-B-2")
        voucher = Voucher.objects.filter(book=book(m, own)).first()
        with pytest.raises(exceptions.VoucherOtherVehicle):
            fill(g, voucher.pk, other, km=500, litres="20", day=TODAY)
        voucher.refresh_from_db()
        assert voucher.status == "issued" and not VoucherUse.objects.exists()


def test_a_service_book_serves_the_services_vehicles_only(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        voirie = service(m, "Voirie")
        own, other = vehicle(m, "3-D-3", svc=voirie), vehicle(m, "4-H-4")
        b = services.book_issue(actor=m, service_id=voirie.pk, count=2, face_value=Decimal("100"))
        a1, a2 = Voucher.objects.filter(book=b).order_by("number")
        with pytest.raises(exceptions.VoucherOtherVehicle):
            fill(g, a1.pk, other, km=10, litres="5", day=TODAY)
        fill(g, a2.pk, own, km=10, litres="5", day=TODAY)


def test_a_lower_odometer_at_the_pump_refuses_the_whole_fill(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        v = vehicle(m, odometer=9000)
        voucher = Voucher.objects.filter(book=book(m, v)).first()
        with pytest.raises(exceptions.OdometerLower):
            fill(g, voucher.pk, v, km=8000, litres="30", day=TODAY)
        voucher.refresh_from_db()
        assert voucher.status == "issued" and not VoucherUse.objects.exists()


def test_cancellation_is_a_counter_entry(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        v = vehicle(m)
        first, second = Voucher.objects.filter(book=book(m, v))[:2]
        with pytest.raises(exceptions.Invalid):
            services.voucher_cancel(actor=m, voucher_id=first.pk, reason=" ")
        services.voucher_cancel(actor=m, voucher_id=first.pk, reason="Perdu")
        first.refresh_from_db()
        assert first.status == "cancelled" and VoucherCancellation.objects.get(voucher=first).reason == "Perdu"
        with pytest.raises(exceptions.VoucherUnavailable):
            fill(g, first.pk, v, km=10, litres="5", day=TODAY)
        fill(g, second.pk, v, km=10, litres="5", day=TODAY)
        with pytest.raises(exceptions.VoucherUnavailable):
            services.voucher_cancel(actor=m, voucher_id=second.pk, reason="trop tard")
        with pytest.raises(exceptions.NotAllowed):
            services.voucher_cancel(actor=g, voucher_id=second.pk, reason="x")


def test_a_voucher_is_found_by_its_printed_number(fes) -> None:
    with schema_context("fes"):
        m = manager()
        b = book(m, vehicle(m))
        voucher = Voucher.objects.filter(book=b).first()
        for text in (voucher.reference, f"{voucher.year}/{voucher.number}", str(voucher.number)):
            assert services.voucher_resolve(reference=text).pk == voucher.pk
        with pytest.raises(exceptions.VoucherNotFound):
            services.voucher_resolve(reference="abc")
