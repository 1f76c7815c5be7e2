"""An agent file and an arrêté of one commune are unreachable from another: the same 404 as a missing one."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .factories import hr, recruit, signed_in

pytestmark = pytest.mark.django_db


def test_an_agent_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        made = recruit(hr("rh_i1"), "ISO1")
    with schema_context("meknes"):
        other = hr("rh_i1")
    client = signed_in(meknes.host, other)
    response = client.get(f"/rh/api/agents/{made.agent_id}/")
    assert response.status_code == 404 and response.json()["code"] == "RH_AGENT_NOT_FOUND"
    assert client.get(f"/rh/acts/{made.act_id}/arrete.pdf").status_code == 404
    assert client.get("/verify/rh.arrete/NOPE/").status_code == 404
