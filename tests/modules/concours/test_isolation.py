"""A concours of one commune is unreachable from another: the same 404 as a missing one."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .factories import announced, manager, signed_in

pytestmark = pytest.mark.django_db


def test_a_concours_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        k = announced(manager("cc_i1"))
    with schema_context("meknes"):
        other = manager("cc_i1")
    client = signed_in(meknes.host, other)
    response = client.get(f"/concours/api/concours/{k.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "CONCOURS_NOT_FOUND"
    assert client.get(f"/concours/{k.pk}/").status_code == 404
    assert client.get(f"/concours/{k.pk}/resultats/").status_code == 404
