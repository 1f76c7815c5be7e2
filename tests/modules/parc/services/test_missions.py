"""Mission orders: numbered at issue, one vehicle on one mission at a time, completed with the odometer or
cancelled with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import exceptions, services
from jamaa.modules.parc.models import MissionOrder

from ..factories import garage, manager, vehicle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _issue(m, v, start: dt.date, end: dt.date) -> MissionOrder:
    return services.mission_issue(
        actor=m,
        data=services.MissionInput(
            agent_name="Karim Alaoui",
            agent_function="Technicien",
            vehicle_id=v.pk,
            destination="Rabat",
            purpose="Dépôt du budget",
            depart_on=start,
            return_on=end,
        ),
    )


def test_missions_are_numbered_and_never_overlap(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m, odometer=3000)
        first = _issue(m, v, TODAY, TODAY + dt.timedelta(days=2))
        assert first.start_odometer == 3000 and first.year == TODAY.year
        with pytest.raises(exceptions.MissionOverlap):
            _issue(m, v, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=3))
        second = _issue(m, v, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=3))
        assert second.number == first.number + 1
        services.mission_cancel(actor=m, mission_id=second.pk, reason="Réunion reportée")
        third = _issue(m, v, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=4))  # the cancelled one frees it
        assert third.number == second.number + 1


def test_a_mission_is_completed_with_the_return_odometer(fes) -> None:
    with schema_context("fes"):
        m, g = manager(), garage()
        v = vehicle(m, odometer=3000)
        mission = _issue(m, v, TODAY, TODAY)
        with pytest.raises(exceptions.OdometerLower):
            services.mission_complete(actor=g, mission_id=mission.pk, end_odometer=2999)
        services.mission_complete(actor=g, mission_id=mission.pk, end_odometer=3400)
        mission.refresh_from_db()
        assert (mission.status, mission.end_odometer) == ("completed", 3400)
        with pytest.raises(exceptions.MissionClosed):
            services.mission_cancel(actor=m, mission_id=mission.pk, reason="x")


def test_no_mission_for_a_reformed_vehicle(fes) -> None:
    with schema_context("fes"):
        m = manager()
        v = vehicle(m)
        services.vehicle_state_change(actor=m, vehicle_id=v.pk, state="reformed", reason="Épave")
        with pytest.raises(exceptions.VehicleReformed):
            _issue(m, v, TODAY, TODAY)
