"""Vehicles, states, assignments (no overlap), documents, odometer (only up) and maintenance, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import exceptions, services
from jamaa.modules.parc.models import Assignment, Maintenance, OdometerReading, StateChange

from ..factories import garage, manager, service, vehicle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_plate_is_normalized_and_written_in_arabic(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m, "12345 a 6", odometer=1200)
        assert (v.plate, v.plate_ar) == ("12345-A-6", "12345-أ-6")
        assert services.last_odometer(vehicle_id=v.pk) == 1200
        with pytest.raises(exceptions.PlateTaken):
            vehicle(m, "12345-A-6")


def test_only_a_manager_records_a_vehicle(fes) -> None:
    with schema_context("fes"):
        svc = service(manager())
        with pytest.raises(exceptions.NotAllowed):
            services.vehicle_create(
                actor=garage(), data=services.VehicleInput(plate="1-A-1", kind="car", service_id=svc.pk)
            )


def test_states_move_along_and_reformed_is_final(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m)
        services.vehicle_state_change(actor=m, vehicle_id=v.pk, state="in_repair", reason="Embrayage")
        services.vehicle_state_change(actor=m, vehicle_id=v.pk, state="reformed", reason="Épave", on=TODAY)
        with pytest.raises(exceptions.StateRefused):
            services.vehicle_state_change(actor=m, vehicle_id=v.pk, state="in_service", reason="retour")
        v.refresh_from_db()
        assert (v.state, v.reformed_on) == ("reformed", TODAY)
        assert list(StateChange.objects.filter(vehicle=v).values_list("to_state", flat=True)) == [
            "in_repair",
            "reformed",
        ]


def test_an_overlapping_assignment_is_refused(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m)
        a = services.driver_create(actor=m, name="Ahmed")
        b = services.driver_create(actor=m, name="Brahim")
        first = services.assignment_start(actor=m, vehicle_id=v.pk, driver_id=a.pk, start_on=dt.date(2026, 1, 1))
        with pytest.raises(exceptions.AssignmentOverlap):
            services.assignment_start(actor=m, vehicle_id=v.pk, driver_id=b.pk, start_on=dt.date(2026, 3, 1))
        services.assignment_end(actor=m, assignment_id=first.pk, end_on=dt.date(2026, 2, 28))
        with pytest.raises(exceptions.AssignmentEnded):
            services.assignment_end(actor=m, assignment_id=first.pk, end_on=dt.date(2026, 3, 31))
        services.assignment_start(actor=m, vehicle_id=v.pk, driver_id=b.pk, start_on=dt.date(2026, 3, 1))
        assert Assignment.objects.filter(vehicle=v).count() == 2


def test_a_lower_odometer_is_refused_with_the_last_value(fes) -> None:
    with schema_context("fes"):
        g = garage()
        v = vehicle(manager(), odometer=15_000)
        with pytest.raises(exceptions.OdometerLower) as refused:
            services.odometer_record(actor=g, vehicle_id=v.pk, value=14_999, read_on=TODAY)
        assert refused.value.extra["last"] == 15_000 and "15000" in str(refused.value.message)
        with pytest.raises(exceptions.Invalid):
            services.odometer_record(actor=g, vehicle_id=v.pk, value=0, read_on=TODAY)
        services.odometer_record(actor=g, vehicle_id=v.pk, value=15_000, read_on=TODAY)
        assert OdometerReading.objects.filter(vehicle=v).count() == 2


def test_a_repair_records_its_odometer_and_refuses_a_lower_one(fes) -> None:
    with schema_context("fes"):
        g = garage()
        v = vehicle(manager(), odometer=20_000)
        services.maintenance_record(
            actor=g,
            vehicle_id=v.pk,
            kind="repair",
            description="Plaquettes de frein",
            supplier="Garage Atlas",
            amount=Decimal("850.00"),
            odometer=20_500,
            done_on=TODAY,
        )
        with pytest.raises(exceptions.OdometerLower):
            services.maintenance_record(
                actor=g,
                vehicle_id=v.pk,
                kind="service",
                description="Vidange",
                amount=Decimal("400"),
                odometer=20_100,
                done_on=TODAY,
            )
        assert services.last_odometer(vehicle_id=v.pk) == 20_500
        assert Maintenance.objects.filter(vehicle=v).count() == 1


def test_documents_lapsing_are_announced_once_per_stage(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m)
        doc = services.document_add(
            actor=m,
            vehicle_id=v.pk,
            kind="insurance",
            valid_from=TODAY - dt.timedelta(days=300),
            valid_until=TODAY + dt.timedelta(days=20),
            reference="POL-1",
        )
        assert len(services.expiry_announce(today=TODAY)) == 1
        assert services.expiry_announce(today=TODAY) == []  # once per stage
        assert len(services.expiry_announce(today=TODAY + dt.timedelta(days=14))) == 1  # the 7-day stage
        assert doc.notices.count() == 2
        # a renewal silences it
        services.document_add(
            actor=m,
            vehicle_id=v.pk,
            kind="insurance",
            valid_from=TODAY + dt.timedelta(days=20),
            valid_until=TODAY + dt.timedelta(days=385),
        )
        assert services.expiry_announce(today=TODAY + dt.timedelta(days=21)) == []
