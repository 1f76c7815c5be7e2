"""The HR pages: recruit from the form (a duplicate CIN stays on the form), the staff list by service and grade,
an arrêté from the agent's page, leave asked by the agent on their own page and approved in the queue; no role →
403; a user without a file sees so on /rh/me/."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.rh.models import Agent, LeaveRequest

from ..factories import hr, recruit, signed_in, user_with

pytestmark = pytest.mark.django_db

FORM = {
    "cin": "PG1",
    "last_name_fr": "Tazi",
    "first_name_fr": "Youssef",
    "last_name_ar": "التازي",
    "first_name_ar": "يوسف",
    "birth_date": "1992-05-01",
    "service": "Voirie",
    "grade_code": "technicien-3",
    "echelon": "1",
    "recruited_on": "2026-02-02",
}


def test_recruit_list_issue_and_leave_from_the_pages(fes) -> None:
    with schema_context("fes"):
        actor = hr("rh_pg")
        me = user_with("youssef_pg")
    client = signed_in(fes.host, actor)
    assert client.get("/rh/agents/new/").status_code == 200
    saved = client.post("/rh/agents/new/", FORM)
    assert saved.status_code == 302
    again = client.post("/rh/agents/new/", FORM)
    assert again.status_code == 400 and "invalid-feedback" in again.content.decode()
    with schema_context("fes"):
        agent = Agent.objects.get(cin="PG1")
        assert Agent.objects.count() == 1
    page = client.get("/rh/", {"service": "Voirie"}).content.decode()
    assert "Youssef Tazi" in page and "Technicien de 3e grade" in page
    detail = client.get(f"/rh/agents/{agent.pk}/")
    assert detail.status_code == 200 and "22" in detail.content.decode()
    issued = client.post(
        f"/rh/agents/{agent.pk}/acts/", {"kind": "advancement", "effective_date": "2026-06-01", "echelon": "2"}
    )
    assert issued.status_code == 302
    refused = client.post(
        f"/rh/agents/{agent.pk}/acts/", {"kind": "advancement", "effective_date": "2026-07-01", "echelon": "9"}
    )
    assert refused.status_code == 400
    # the agent's account is linked: they ask for leave on their own page
    with schema_context("fes"):
        from jamaa.modules.rh import services

        services.agent_user_link(actor=actor, agent_id=agent.pk, user_id=me.pk)
    mine = signed_in(fes.host, me)
    assert "Youssef Tazi" in mine.get("/rh/me/").content.decode()
    asked = mine.post(f"/rh/agents/{agent.pk}/leave/", {"kind": "annual", "start": "2026-07-06", "end": "2026-07-10"})
    assert asked.status_code == 302
    with schema_context("fes"):
        leave = LeaveRequest.objects.get(agent=agent)
    assert "Youssef Tazi" in client.get("/rh/leave/").content.decode()
    assert client.post(f"/rh/leave/{leave.pk}/decide/", {"decision": "approve"}).status_code == 302
    with schema_context("fes"):
        assert LeaveRequest.objects.get(pk=leave.pk).status == "approved"
    assert 'class="remaining">17<' in mine.get("/rh/me/").content.decode()
    # the agent cannot open the HR pages: /rh/ leads them to their own file
    assert mine.get("/rh/leave/").status_code == 403
    assert mine.get("/rh/")["Location"] == "/rh/me/"
    with schema_context("fes"):
        from django.contrib.auth import get_user_model

        from jamaa.modules.rh.permissions import SELF_SERVICE

        assert get_user_model().objects.filter(pk=me.pk, groups__name=SELF_SERVICE).exists()


def test_no_role_is_forbidden_and_no_file_is_said(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("outsider_pg")
        made = recruit(hr("rh_pg2"), "PG2")
    client = signed_in(fes.host, outsider)
    assert client.get("/rh/").status_code == 302
    assert client.get(f"/rh/agents/{made.agent_id}/").status_code == 404
    assert 'id="no-file"' in client.get("/rh/me/").content.decode()
    for path in ("/rh/leave/", "/rh/acts/", "/rh/holidays/", "/rh/tables/"):
        assert client.get(path).status_code == 403


def test_the_hr_reference_pages_answer(fes) -> None:
    with schema_context("fes"):
        actor = hr("rh_pg3")
        recruit(actor, "PG3")
    client = signed_in(fes.host, actor)
    assert client.post("/rh/holidays/prepare/?year=2026").status_code == 302
    page = client.get("/rh/holidays/", {"year": "2026"}).content.decode()
    assert "Aïd al-Fitr" in page and "1447-10-01" in page
    assert client.get("/rh/tables/").status_code == 200
    assert client.get("/rh/acts/").status_code == 200
