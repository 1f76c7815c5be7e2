"""The rules hold in SQL, whoever connects: arrêtés and career entries are append-only, an agent file is never
deleted and its CIN never changes, a balance never goes below zero, a leave request moves only along
LEAVE_TRANSITIONS (the trigger's list is compared with the model's)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.rh import services
from jamaa.modules.rh.models import LEAVE_TRANSITIONS, Act, LeaveBalance, LeaveRequest

from ..factories import hr, recruit

pytestmark = pytest.mark.django_db

REFUSED = (IntegrityError, InternalError)


def sql(statement: str, params: list[object]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_official_records_refuse_changes(fes) -> None:
    with schema_context("fes"):
        made = recruit(hr(), "SQL1")
        for statement, params in [
            ("UPDATE rh_act SET object_fr = 'autre' WHERE id = %s", [made.act_id]),
            ("DELETE FROM rh_act WHERE id = %s", [made.act_id]),
            ("UPDATE rh_careerentry SET echelon = 9 WHERE agent_id = %s", [made.agent_id]),
            ("DELETE FROM rh_agent WHERE id = %s", [made.agent_id]),
            ("UPDATE rh_agent SET cin = 'OTHER' WHERE id = %s", [made.agent_id]),
            ("UPDATE rh_leavebalance SET days_used = 23 WHERE agent_id = %s", [made.agent_id]),
            ("DELETE FROM rh_leavebalance WHERE agent_id = %s", [made.agent_id]),
        ]:
            with pytest.raises(REFUSED):
                sql(statement, params)
        assert Act.objects.get(pk=made.act_id).object_fr.startswith("Recrutement")
        assert LeaveBalance.objects.get(agent_id=made.agent_id).days_used == 0


def test_leave_states_move_only_along_the_transitions(fes) -> None:
    with schema_context("fes"):
        actor = hr()
        agent_id = recruit(actor, "SQL2").agent_id
        leave = services.leave_request(
            actor=actor, agent_id=agent_id, kind="annual", start=dt.date(2026, 2, 2), end=dt.date(2026, 2, 3)
        )
        services.leave_decide(actor=actor, leave_id=leave.pk, approve=False)
        for statement in [
            "UPDATE rh_leaverequest SET status = 'approved' WHERE id = %s",
            "UPDATE rh_leaverequest SET decision_note = 'x' WHERE id = %s",
            "UPDATE rh_leaverequest SET days = 1 WHERE id = %s",
            "DELETE FROM rh_leaverequest WHERE id = %s",
        ]:
            with pytest.raises(REFUSED):
                sql(statement, [leave.pk])
        assert LeaveRequest.objects.get(pk=leave.pk).status == "refused"


def test_the_trigger_allows_exactly_the_models_transitions() -> None:
    from jamaa.modules.rh.migrations import __path__ as folder

    text = open(f"{folder[0]}/0002_guards_reference.py", encoding="utf-8").read()
    block = text[text.index("CREATE FUNCTION rh_leaverequest_guard") : text.index("CREATE TRIGGER rh_leaverequest")]
    in_sql = set(re.findall(r"\('(\w+)', '(\w+)'\)", block))
    in_model = {(a, b) for a, targets in LEAVE_TRANSITIONS.items() for b in targets}
    assert in_sql == in_model
