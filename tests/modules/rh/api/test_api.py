"""The HR API: recruit, read, issue an act, ask for leave and decide; refusals in the {code, message, extra} shape;
the list endpoint's queries do not grow with the agents."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.rh.models import Agent

from ..factories import hr, recruit, signed_in, user_with

pytestmark = pytest.mark.django_db

BODY = {
    "cin": "API1",
    "first_name_fr": "Karim",
    "last_name_fr": "Fassi",
    "first_name_ar": "كريم",
    "last_name_ar": "الفاسي",
    "birth_date": "1988-03-03",
    "grade_code": "redacteur",
    "recruited_on": "2026-03-02",
}


def test_recruit_issue_and_leave_through_the_api(fes) -> None:
    with schema_context("fes"):
        actor = hr("rh_api")
    client = signed_in(fes.host, actor)
    made = client.post("/rh/api/agents/new/", BODY, content_type="application/json")
    assert made.status_code == 201, made.content
    agent_id = made.json()["agent_id"]
    dup = client.post("/rh/api/agents/new/", BODY, content_type="application/json")
    assert dup.status_code == 409 and dup.json()["code"] == "RH_DUPLICATE_CIN"
    detail = client.get(f"/rh/api/agents/{agent_id}/").json()
    assert detail["agent"]["grade_code"] == "redacteur" and detail["agent"]["echelle"] == 8
    act = client.post(
        f"/rh/api/agents/{agent_id}/acts/",
        {"kind": "position", "effective_date": "2026-09-01", "position": "detachement"},
        content_type="application/json",
    )
    assert act.status_code == 201 and act.json()["position"] == "detachement"
    leave = client.post(
        f"/rh/api/agents/{agent_id}/leave/",
        {"kind": "annual", "start": "2026-08-03", "end": "2026-08-07"},
        content_type="application/json",
    )
    assert leave.status_code == 201 and leave.json()["days"] == 5
    too_much = client.post(
        f"/rh/api/agents/{agent_id}/leave/",
        {"kind": "annual", "start": "2026-10-05", "end": "2026-11-30"},
        content_type="application/json",
    )
    assert too_much.status_code == 409 and too_much.json()["code"] == "RH_BALANCE_EXCEEDED"
    decided = client.post(
        f"/rh/api/leave/{leave.json()['id']}/decide/", {"approve": True}, content_type="application/json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert client.get(f"/rh/api/agents/{agent_id}/balance/", {"year": 2026}).json()["remaining"] == 17
    assert client.get("/rh/api/acts/").status_code == 200
    assert len(client.get("/rh/api/holidays/", {"year": 2027}).json()) == 15
    assert client.get("/rh/api/headcount/").status_code == 200


def test_the_list_does_not_grow_its_queries(fes, django_assert_max_num_queries) -> None:
    with schema_context("fes"):
        actor = hr("rh_api2")
        for i in range(6):
            recruit(actor, f"Q{i}")
    client = signed_in(fes.host, actor)
    client.get("/rh/api/agents/")
    with django_assert_max_num_queries(12):
        rows = client.get("/rh/api/agents/").json()
    assert len(rows) == 6


def test_no_role_is_refused(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("out_api")
    client = signed_in(fes.host, outsider)
    assert client.post("/rh/api/agents/new/", BODY, content_type="application/json").status_code == 403
    with schema_context("fes"):
        assert Agent.objects.count() == 0
