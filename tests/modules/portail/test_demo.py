"""The portal's demo seeds through the services, idempotently: its staff with their roles (the agent also a
delegated officer), the commune's services, a council decision and a news item."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from jamaa.modules.portail import selectors
from jamaa.provisioning.demo import demo_commune_seed, demo_staff

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once(fes) -> None:
    assert {"portal_agent", "portal_editor", "portal_elu"} <= {u for u, _n, _p in demo_staff()}
    demo_commune_seed("fes")
    demo_commune_seed("fes")
    with schema_context("fes"):
        agent = get_user_model().objects.get(username="portal_agent")
        assert {"portail_agent", "etatcivil_officer"} <= set(agent.groups.values_list("name", flat=True))
        assert agent.check_password("demo-portal_agent-2026")
        assert len(selectors.public_services()) == 3
        kinds = sorted(p.kind for p in selectors.publications())
        assert kinds == ["deliberation", "news"]
