"""The demo fleet: Fès, Meknès and Sefrou, with staff accounts whose passwords are printed.

In each commune the civil registry is ready to use: a "Bureau central", `agent` drafts acts, `chef` is chef de
bureau and officer delegated for that bureau. The régie too: its default reference (budget lines, taxes, tariffs),
`percepteur` collects at the counter, `regisseur` approves cancellations and closes the day, and a few redevables
with their biens (a TNB parcel, café terraces). The bureau d'ordre: `bureau` registers and routes letters to the
"Service technique", whose member `technique` answers them. Idempotent: `make demo` runs it on every start."""

from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass
from types import ModuleType

from django.contrib.auth import get_user_model
from django.utils import timezone
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
    region_ar: str = ""
    province_ar: str = ""


DEMO_COMMUNES = [
    DemoCommune("fes", "Fès", "فاس", "Fès-Meknès", "Fès", "فاس مكناس", "فاس"),
    DemoCommune("meknes", "Meknès", "مكناس", "Fès-Meknès", "Meknès", "فاس مكناس", "مكناس"),
    DemoCommune("sefrou", "Sefrou", "صفرو", "Fès-Meknès", "Sefrou", "فاس مكناس", "صفرو"),
]
DEMO_STAFF = [
    ("agent", "Agent", "demo-agent-2026"),
    ("chef", "Chef de bureau", "demo-chef-2026"),
    ("percepteur", "Percepteur", "demo-percepteur-2026"),
    ("regisseur", "Régisseur", "demo-regisseur-2026"),
    ("bureau", "Bureau d'ordre", "demo-bureau-2026"),
    ("technique", "Service technique", "demo-technique-2026"),
]
DEMO_OPERATOR = ("operator", "demo-operator-2026")


