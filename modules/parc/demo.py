"""The parc's demo, run by provisioning's demo in each demo commune (idempotent, through the services):
`parc_chef` manages the fleet, `parc_garage` records fills and readings at the garage. Two services, three
vehicles (one with insurance lapsing soon), a driver assigned, a book of vouchers with two full fills, a mission
order."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from . import permissions, selectors, services

STAFF = [
    ("parc_chef", "Gestionnaire du parc", "demo-parc_chef-2026"),
    ("parc_garage", "Agent du garage", "demo-parc_garage-2026"),
]

VEHICLES = [
    ("12345-J-1", "car", "Dacia", "Logan", 50, 42_000, "Administration", "الإدارة"),
    ("23456-J-1", "utility", "Renault", "Kangoo", 60, 87_500, "Voirie", "الطرق"),
    ("34567-J-1", "truck", "Mercedes", "Benne", 200, 153_000, "Voirie", "الطرق"),
]


def seed() -> None:
    """What is missing of the demo: accounts' roles, services, vehicles, a driver, a book, fills, a mission."""
    users = get_user_model().objects
    for username, role in (("parc_chef", permissions.MANAGER), ("parc_garage", permissions.GARAGE)):
        Group.objects.get_or_create(name=role)[0].user_set.add(users.get(username=username))
    chef, garage = users.get(username="parc_chef"), users.get(username="parc_garage")
    if selectors.vehicle_list(viewer=chef):
        return
    today = timezone.localdate()
    made: dict[str, int] = {}
    for name_fr, name_ar in {(v[6], v[7]) for v in VEHICLES}:
        made[name_fr] = services.service_create(actor=chef, name_fr=name_fr, name_ar=name_ar).pk
    vehicles = []
    for plate, kind, brand, model, tank, km, service, _ar in VEHICLES:
        vehicles.append(
            services.vehicle_create(
                actor=chef,
                data=services.VehicleInput(
                    plate=plate,
                    kind=kind,
                    service_id=made[service],
                    brand=brand,
                    model=model,
                    tank_litres=tank,
                    odometer=km,
                ),
            )
        )
    car = vehicles[0]
    driver = services.driver_create(actor=chef, name="Hassan Tazi", name_ar="حسن التازي", licence="B-123456")
    services.assignment_start(
        actor=chef, vehicle_id=car.pk, driver_id=driver.pk, start_on=today - dt.timedelta(days=60)
    )
    services.document_add(
        actor=chef,
        vehicle_id=car.pk,
        kind="insurance",
        reference="POL-2026-0042",
        issuer="Wafa Assurance",
        valid_from=today - dt.timedelta(days=345),
        valid_until=today + dt.timedelta(days=20),
    )
    book = services.book_issue(actor=chef, vehicle_id=car.pk, count=10, face_value=Decimal("300"), supplier="Afriquia")
    first, second = book.vouchers.order_by("number")[:2]
    for voucher, km, litres in ((first, 42_100, "35"), (second, 42_600, "33")):
        services.voucher_use(
            actor=garage,
            data=services.FillInput(
                voucher_id=voucher.pk,
                vehicle_id=car.pk,
                used_on=today,
                station="Afriquia centre",
                odometer=km,
                litres=Decimal(litres),
                full_tank=True,
            ),
        )
    services.mission_issue(
        actor=chef,
        data=services.MissionInput(
            agent_name="Hassan Tazi",
            agent_function="Chauffeur",
            vehicle_id=car.pk,
            driver_id=driver.pk,
            destination="Rabat",
            purpose="Dépôt de dossiers au ministère",
            depart_on=today + dt.timedelta(days=1),
            return_on=today + dt.timedelta(days=1),
        ),
    )
