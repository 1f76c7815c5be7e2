"""Consumption per 100 km between full fills, and the anomalies, on a worked example.

A car (threshold 12 L/100 km, tank 50 L) read at 9,000 km the day before:
  fill 1  10,000 km  40 L  full     (start)
  fill 2  10,200 km  15 L  partial
  fill 3  10,400 km  25 L  full     → (15 + 25) L over 400 km = 10.00 L/100 km  (fine)
  fill 4  10,600 km  30 L  full     → 30 L over 200 km = 15.00 L/100 km        (beyond 12: an anomaly)
  reading 15,000 km the next day   → 4,400 km in one day                        (an impossible distance)
  fill 5  on a second car reformed before the fill                              (fuel on a reformed vehicle)
  fill 6  60 L in a 50 L tank on a third car                                     (more than the tank holds)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.parc import selectors, services
from jamaa.modules.parc.models import Voucher

from ..factories import book, fill, garage, manager, service, vehicle

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def test_the_worked_example(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        voirie = service(m, "Voirie", "الطرق")
        car = vehicle(m, "100-A-1", svc=voirie)
        services.odometer_record(actor=g, vehicle_id=car.pk, value=9_000, read_on=DAY - dt.timedelta(days=1))
        vouchers = list(Voucher.objects.filter(book=book(m, car, count=5, day=DAY)).order_by("number"))
        fill(g, vouchers[0].pk, car, km=10_000, litres="40", day=DAY)
        fill(g, vouchers[1].pk, car, km=10_200, litres="15", full=False, day=DAY + dt.timedelta(days=1))
        fill(g, vouchers[2].pk, car, km=10_400, litres="25", day=DAY + dt.timedelta(days=2))
        fill(g, vouchers[3].pk, car, km=10_600, litres="30", day=DAY + dt.timedelta(days=3))
        services.odometer_record(actor=g, vehicle_id=car.pk, value=15_000, read_on=DAY + dt.timedelta(days=4))

        segments, anomalies = selectors.vehicle_anomalies(viewer=m, vehicle_id=car.pk)
        assert [(s.start_km, s.end_km, s.litres, s.l_per_100km, s.excessive) for s in segments] == [
            (10_000, 10_400, Decimal("40.00"), Decimal("10.00"), False),
            (10_400, 10_600, Decimal("30.00"), Decimal("15.00"), True),
        ]
        assert [(a.code, a.on) for a in anomalies] == [
            ("consumption", DAY + dt.timedelta(days=3)),
            ("distance", DAY + dt.timedelta(days=4)),
        ]

        old = vehicle(m, "200-B-2", svc=voirie)
        old_voucher = Voucher.objects.filter(book=book(m, old, count=1, day=DAY)).get()
        services.vehicle_state_change(actor=m, vehicle_id=old.pk, state="reformed", reason="Épave", on=DAY)
        fill(g, old_voucher.pk, old, km=50_010, litres="20", day=DAY + dt.timedelta(days=5))
        tanker = vehicle(m, "300-D-3", svc=voirie, tank=50)
        fill(
            g,
            Voucher.objects.filter(book=book(m, tanker, count=1, day=DAY)).get().pk,
            tanker,
            km=1_100,
            litres="60",
            day=DAY,
        )

        report = selectors.fuel_report(viewer=m, year=2026, month=3)
        assert [(a.plate, a.code) for a in report.anomalies] == [
            ("300-D-3", "tank"),
            ("100-A-1", "consumption"),
            ("100-A-1", "distance"),
            ("200-B-2", "reformed"),
        ]
        (line,) = report.lines
        assert (line.service, line.fills, line.litres, line.distance, line.l_per_100km, line.anomalies) == (
            "Voirie",
            6,
            Decimal("190.00"),
            600,
            Decimal("11.67"),  # 70 L over 600 km
            4,
        )
        assert line.bar == 100
        by_plate = {x.plate: x for x in report.vehicles}
        assert by_plate["100-A-1"].l_per_100km == Decimal("11.67") and by_plate["100-A-1"].fills == 4
        assert selectors.fuel_report(viewer=m, year=2026, month=4).lines == []
