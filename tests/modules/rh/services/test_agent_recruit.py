"""Recruitment opens the agent file with its arrêté (numbered 1, 2, … in the year), its first career step and the
year's balance of 22 days; a duplicate CIN, an unknown grade and a user without the role are refused, nothing
written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.rh import exceptions, selectors
from jamaa.modules.rh.models import Act, Agent, CareerEntry, LeaveBalance

from ..factories import hr, recruit, user_with

pytestmark = pytest.mark.django_db


def test_recruitment_opens_the_file_with_its_arrete_career_and_balance(fes) -> None:
    with schema_context("fes"):
        # given the HR service
        actor = hr()
        # when it recruits two agents
        first = recruit(actor, "AB1")
        second = recruit(actor, "AB2", grade_code="technicien-4", echelon=3)
        # then each has an arrêté numbered in the year's series, a career step and 22 days
        year = timezone.localdate().year
        assert (first.act_reference, second.act_reference) == (f"1/{year}", f"2/{year}")
        agent = Agent.objects.get(pk=second.agent_id)
        assert agent.cin == "AB2" and agent.matricule == 2
        entry = CareerEntry.objects.get(agent=agent)
        assert (entry.grade.code, entry.echelle, entry.echelon, entry.position) == ("technicien-4", 8, 3, "activite")
        assert entry.act_id == second.act_id and entry.effective_date == dt.date(2026, 1, 5)
        assert LeaveBalance.objects.get(agent=agent, year=2026).remaining == 22
        act = Act.objects.get(pk=second.act_id)
        assert act.kind == "recruitment" and "Technicien de 4e grade" in act.object_fr
        detail = selectors.agent_get(viewer=actor, agent_id=agent.pk)
        assert detail.agent.grade_code == "technicien-4" and [b.remaining for b in detail.balances][:1] == [22]


def test_a_duplicate_cin_is_refused(fes) -> None:
    with schema_context("fes"):
        actor = hr()
        recruit(actor, "cd777")
        with pytest.raises(exceptions.DuplicateCin):
            recruit(actor, "CD777", first_name_fr="Autre")
        assert Agent.objects.count() == 1 and Act.objects.count() == 1


def test_unknown_grade_and_no_role_are_refused(fes) -> None:
    with schema_context("fes"):
        with pytest.raises(exceptions.CareerInvalid):
            recruit(hr(), "X1", grade_code="nope")
        with pytest.raises(exceptions.NotAnAgent):
            recruit(user_with("nobody"), "X2")
        assert Agent.objects.count() == 0 and Act.objects.count() == 0
