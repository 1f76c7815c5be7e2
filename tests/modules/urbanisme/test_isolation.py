"""A dossier of one commune is unreachable from another: the same 404 as a missing one, page and API."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .factories import agent, deposit, signed_in

pytestmark = pytest.mark.django_db


def test_a_dossier_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        d = deposit(agent("urb_i1"))
    with schema_context("meknes"):
        other = agent("urb_i1")
    client = signed_in(meknes.host, other)
    response = client.get(f"/urbanisme/api/dossiers/{d.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "URBANISME_DOSSIER_NOT_FOUND"
    assert client.get(f"/urbanisme/{d.pk}/").status_code == 404
