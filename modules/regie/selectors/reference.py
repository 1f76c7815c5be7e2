"""Reference: the régie, budget lines, taxes in force, and the setup's appointments, taxes and tariff versions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from ..models import (
    BaseKind,
    BudgetLine,
    Regie,
    RegieStaff,
    Tariff,
    Tax,
)
from ..permissions import ROLES

# --- Reference --------------------------------------------------------------------------------------------


def staff_user_get(*, user_id: int) -> Any:
    """An active user of the commune (an agent whose day is closed). Raises DoesNotExist (→ 404)."""
    return get_user_model().objects.get(pk=user_id, is_active=True)


def regie_default() -> Regie | None:
    """The commune's régie (the first one created), or None before setup."""
    return Regie.objects.order_by("pk").first()


def regie_get(*, regie_id: int) -> Regie:
    """Raises Regie.DoesNotExist (→ 404)."""
    return Regie.objects.prefetch_related("budget_lines").get(pk=regie_id)


def budget_lines(*, regie_id: int | None = None) -> QuerySet[BudgetLine]:
    """All budget lines, or those the régie's arrêté authorises."""
    qs = BudgetLine.objects.all()
    if regie_id is not None:
        qs = qs.filter(regies__id=regie_id)
    return qs.order_by("code")


@dataclass(frozen=True)
class TaxInForce:
    tax_id: int
    code: str
    name_fr: str
    name_ar: str
    base_kind: str
    budget_line: str
    rate: Decimal | None
    valid_from: dt.date | None
    arrete_reference: str

    def get_base_kind_display(self) -> str:
        return str(BaseKind(self.base_kind).label)


def taxes_in_force(*, on: dt.date) -> list[TaxInForce]:
    """Each tax with the tariff in force on that day (rate None when none is in force yet)."""
    result = []
    for tax in Tax.objects.order_by("code").prefetch_related(
        Prefetch("tariffs", queryset=Tariff.objects.filter(valid_from__lte=on).order_by("-valid_from"))
    ):
        tariff = next(iter(tax.tariffs.all()), None)
        result.append(
            TaxInForce(
                tax.pk,
                tax.code,
                tax.name_fr,
                tax.name_ar,
                tax.base_kind,
                tax.budget_line,
                tariff.rate if tariff else None,
                tariff.valid_from if tariff else None,
                tariff.arrete_reference if tariff else "",
            )
        )
    return result


# --- The reference as the setup keeps it: appointments, taxes and their tariff versions -------------------------


def tax_get(*, tax_id: int) -> Tax:
    """Raises Tax.DoesNotExist (→ 404)."""
    return Tax.objects.get(pk=tax_id)


def taxes_list() -> QuerySet[Tax]:
    return Tax.objects.order_by("code")


def tariff_versions(*, tax_id: int) -> QuerySet[Tariff]:
    """Every version of a tax's rate, the latest date of effect first (the one in force is the first not after
    the day asked: see taxes_in_force / services.tariff_in_force)."""
    return Tariff.objects.filter(tax_id=tax_id).order_by("-valid_from")


def tariffs_by_tax() -> dict[int, list[Tariff]]:
    """All tariff versions, per tax id, latest first: the setup's history of every tax in one query."""
    result: dict[int, list[Tariff]] = {}
    for tariff in Tariff.objects.order_by("tax_id", "-valid_from"):
        result.setdefault(tariff.tax_id, []).append(tariff)
    return result


def staff_appointments(*, regie_id: int, current_on: dt.date | None = None) -> QuerySet[RegieStaff]:
    """The régie's appointments by arrêté — past and current, or only those in force on `current_on` — by role,
    the latest first."""
    qs = RegieStaff.objects.filter(regie_id=regie_id)
    if current_on is not None:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=current_on), valid_from__lte=current_on)
    return qs.select_related("user").order_by("role", "-valid_from", "pk")


def staff_appointment_get(*, staff_id: int) -> RegieStaff:
    """Raises RegieStaff.DoesNotExist (→ 404)."""
    return RegieStaff.objects.select_related("user").get(pk=staff_id)


def users_with_regie_roles(*, groups: tuple[str, ...] | None = None) -> list[Any]:
    """Active users holding one of the régie's groups (all of them by default), by username."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups or ROLES)
        .distinct()
        .order_by("username")
    )


def commune_users() -> list[Any]:
    """The commune's active accounts, to appoint one of them (by username)."""
    return list(get_user_model().objects.filter(is_active=True).order_by("username"))
