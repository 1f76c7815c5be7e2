"""The demo fleet: Fès, Meknès and Sefrou, with staff accounts whose passwords are printed."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django_tenants.utils import schema_context

from jamaa.platform.db import use_public_schema
from jamaa.tenants.models import Commune

from . import services


@dataclass(frozen=True)
class DemoCommune:
    slug: str
    name_fr: str
    name_ar: str
    region: str
    province: str


DEMO_COMMUNES = [
    DemoCommune("fes", "Fès", "فاس", "Fès-Meknès", "Fès"),
    DemoCommune("meknes", "Meknès", "مكناس", "Fès-Meknès", "Meknès"),
    DemoCommune("sefrou", "Sefrou", "صفرو", "Fès-Meknès", "Sefrou"),
]
DEMO_STAFF = [("agent", "Agent", "demo-agent-2026"), ("chef", "Chef de bureau", "demo-chef-2026")]
DEMO_OPERATOR = ("operator", "demo-operator-2026")


@dataclass(frozen=True)
class DemoAccount:
    where: str
    username: str
    password: str


def demo_fleet_ensure() -> list[DemoAccount]:
    """Create the demo communes and accounts that are missing; return every demo account."""
    from jamaa.modules import registry

    accounts: list[DemoAccount] = []
    modules = list(registry.available())
    for demo in DEMO_COMMUNES:
        use_public_schema()
        if not Commune.objects.filter(slug=demo.slug).exists():
            services.commune_create(
                slug=demo.slug,
                name_fr=demo.name_fr,
                name_ar=demo.name_ar,
                region=demo.region,
                province=demo.province,
                modules=modules,
                admin_email=f"admin@{demo.slug}.example",
            )
        with schema_context(demo.slug):
            for username, first_name, password in DEMO_STAFF:
                _ensure_user(username=username, first_name=first_name, password=password, staff=False)
                accounts.append(DemoAccount(demo.slug, username, password))
    use_public_schema()
    _ensure_user(username=DEMO_OPERATOR[0], first_name="Operator", password=DEMO_OPERATOR[1], staff=True)
    _ensure_operator_group(DEMO_OPERATOR[0])
    accounts.append(DemoAccount("console", *DEMO_OPERATOR))
    return accounts


def _ensure_operator_group(username: str) -> None:
    """Operators (not support staff) may change communes from the console."""
    from django.contrib.auth.models import Group

    from .selectors import OPERATORS_GROUP

    group, _ = Group.objects.get_or_create(name=OPERATORS_GROUP)
    group.user_set.add(get_user_model().objects.get(username=username))


def _ensure_user(*, username: str, first_name: str, password: str, staff: bool) -> None:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "is_staff": staff}
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
