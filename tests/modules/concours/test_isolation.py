"""An entry of one commune is unreachable from another: the same 404 as a missing one."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.concours import permissions, services

from .factories import signed_in, user_with

pytestmark = pytest.mark.django_db


def test_an_entry_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        entry = services.entry_create(actor=user_with("agent_i1", permissions.AGENT), title="Fès only")
    with schema_context("meknes"):
        other = user_with("agent_i1", permissions.AGENT)
    client = signed_in(meknes.host, other)
    response = client.get(f"/concours/api/entries/{entry.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "CONCOURS_ENTRY_NOT_FOUND"
