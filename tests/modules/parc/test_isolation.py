"""A vehicle of one commune is unreachable from another: the same 404 as a missing one."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .factories import manager, signed_in, vehicle

pytestmark = pytest.mark.django_db


def test_a_vehicle_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        v = vehicle(manager("parc_iso"))
    with schema_context("meknes"):
        other = manager("parc_iso")
    client = signed_in(meknes.host, other)
    response = client.get(f"/parc/api/vehicles/{v.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "PARC_VEHICLE_NOT_FOUND"
    assert client.get(f"/parc/vehicles/{v.pk}/").status_code == 404