def _module_demos() -> list[ModuleType]:
    """Each module's own demo (`jamaa.modules.<name>.demo`, when it has one), in catalogue order. A module's demo
    declares `STAFF` (username, first name, password), created like DEMO_STAFF, and `seed()`, run in the commune's
    schema after every account exists: a new module brings its demo without editing this file."""
    from jamaa.modules import registry

    demos = []
    for info in registry.available().values():
        try:
            demos.append(importlib.import_module(f"{info.app}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{info.app}.demo":
                raise
    return demos


def demo_staff() -> list[tuple[str, str, str]]:
    """Every demo staff account of a commune: the platform's (DEMO_STAFF) then each module demo's STAFF."""
    staff = list(DEMO_STAFF)
    for demo in _module_demos():
        staff.extend(account for account in getattr(demo, "STAFF", ()) if account[0] not in {s[0] for s in staff})
    return staff


@dataclass(frozen=True)
class DemoAccount:
    where: str
    username: str
    password: str
    totp_key: str = ""  # the console asks for a second factor: this key in an authenticator app gives the codes


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
                region_ar=demo.region_ar,
                province_ar=demo.province_ar,
                modules=modules,
                admin_email=f"admin@{demo.slug}.example",
            )
        else:
            _ensure_modules(slug=demo.slug, modules=modules)
        demo_commune_seed(demo.slug)
        accounts.extend(DemoAccount(demo.slug, username, password) for username, _first, password in demo_staff())
    use_public_schema()
    _ensure_user(username=DEMO_OPERATOR[0], first_name="Operator", password=DEMO_OPERATOR[1], staff=True)
    _ensure_operator_group(DEMO_OPERATOR[0])
    accounts.append(DemoAccount("console", *DEMO_OPERATOR, totp_key=_ensure_operator_totp(DEMO_OPERATOR[0])))
    return accounts


def demo_commune_seed(slug: str) -> None:
    """The demo staff accounts and every module's demo data in one commune (idempotent). The browser test that
    walks every page on a phone seeds its own commune with it."""
    with schema_context(slug):
        for username, first_name, password in demo_staff():
            _ensure_user(username=username, first_name=first_name, password=password, staff=False)
        _ensure_civil_registry()
        _ensure_regie()
        _ensure_courrier()
        for demo in _module_demos():
            if hasattr(demo, "seed"):
                demo.seed()


def _ensure_modules(*, slug: str, modules: list[str]) -> None:
    """A demo commune made before a module shipped gets it too (e.g. the régie)."""
    commune = Commune.objects.get(slug=slug)
    missing = [m for m in modules if m not in commune.enabled_modules]
    if missing:
        commune.enabled_modules = sorted({*commune.enabled_modules, *missing})
        commune.save(update_fields=["enabled_modules"])


def _ensure_operator_group(username: str) -> None:
    """Operators (not support staff) may change communes from the console."""
    from django.contrib.auth.models import Group

    from .selectors import OPERATORS_GROUP

    group, _ = Group.objects.get_or_create(name=OPERATORS_GROUP)
    group.user_set.add(get_user_model().objects.get(username=username))


def _ensure_operator_totp(username: str) -> str:
    """The demo operator's authenticator (the console requires one): enrolled once, its key printed each time."""
    from jamaa.platform.core import twofactor

    user = get_user_model().objects.get(username=username)
    device = twofactor.confirmed_device(user=user)
    if device is None:
        device = twofactor.enrolment_start(user=user)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return twofactor.secret_base32(device=device)


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


# name, CIN, RC, ICE, address, and biens: (kind, reference, label, surface m², tax code)
DEMO_REDEVABLES: list[tuple[str, str, str, str, str, list[tuple[str, str, str, str | None, str]]]] = [
    (
        "Karim Bennani",
        "C123456",
        "",
        "",
        "Route d'Imouzzer",
        [("parcel", "TF 1234/07", "Terrain non bâti, lotissement Al Amal", "500", "TNB")],
    ),
    (
        "Café Atlas SARL",
        "",
        "12345",
        "001234567000089",
        "Avenue Hassan II",
        [
            ("terrace", "AOT 17/2026", "Terrasse du Café Atlas", "24", "ODP"),
            ("establishment", "LIC 88/2019", "Débit de boissons du Café Atlas", None, "BOISSONS"),
        ],
    ),
    (
        "Café La Renaissance",
        "",
        "23456",
        "",
        "Place de la Résistance",
        [("terrace", "AOT 18/2026", "Terrasse du Café La Renaissance", "36", "ODP")],
    ),
    ("Fatima Zahra Alaoui", "CD778899", "", "", "Derb Sidi Ahmed", []),
]


def _ensure_regie() -> None:
    """In the current commune: the régie's default reference, `percepteur` a collecting agent, `regisseur` the
    régisseur, and the demo redevables with their biens. Through the module's services; only what is missing."""
    from decimal import Decimal

    from django.contrib.auth.models import Group

    from jamaa.modules.regie import permissions, selectors, services

    user_model = get_user_model()
    for username, role in (("percepteur", permissions.AGENT), ("regisseur", permissions.REGISSEUR)):
        Group.objects.get_or_create(name=role)[0].user_set.add(user_model.objects.get(username=username))
    services.reference_install_defaults()
    regisseur = user_model.objects.get(username="regisseur")
    taxes = {t.code: t.tax_id for t in selectors.taxes_in_force(on=timezone.localdate())}
    for name, cin, rc, ice, address, assets in DEMO_REDEVABLES:
        key = cin or rc or ice
        if any(r.name == name for r in selectors.redevable_search(q=key, limit=5)):
            continue
        redevable = services.redevable_create(actor=regisseur, name=name, cin=cin, rc=rc, ice=ice, address=address)
        for kind, reference, label, surface, tax in assets:
            services.asset_create(
                actor=regisseur,
                redevable_id=redevable.pk,
                kind=kind,
                reference=reference,
                label=label,
                address=address,
                surface_m2=Decimal(surface) if surface else None,
                tax_id=taxes.get(tax),
            )


DEMO_SERVICE = ("Service technique", "المصلحة التقنية")


def _ensure_courrier() -> None:
    """In the current commune: `bureau` a clerk of the bureau d'ordre, `technique` a member of the demo service
    the clerk routes letters to. Through the module's services; only what is missing."""
    from django.contrib.auth.models import Group

    from jamaa.modules.courrier import permissions, selectors, services

    user_model = get_user_model()
    for username, role in (("bureau", permissions.CLERK), ("technique", permissions.SERVICE)):
        Group.objects.get_or_create(name=role)[0].user_set.add(user_model.objects.get(username=username))
    clerk = user_model.objects.get(username="bureau")
    name_fr, name_ar = DEMO_SERVICE
    if not any(name == name_fr for _, name, _ in selectors.services_of(viewer=clerk)):
        technique = user_model.objects.get(username="technique")
        services.service_create(actor=clerk, name_fr=name_fr, name_ar=name_ar, member_ids=(technique.pk,))
