"""The module's page: the agent records an entry through the form; a refusal stays on the form; no role → 403."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.concours import permissions
from jamaa.modules.concours.models import Entry

from ..factories import signed_in, user_with

pytestmark = pytest.mark.django_db


def test_the_agent_records_an_entry_from_the_page(fes) -> None:
    with schema_context("fes"):
        agent = user_with("agent_v1", permissions.AGENT)
    client = signed_in(fes.host, agent)
    assert client.get("/concours/").status_code == 200
    saved = client.post("/concours/", {"title": "From the page"})
    assert saved.status_code == 302
    assert "From the page" in client.get("/concours/").content.decode()


def test_no_role_gets_the_forbidden_page(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("outsider_v1")
    client = signed_in(fes.host, outsider)
    response = client.get("/concours/")
    assert response.status_code == 403 and 'data-status="403"' in response.content.decode()
    with schema_context("fes"):
        assert Entry.objects.count() == 0
