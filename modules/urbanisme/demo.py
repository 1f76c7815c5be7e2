"""The urbanisme module's demo (run by provisioning's demo_commune_seed in each demo commune, idempotent):
`urb_agent` (desk and instructor) and `urb_president` (signs the arrêtés), and three dossiers through the
services: a building permit under instruction, one incomplete (a piece missing), a renovation deposited."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import permissions, selectors, services

STAFF = [
    ("urb_agent", "Instructeur urbanisme", "demo-urb_agent-2026"),
    ("urb_president", "Président (arrêtés d'urbanisme)", "demo-urb_president-2026"),
]


def _parcel(title: str, lat: str, lon: str, area: str) -> services.ParcelInput:
    return services.ParcelInput(
        title_number=title, latitude=Decimal(lat), longitude=Decimal(lon), area_m2=Decimal(area), address=""
    )


def seed() -> None:
    users = get_user_model().objects
    agent = users.get(username="urb_agent")
    president = users.get(username="urb_president")
    agent.groups.add(Group.objects.get_or_create(name=permissions.AGENT)[0])
    president.groups.add(Group.objects.get_or_create(name=permissions.SIGNATORY)[0])
    agent = users.get(pk=agent.pk)  # fresh: the roles are cached on the instance
    if selectors.dossier_list(viewer=agent, limit=1):
        return
    first = services.dossier_deposit(
        actor=agent,
        data=services.DossierInput(
            kind="construire",
            subject="Maison individuelle R+1",
            petitioner_kind="person",
            petitioner_name="Fatima Zahra Alaoui",
            petitioner_cin="CD123456",
            architect_name="Cabinet Idrissi",
            built_area_m2=Decimal("180"),
            floors=2,
            housing_units=1,
            parcels=(_parcel("12345/07", "34.0331", "-5.0003", "200"),),
            pieces=("demande", "propriete", "situation", "topo", "archi", "contrat"),
        ),
    )
    services.dossier_instruct(actor=agent, dossier_id=first.pk)
    services.dossier_deposit(
        actor=agent,
        data=services.DossierInput(
            kind="construire",
            subject="Immeuble R+3 avec commerces",
            petitioner_kind="company",
            petitioner_name="Atlas Immobilier SARL",
            petitioner_ice="001234567000089",
            petitioner_rc="12345",
            use="mixed",
            built_area_m2=Decimal("840"),
            floors=4,
            housing_units=6,
            parcels=(_parcel("6789/07", "34.0412", "-4.9987", "350"),),
            pieces=("demande", "propriete", "situation", "topo", "archi"),
        ),
    )
    services.dossier_deposit(
        actor=agent,
        data=services.DossierInput(
            kind="refection",
            subject="Réfection de façade",
            petitioner_kind="person",
            petitioner_name="محمد بناني",
            petitioner_cin="C123456",
            parcels=(_parcel("2222/07", "34.0605", "-4.9731", "90"),),
            pieces=("demande", "propriete", "travaux", "photos"),
        ),
    )
