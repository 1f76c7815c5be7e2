"""The police administrative's demo (picked up by provisioning/demo.py): three accounts and, once, a café with
its terrace granted (its first ordre in the régie), a restaurant whose commodo-incommodo inquiry is open, and a
bakery waiting for the technical commission. Through the module's services; idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from . import permissions, services
from .models import Establishment

STAFF = [
    ("pol_agent", "Agent police administrative", "demo-pol_agent-2026"),
    ("pol_decider", "Délégataire du président", "demo-pol_decider-2026"),
    ("pol_inspector", "Contrôleur", "demo-pol_inspector-2026"),
]


def seed() -> None:
    """Roles for the demo accounts, then the demo files unless the commune already has establishments."""
    users = get_user_model().objects
    for (username, _first, _password), role in zip(
        STAFF, (permissions.AGENT, permissions.DECIDER, permissions.INSPECTOR), strict=True
    ):
        Group.objects.get_or_create(name=role)[0].user_set.add(users.get(username=username))
    if Establishment.objects.exists():
        return
    agent, decider = users.get(username="pol_agent"), users.get(username="pol_decider")
    today = timezone.localdate()

    def establishment(name: str, activity: str, cin: str, owner: str, address: str) -> Establishment:
        return services.establishment_create(
            actor=agent,
            data=services.EstablishmentInput(
                name=name, activity_code=activity, address=address, owner_kind="person", owner_name=owner, owner_cin=cin
            ),
        )

    cafe = establishment("Café Atlas", "cafe", "CD100200", "Mohamed Bennani", "Place R'cif")
    terrace = services.request_submit(
        actor=agent,
        data=services.RequestInput(
            kind="occupation",
            establishment_id=cafe.pk,
            occupation_type="terrace",
            surface_m2=Decimal("24"),
            period_start=today,
            period_end=today + dt.timedelta(days=364),
        ),
    )
    services.request_to_commission(actor=agent, request_id=terrace.pk)
    services.avis_record(
        actor=agent,
        request_id=terrace.pk,
        member_name="Service technique",
        member_service="Voirie",
        opinion="favourable",
    )
    services.request_grant(
        actor=decider,
        request_id=terrace.pk,
        data=services.GrantInput(
            valid_from=today, valid_until=today + dt.timedelta(days=364), conditions="Passage piéton de 1,5 m"
        ),
    )
    restaurant = establishment("Restaurant Zitouna", "restaurant", "CD100300", "Fatima Alaoui", "Rue Talaa Kebira")
    economic = services.request_submit(
        actor=agent,
        data=services.RequestInput(
            kind="economic", establishment_id=restaurant.pk, period_start=today, period_end=today
        ),
    )
    services.inquiry_open(actor=agent, request_id=economic.pk, opened_on=today, closes_on=today + dt.timedelta(days=15))
    bakery = establishment("Boulangerie Al Amal", "boulangerie", "CD100400", "Youssef Tazi", "Bab Ftouh")
    trade = services.request_submit(
        actor=agent,
        data=services.RequestInput(kind="trade", establishment_id=bakery.pk, period_start=today, period_end=today),
    )
    services.request_to_commission(actor=agent, request_id=trade.pk)
