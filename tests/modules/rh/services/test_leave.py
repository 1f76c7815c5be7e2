"""Leave: annual leave counts working days (weekends, fixed holidays and the religious ones of the year's table),
takes them from the year's balance at once and gives them back on refusal or cancellation; sick leave counts
calendar days within its ceiling; an agent asks for their own leave only; states move as LEAVE_TRANSITIONS."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.rh import exceptions, selectors, services
from jamaa.modules.rh.models import LeaveBalance, LeaveRequest, ReligiousHoliday

from ..factories import hr, recruit, user_with

pytestmark = pytest.mark.django_db


def test_working_days_skip_weekends_and_holidays_and_follow_the_confirmed_day(fes) -> None:
    with schema_context("fes"):
        # Aïd al-Fitr 1447 is expected on Friday 20 March 2026 (and Saturday 21)
        assert services.leave_working_days(start=dt.date(2026, 3, 16), end=dt.date(2026, 3, 27)) == 9
        # Aïd al-Adha on Wednesday 27 and Thursday 28 May 2026
        assert services.leave_working_days(start=dt.date(2026, 5, 25), end=dt.date(2026, 5, 29)) == 3
        # Labour day, Friday 1 May
        assert services.leave_working_days(start=dt.date(2026, 4, 27), end=dt.date(2026, 5, 1)) == 4
        # when the service confirms Aïd al-Fitr on Saturday 21 March (moon sighted a day later)
        fitr = ReligiousHoliday.objects.get(year=2026, key="fitr-1447")
        services.holiday_confirm(actor=hr(), holiday_id=fitr.pk, day=dt.date(2026, 3, 21))
        # then Friday 20 is a working day again
        assert services.leave_working_days(start=dt.date(2026, 3, 16), end=dt.date(2026, 3, 27)) == 10
        # and a confirmed holiday is confirmed once
        with pytest.raises(exceptions.HolidayConfirmed):
            services.holiday_confirm(actor=hr("rh2"), holiday_id=fitr.pk, day=dt.date(2026, 3, 22))


def test_annual_leave_takes_days_at_once_and_a_refusal_gives_them_back(fes) -> None:
    with schema_context("fes"):
        actor = hr()
        agent_id = recruit(actor, "LV1").agent_id
        # when 9 working days are asked (16–27 March 2026), then 5 more
        first = services.leave_request(
            actor=actor, agent_id=agent_id, kind="annual", start=dt.date(2026, 3, 16), end=dt.date(2026, 3, 27)
        )
        second = services.leave_request(
            actor=actor, agent_id=agent_id, kind="annual", start=dt.date(2026, 7, 6), end=dt.date(2026, 7, 10)
        )
        assert (first.days, second.days) == (9, 5)
        assert selectors.balance_get(viewer=actor, agent_id=agent_id, year=2026).remaining == 8
        # then more than what is left is refused, nothing written
        with pytest.raises(exceptions.BalanceExceeded) as refused:
            services.leave_request(
                actor=actor, agent_id=agent_id, kind="annual", start=dt.date(2026, 9, 7), end=dt.date(2026, 9, 18)
            )
        assert refused.value.extra == {"remaining": 8, "asked": 10}
        assert LeaveRequest.objects.filter(agent_id=agent_id).count() == 2
        # an overlap is refused
        with pytest.raises(exceptions.LeaveOverlap):
            services.leave_request(
                actor=actor, agent_id=agent_id, kind="annual", start=dt.date(2026, 7, 9), end=dt.date(2026, 7, 9)
            )
        # when the first is refused and the second approved
        services.leave_decide(actor=actor, leave_id=first.pk, approve=False, note="service")
        services.leave_decide(actor=actor, leave_id=second.pk, approve=True)
        # then the 9 days are back; a decided request is decided once
        assert LeaveBalance.objects.get(agent_id=agent_id, year=2026).remaining == 17
        with pytest.raises(exceptions.TransitionRefused):
            services.leave_decide(actor=actor, leave_id=first.pk, approve=True)
        assert LeaveRequest.objects.get(pk=first.pk).status == "refused"


def test_an_agent_asks_for_their_own_leave_and_cancels_it(fes) -> None:
    with schema_context("fes"):
        actor = hr()
        me = user_with("amina")
        mine = recruit(actor, "LV2", user_id=me.pk).agent_id
        other = recruit(actor, "LV3").agent_id
        leave = services.leave_request(
            actor=me, agent_id=mine, kind="annual", start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 8)
        )
        with pytest.raises(exceptions.AgentNotFound):
            services.leave_request(
                actor=me, agent_id=other, kind="annual", start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 8)
            )
        with pytest.raises(exceptions.NotAnAgent):
            services.leave_decide(actor=me, leave_id=leave.pk, approve=True)
        services.leave_cancel(actor=me, leave_id=leave.pk)
        assert LeaveRequest.objects.get(pk=leave.pk).status == "cancelled"
        assert LeaveBalance.objects.get(agent_id=mine, year=2026).remaining == 22


def test_sick_leave_counts_calendar_days_within_its_ceiling(fes) -> None:
    with schema_context("fes"):
        actor = hr()
        agent_id = recruit(actor, "LV4").agent_id
        # 150 days of short sick leave, then 31 more: past the 180 days over 12 months
        services.leave_request(
            actor=actor, agent_id=agent_id, kind="sick_short", start=dt.date(2026, 1, 1), end=dt.date(2026, 5, 30)
        )
        with pytest.raises(exceptions.SickLeaveCeiling) as refused:
            services.leave_request(
                actor=actor, agent_id=agent_id, kind="sick_short", start=dt.date(2026, 6, 1), end=dt.date(2026, 7, 1)
            )
        assert refused.value.extra == {"ceiling_days": 180, "used_days": 150, "asked": 31}
        # 30 days still fit; sick leave does not touch the annual balance
        ok = services.leave_request(
            actor=actor, agent_id=agent_id, kind="sick_short", start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30)
        )
        assert ok.days == 30
        assert selectors.balance_get(viewer=actor, agent_id=agent_id, year=2026).remaining == 22
