"""The entries API: 201 with the entry, the list, 400 and 403 in the {code, message, extra} shape."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.concours import permissions
from jamaa.modules.concours.models import Entry

from ..factories import signed_in, user_with

pytestmark = pytest.mark.django_db


def test_create_then_list(fes) -> None:
    with schema_context("fes"):
        agent = user_with("agent_a1", permissions.AGENT)
    api = signed_in(fes.host, agent)
    created = api.post("/concours/api/entries/new/", {"title": "From the API"}, content_type="application/json")
    assert created.status_code == 201
    assert created.json() == {"id": created.json()["id"], "title": "From the API", "created_by": "agent_a1"}
    listed = api.get("/concours/api/entries/")
    assert listed.status_code == 200 and [e["title"] for e in listed.json()] == ["From the API"]


def test_bad_input_and_no_role(fes) -> None:
    with schema_context("fes"):
        agent = user_with("agent_a2", permissions.AGENT)
        outsider = user_with("outsider_a2")
    bad = signed_in(fes.host, agent).post("/concours/api/entries/new/", {}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID" and "title" in bad.json()["extra"]["fields"]
    refused = signed_in(fes.host, outsider).post(
        "/concours/api/entries/new/", {"title": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
    with schema_context("fes"):
        assert Entry.objects.count() == 0
