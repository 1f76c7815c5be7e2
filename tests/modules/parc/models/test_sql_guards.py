"""The database itself refuses what the services refuse: a lower odometer, a voucher used twice or on another
vehicle, a status moved by hand, an overlapping assignment or mission, a deletion; and the vehicle state
transitions in SQL are the ones models.STATE_TRANSITIONS lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import services
from jamaa.modules.parc.models import STATE_TRANSITIONS, Voucher

from ..factories import book, fill, garage, manager, vehicle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _sql(statement: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_lower_odometer_is_refused_in_sql_with_the_last_value(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m, odometer=42_000)
        with pytest.raises(IntegrityError, match="last known reading of this vehicle is 42000 km"):
            _sql(
                "INSERT INTO parc_odometerreading (vehicle_id, value, read_on, source, created_by_id, created_at) "
                "VALUES (%s, 41000, %s, 'manual', %s, now())",
                [v.pk, TODAY, m.pk],
            )
        with pytest.raises(IntegrityError):
            _sql("UPDATE parc_odometerreading SET value = 1 WHERE vehicle_id = %s", [v.pk])
        with pytest.raises(IntegrityError):
            _sql("DELETE FROM parc_odometerreading WHERE vehicle_id = %s", [v.pk])
        assert services.last_odometer(vehicle_id=v.pk) == 42_000


def test_a_voucher_used_twice_or_elsewhere_is_refused_in_sql(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        own, other = vehicle(m, "5-W-5"), vehicle(m, "6-T-6")
        first, second = Voucher.objects.filter(book=book(m, own))[:2]
        fill(g, first.pk, own, km=100, litres="10", day=TODAY)
        insert = (
            "INSERT INTO parc_voucheruse (voucher_id, vehicle_id, used_on, station, litres, amount, odometer, "
            "full_tank, created_by_id, created_at) VALUES (%s, %s, %s, 'X', 10, 100, 200, false, %s, now())"
        )
        with pytest.raises(IntegrityError):
            _sql(insert, [first.pk, own.pk, TODAY, g.pk])  # used twice
        with pytest.raises(IntegrityError, match="belongs to another vehicle"):
            _sql(insert, [second.pk, other.pk, TODAY, g.pk])
        with pytest.raises(IntegrityError, match="cannot go from issued to used"):
            _sql("UPDATE parc_voucher SET status = 'used' WHERE id = %s", [second.pk])
        with pytest.raises(IntegrityError):
            _sql("UPDATE parc_voucher SET status = 'issued' WHERE id = %s", [first.pk])
        with pytest.raises(IntegrityError):
            _sql("UPDATE parc_voucher SET number = number + 1000 WHERE id = %s", [second.pk])
        with pytest.raises(IntegrityError):
            _sql("DELETE FROM parc_voucher WHERE id = %s", [second.pk])
        second.refresh_from_db()
        assert second.status == "issued"


def test_overlaps_are_refused_by_the_exclusion_constraints(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m)
        d = services.driver_create(actor=m, name="Said")
        services.assignment_start(actor=m, vehicle_id=v.pk, driver_id=d.pk, start_on=dt.date(2026, 1, 1))
        with pytest.raises(IntegrityError, match="parc_assignment_no_overlap"):
            _sql(
                "INSERT INTO parc_assignment (vehicle_id, driver_id, start_on, note, created_by_id, created_at) "
                "VALUES (%s, %s, '2027-01-01', '', %s, now())",
                [v.pk, d.pk, m.pk],
            )


def test_vehicle_states_in_sql_match_the_model() -> None:
    from jamaa.modules.parc.migrations import __path__ as migrations_path

    text = open(f"{migrations_path[0]}/0002_guards.py", encoding="utf-8").read()
    pairs = {(a, b) for a, targets in STATE_TRANSITIONS.items() for b in targets}
    for a, b in pairs:
        assert f"('{a}', '{b}')" in text
    assert text.count("('in_") == len(pairs)


def test_a_completed_mission_is_frozen_in_sql(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m, odometer=10)
        mission = services.mission_issue(
            actor=m,
            data=services.MissionInput(
                agent_name="A",
                vehicle_id=v.pk,
                destination="Ifrane",
                purpose="Réunion",
                depart_on=TODAY,
                return_on=TODAY,
            ),
        )
        with pytest.raises(IntegrityError, match="never changes"):
            _sql("UPDATE parc_missionorder SET destination = 'Paris' WHERE id = %s", [mission.pk])
        services.mission_complete(actor=m, mission_id=mission.pk, end_odometer=200)
        with pytest.raises(IntegrityError, match="changes no more"):
            _sql("UPDATE parc_missionorder SET status = 'cancelled', cancel_reason = 'x' WHERE id = %s", [mission.pk])
