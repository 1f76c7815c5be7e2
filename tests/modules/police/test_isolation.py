"""A request, an authorisation and a PV of one commune are unreachable from another: the same 404 as a missing
one (pages and API)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.police import permissions

from .factories import granted_terrace, signed_in, staff, user_with

pytestmark = pytest.mark.django_db


def test_a_fes_authorisation_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        authorisation = granted_terrace(staff("iso"))
    with schema_context("meknes"):
        other = user_with("iso_m", *permissions.ROLES)
    client = signed_in(meknes.host, other)
    response = client.get(f"/police/api/authorisations/{authorisation.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "POLICE_AUTHORISATION_NOT_FOUND"
    assert client.get(f"/police/api/requests/{authorisation.request_id}/").status_code == 404
    assert client.get(f"/police/authorisations/{authorisation.pk}/").status_code == 404
    assert client.get(f"/police/authorisations/{authorisation.pk}/pdf/").status_code == 404
