"""Test data for the régie."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from jamaa.modules.regie.models import BaseKind, Redevable, Regie, Tariff, Tax


def user_with(username: str, *groups: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password="Pass-2026-word!")
    for name in groups:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    return user


def reference() -> dict[str, Any]:
    regie = Regie.objects.create(
        name_fr="Régie des recettes",
        name_ar="وكالة المداخيل",
        arrete_number="3/2026",
        arrete_date=dt.date(2026, 1, 5),
        cash_ceiling_dh=Decimal("50000"),
    )
    tax = Tax.objects.create(
        code="ODP",
        name_fr="Occupation du domaine public",
        name_ar="احتلال الملك العمومي",
        base_kind=BaseKind.AREA,
        budget_line="10.20.31",
    )
    Tariff.objects.create(tax=tax, rate=Decimal("70"), valid_from=dt.date(2025, 1, 1), arrete_reference="AF 2025")
    Tariff.objects.create(tax=tax, rate=Decimal("80"), valid_from=dt.date(2026, 7, 1), arrete_reference="AF 2026")
    redevable = Redevable.objects.create(name="Café Atlas", rc="12345", ice="001234567000089")
    return {"regie": regie, "tax": tax, "redevable": redevable}


def staff(username: str, *groups: str) -> Any:
    """Like user_with, without a usable password: no password hashing, so fixtures stay fast."""
    user = get_user_model().objects.create_user(username=username, password=None)
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in groups))
    return user


def installed(prefix: str = "", *, passwords: bool = True) -> dict[str, Any]:
    """The default reference (régie, budget lines, the domain note's taxes), two agents, two régisseurs and two
    redevables (a person and a company), through the services. Users log in with "Pass-2026-word!" unless
    `passwords=False` (no hashing: faster)."""
    from jamaa.modules.regie import permissions, services
    from jamaa.modules.regie.models import Tax

    regie = services.reference_install_defaults()
    ref: dict[str, Any] = {"regie": regie, "taxes": {t.code: t for t in Tax.objects.all()}}
    make = user_with if passwords else staff
    ref["agent"] = make(f"{prefix}agent1", permissions.AGENT)
    ref["agent2"] = make(f"{prefix}agent2", permissions.AGENT)
    ref["regisseur"] = make(f"{prefix}regisseur", permissions.REGISSEUR)
    ref["suppleant"] = make(f"{prefix}suppleant", permissions.REGISSEUR)
    ref["person"] = services.redevable_create(
        actor=ref["agent"], name="Mohamed Bennani", cin="C123456", address="12 rue Talaa, Fès"
    )
    ref["company"] = services.redevable_create(
        actor=ref["agent"], name="Café Atlas SARL", rc="12345", ice="001234567000089", address="Place R'cif"
    )
    return ref
