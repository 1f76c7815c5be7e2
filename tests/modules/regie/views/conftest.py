"""The régie's page tests: Fès with the reference and its people (`ref`), cheap password hashing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, services
from jamaa.modules.regie.models import Tax

from ..factories import user_with


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """Hashing a password costs a second here (PBKDF2): these tests log in a lot and test no hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ref(fes) -> dict[str, Any]:
    """Fès with the default reference, an agent, a régisseur, someone outside the régie, a redevable with a
    TNB parcel and a café terrace."""
    with schema_context("fes"):
        regie = services.reference_install_defaults()
        agent = user_with("percepteur", permissions.AGENT)
        regisseur = user_with("regisseur", permissions.REGISSEUR)
        user_with("outsider")
        owner = services.redevable_create(
            actor=agent, name="Karim Bennani", cin="C123456", address="Fès, Route d'Imouzzer"
        )
        cafe = services.redevable_create(actor=agent, name="Café Atlas", rc="12345", ice="001234567000089")
        taxes = dict(Tax.objects.values_list("code", "pk"))
        parcel = services.asset_create(
            actor=agent,
            redevable_id=owner.pk,
            kind="parcel",
            reference="TF 1234/07",
            surface_m2=Decimal("500"),
            tax_id=taxes["TNB"],
        )
        terrace = services.asset_create(
            actor=agent,
            redevable_id=cafe.pk,
            kind="terrace",
            reference="AOT 17/2026",
            surface_m2=Decimal("24"),
            tax_id=taxes["ODP"],
        )
        return {
            "regie": regie.pk,
            "agent": agent,
            "regisseur": regisseur,
            "owner": owner.pk,
            "cafe": cafe.pk,
            "parcel": parcel.pk,
            "terrace": terrace.pk,
            "taxes": taxes,
        }
