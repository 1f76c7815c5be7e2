"""A letter of one commune is unreachable from another: the same 404 as a missing one."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from .factories import clerk, incoming, signed_in

pytestmark = pytest.mark.django_db


def test_a_letter_of_fes_is_404_in_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        mail = incoming(clerk("clerk_i1"))
    with schema_context("meknes"):
        other = clerk("clerk_i1")
    client = signed_in(meknes.host, other)
    response = client.get(f"/courrier/api/mails/{mail.pk}/")
    assert response.status_code == 404 and response.json()["code"] == "COURRIER_MAIL_NOT_FOUND"
