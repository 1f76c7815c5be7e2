"""Users with the module's roles and the module's own data, made through its services (other modules' data
through their services too: the régie's reference)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from jamaa.modules.police import permissions, services
from jamaa.modules.police.models import Authorisation, Establishment, Request
from jamaa.modules.regie import services as regie_services

PASSWORD = "Pass-2026-word!"


def user_with(username: str, *groups: str, password: str | None = PASSWORD) -> Any:
    user = get_user_model().objects.create_user(username=username, password=password)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=user.pk)


def signed_in(host: str, user: Any) -> Client:
    """A client signed in on the commune's site, as the user would be (through the login page)."""
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def staff(prefix: str, *, password: str | None = PASSWORD) -> dict[str, Any]:
    """An agent, a decision maker and an inspector, and the régie's default reference (idempotent)."""
    regie_services.reference_install_defaults()
    return {
        "agent": user_with(f"{prefix}_agent", permissions.AGENT, password=password),
        "decider": user_with(f"{prefix}_decider", permissions.DECIDER, password=password),
        "inspector": user_with(f"{prefix}_inspector", permissions.INSPECTOR, password=password),
    }


def cafe(agent: Any, *, name: str = "Café Atlas", cin: str = "C123456", activity: str = "cafe") -> Establishment:
    return services.establishment_create(
        actor=agent,
        data=services.EstablishmentInput(
            name=name,
            activity_code=activity,
            address="Place R'cif, Fès",
            owner_kind="person",
            owner_name="Mohamed Bennani",
            owner_cin=cin,
            owner_email="bennani@example.ma",
        ),
    )


def terrace_request(agent: Any, establishment: Establishment, *, surface: str = "24") -> Request:
    today = timezone.localdate()
    return services.request_submit(
        actor=agent,
        data=services.RequestInput(
            kind="occupation",
            establishment_id=establishment.pk,
            occupation_type="terrace",
            surface_m2=Decimal(surface),
            period_start=today,
            period_end=today + dt.timedelta(days=364),
        ),
    )


def granted_terrace(
    people: dict[str, Any], *, cin: str = "C123456", surface: str = "24", valid_until: dt.date | None = None
) -> Authorisation:
    """A café's terrace through the commission to its grant (valid a year, unless told)."""
    request = terrace_request(people["agent"], cafe(people["agent"], cin=cin), surface=surface)
    services.request_to_commission(actor=people["agent"], request_id=request.pk)
    services.avis_record(
        actor=people["agent"],
        request_id=request.pk,
        member_name="Service technique",
        member_service="Voirie",
        opinion="favourable",
    )
    today = timezone.localdate()
    return services.request_grant(
        actor=people["decider"],
        request_id=request.pk,
        data=services.GrantInput(valid_from=today, valid_until=valid_until or today + dt.timedelta(days=364)),
    )
