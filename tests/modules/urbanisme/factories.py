"""Test data for the urbanisme module: users with its roles, and dossiers deposited through its services (the
régie's and courrier's data only through their services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from jamaa.modules.urbanisme import permissions, services

PASSWORD = "Pass-2026-word!"
ALL_PIECES = ("demande", "propriete", "situation", "topo", "archi", "contrat")


def user_with(username: str, *groups: str, password: str | None = PASSWORD) -> Any:
    user = get_user_model().objects.create_user(username=username, password=password)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=user.pk)


def agent(username: str = "urb_t_agent") -> Any:
    return user_with(username, permissions.AGENT)


def signatory(username: str = "urb_t_sign") -> Any:
    return user_with(username, permissions.SIGNATORY)


def signed_in(host: str, user: Any) -> Client:
    """A client signed in on the commune's site, as the user would be (through the login page)."""
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def dossier_input(**overrides: Any) -> services.DossierInput:
    values: dict[str, Any] = {
        "kind": "construire",
        "subject": "Maison R+1",
        "petitioner_kind": "person",
        "petitioner_name": "Fatima Zahra Alaoui",
        "petitioner_cin": "CD123456",
        "architect_name": "Cabinet Idrissi",
        "built_area_m2": Decimal("180"),
        "floors": 2,
        "housing_units": 1,
        "parcels": (
            services.ParcelInput(
                title_number="12345/07",
                latitude=Decimal("34.0331"),
                longitude=Decimal("-5.0003"),
                area_m2=Decimal("200"),
                address="Lot 12, Fès",
            ),
        ),
        "pieces": ALL_PIECES,
    }
    values.update(overrides)
    return services.DossierInput(**values)


def deposit(actor: Any, **overrides: Any) -> Any:
    return services.dossier_deposit(actor=actor, data=dossier_input(**overrides))
