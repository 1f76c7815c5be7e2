"""The demo data of RH and the concours seeds through the services, twice without duplicates."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from jamaa.modules.concours import demo as concours_demo
from jamaa.modules.concours import selectors as concours_selectors
from jamaa.modules.rh import demo, selectors

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_once(fes) -> None:
    with schema_context("fes"):
        for username, first_name, password in demo.STAFF + concours_demo.STAFF:
            get_user_model().objects.create_user(username=username, first_name=first_name, password=password)
        for _ in range(2):
            demo.seed()
            concours_demo.seed()
        hr = get_user_model().objects.get(username="rh_gestion")
        assert len(selectors.agent_list(viewer=hr)) == 4
        me = get_user_model().objects.get(username="rh_employe")
        assert selectors.agent_of_user(viewer=me) is not None
        cc = get_user_model().objects.get(username="cc_gestion")
        (k,) = concours_selectors.concours_list(viewer=cc)
        assert (k.status, k.applications) == ("open", 3)
