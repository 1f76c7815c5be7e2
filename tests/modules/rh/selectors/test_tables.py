"""The yearly rating drives the advancement table (months in the échelon: 12 with ≥ 16, 18 with ≥ 10, else 24); the
staff list groups by service and grade; the headcount projection counts agents in activity per échelle and échelon
with the grid's pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.rh import exceptions, selectors, services

from ..factories import hr, recruit

pytestmark = pytest.mark.django_db


def test_rating_advancement_staff_list_and_headcount(fes) -> None:
    with schema_context("fes"):
        actor = hr()
        fast = recruit(actor, "T1", recruited_on=dt.date(2025, 1, 6), first_name_fr="Rapide").agent_id
        slow = recruit(actor, "T2", recruited_on=dt.date(2025, 1, 6), first_name_fr="Lent").agent_id
        away = recruit(actor, "T3", recruited_on=dt.date(2024, 1, 8), service="Voirie").agent_id
        services.rating_record(actor=actor, agent_id=fast, year=2025, score=Decimal("17"))
        services.rating_record(actor=actor, agent_id=slow, year=2025, score=Decimal("9.5"))
        with pytest.raises(exceptions.RatingInvalid):
            services.rating_record(actor=actor, agent_id=fast, year=2025, score=Decimal("12"))
        services.act_issue(
            actor=actor,
            data=services.ActInput(
                agent_id=away, kind="position", effective_date=dt.date(2025, 6, 1), position="detachement"
            ),
        )
        # on 1 March 2026: the fast one is due (12 months from 6 January 2025), the slow one not yet (24 months),
        # the seconded one is not in activity
        due = selectors.advancement_table(viewer=actor, on=dt.date(2026, 3, 1))
        assert [(r.agent_id, r.months_required, r.due_on) for r in due] == [(fast, 12, dt.date(2026, 1, 6))]
        later = selectors.advancement_table(viewer=actor, on=dt.date(2027, 1, 6))
        assert {r.agent_id: r.months_required for r in later} == {fast: 12, slow: 24}
        # the staff list: by service, then grade
        rows = selectors.agent_list(viewer=actor)
        assert [r.service for r in rows] == ["Urbanisme", "Urbanisme", "Voirie"]
        assert selectors.agent_list(viewer=actor, service="Voirie")[0].position == "detachement"
        # headcount: two agents in activity at échelle 10, échelon 1
        (line,) = selectors.headcount_projection(viewer=actor)
        assert (line.echelle, line.echelon, line.headcount) == (10, 1, 2)
        assert line.yearly_mass_dh == line.monthly_gross_dh * 2 * 12 and line.monthly_gross_dh > 0
