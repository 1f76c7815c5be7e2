"""The module's demo seeds its accounts' roles and three dossiers through the services, once."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from jamaa.modules.regie import services as regie
from jamaa.modules.urbanisme import demo, selectors

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once(fes) -> None:
    with schema_context("fes"):
        regie.reference_install_defaults()
        for username, first_name, password in demo.STAFF:
            get_user_model().objects.create_user(username=username, first_name=first_name, password=password)
        demo.seed()
        demo.seed()
        agent = get_user_model().objects.get(username="urb_agent")
        rows = selectors.dossier_list(viewer=agent)
        assert sorted(r.status for r in rows) == ["deposited", "incomplete", "instruction"]
        assert [r.reference for r in selectors.desk(viewer=agent)] == [
            r.reference for r in rows if r.status == "instruction"
        ]
