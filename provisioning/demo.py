"""The demo fleet: Fès, Meknès and Sefrou, with staff accounts whose passwords are printed.

In each commune the civil registry is ready to use: a "Bureau central", `agent` drafts acts, `chef` is chef de
bureau and officer delegated for that bureau. Idempotent: `make demo` runs it on every start."""

from __future__ import annotations

import datetime as dt
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
            _ensure_civil_registry()
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


DEMO_BUREAU = ("BC", "Bureau central", "مكتب الحالة المدنية المركزي")
DEMO_ARRETE = ("1/2026", dt.date(2026, 1, 1))


def _ensure_civil_registry() -> None:
    """In the current commune: the demo bureau, `agent` an agent, `chef` chef de bureau and officer delegated
    for the bureau. Through the module's services (as `chef`, once chief); only what is missing."""
    from django.contrib.auth.models import Group

    from jamaa.modules.etatcivil import permissions, services
    from jamaa.modules.etatcivil.models import Bureau, OfficerDelegation

    user_model = get_user_model()
    agent = user_model.objects.get(username="agent")
    chef = user_model.objects.get(username="chef")
    for user, role in ((agent, permissions.AGENT), (chef, permissions.CHIEF)):
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    chef = user_model.objects.get(pk=chef.pk)  # fresh: permissions cache the groups on the instance
    code, name_fr, name_ar = DEMO_BUREAU
    bureau = Bureau.objects.filter(code=code).first()
    if bureau is None:
        bureau = services.bureau_create(actor=chef, code=code, name_ar=name_ar, name_fr=name_fr)
    number, date = DEMO_ARRETE
    if not OfficerDelegation.objects.filter(user=chef, bureau=bureau, arrete_number=number).exists():
        services.delegation_grant(
            actor=chef, user_id=chef.pk, bureau_id=bureau.pk, arrete_number=number, arrete_date=date, valid_from=date
        )
    else:  # delegation_grant puts the officer in the officers' group; keep it so on every run
        Group.objects.get_or_create(name=permissions.OFFICER)[0].user_set.add(chef)
