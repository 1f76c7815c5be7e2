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
