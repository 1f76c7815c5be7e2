"""Users with the parc's roles and its objects, made through the services (factories for this module only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from jamaa.modules.parc import permissions, services
from jamaa.modules.parc.models import Service, Vehicle, VoucherBook

PASSWORD = "Pass-2026-word!"


def user_with(username: str, *groups: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=user.pk)


def manager(username: str = "parc_mgr") -> Any:
    return user_with(username, permissions.MANAGER)


def garage(username: str = "parc_gar") -> Any:
    return user_with(username, permissions.GARAGE)


def signed_in(host: str, user: Any) -> Client:
    """A client signed in on the commune's site, as the user would be (through the login page)."""
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def service(actor: Any, name: str = "Voirie", name_ar: str = "الطرق") -> Service:
    return services.service_create(actor=actor, name_fr=name, name_ar=name_ar)


def vehicle(
    actor: Any,
    plate: str = "12345-A-6",
    *,
    svc: Service | None = None,
    kind: str = "car",
    tank: int | None = 50,
    odometer: int | None = None,
) -> Vehicle:
    svc = svc or service(actor, name=f"Service {plate}")
    return services.vehicle_create(
        actor=actor,
        data=services.VehicleInput(
            plate=plate, kind=kind, service_id=svc.pk, brand="Dacia", model="Logan", tank_litres=tank, odometer=odometer
        ),
    )


def book(actor: Any, v: Vehicle, count: int = 5, face: str = "200", day: dt.date | None = None) -> VoucherBook:
    return services.book_issue(actor=actor, vehicle_id=v.pk, count=count, face_value=Decimal(face), issued_on=day)


def fill(
    actor: Any,
    voucher_id: int,
    v: Vehicle,
    *,
    km: int,
    litres: str | None,
    full: bool = True,
    day: dt.date,
    station: str = "Afriquia Fès",
) -> Any:
    return services.voucher_use(
        actor=actor,
        data=services.FillInput(
            voucher_id=voucher_id,
            vehicle_id=v.pk,
            used_on=day,
            station=station,
            odometer=km,
            litres=Decimal(litres) if litres is not None else None,
            full_tank=full,
        ),
    )
