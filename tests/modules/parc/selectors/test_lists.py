"""Lists read in a fixed number of queries, whatever their length; the logbook tells a vehicle's life newest
first; a viewer without a role reads nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from jamaa.modules.parc import exceptions, selectors, services
from jamaa.modules.parc.models import Voucher

from ..factories import book, fill, garage, manager, user_with, vehicle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_vehicle_and_book_lists_take_the_same_queries_for_one_or_many(fes) -> None:
    with schema_context("fes"):
        m = manager("parc_list_m")
        v = vehicle(m, "1-A-1", odometer=10)
        book(m, v)
        one = (_count(lambda: selectors.vehicle_list(viewer=m)), _count(lambda: selectors.book_list(viewer=m)))
        for i in range(2, 5):
            book(m, vehicle(m, f"{i}-A-{i}", odometer=10))
        many = (_count(lambda: selectors.vehicle_list(viewer=m)), _count(lambda: selectors.book_list(viewer=m)))
        assert one == many
        assert len(selectors.vehicle_list(viewer=m)) == 4 and len(selectors.book_list(viewer=m)) == 4


def test_the_logbook_tells_the_vehicles_life_newest_first(fes) -> None:
    with schema_context("fes"):
        m, g = manager("parc_log_m"), garage("parc_log_g")
        v = vehicle(m, odometer=100)
        d = services.driver_create(actor=m, name="Omar")
        services.assignment_start(actor=m, vehicle_id=v.pk, driver_id=d.pk, start_on=TODAY)
        voucher = Voucher.objects.filter(book=book(m, v)).first()
        fill(g, voucher.pk, v, km=150, litres="12", day=TODAY)
        services.vehicle_state_change(actor=m, vehicle_id=v.pk, state="in_repair", reason="Pneu crevé")
        with translation.override("en"):
            row, lines = selectors.vehicle_logbook(viewer=m, vehicle_id=v.pk)
        assert row.odometer == 150 and row.driver == "Omar"
        assert [str(line.what) for line in lines] == ["State", "Fuel", "Assignment", "Odometer reading"]
        assert voucher.reference in lines[1].detail
        with pytest.raises(exceptions.VehicleNotFound):
            selectors.vehicle_logbook(viewer=user_with("parc_log_x"), vehicle_id=v.pk)
        assert selectors.vehicle_list(viewer=user_with("parc_log_y")) == []
