"""Ordres de recette, bordereaux, the état des restes à recouvrer and authorisations without an ordre."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from ..models import (
    Asset,
    Bordereau,
    OrdreRecette,
    OrdreRecetteEvent,
    OrdreRecetteLine,
    OrdreStatus,
    Quittance,
    Redevable,
)
from .visibility import CENT, OPEN_ORDRE, ZERO, _require_regisseur


def ordres_list(*, regie_id: int, exercice: int, viewer: Any, status: str | None = None) -> QuerySet[OrdreRecette]:
    """Ordres de recette of an exercice, by number: for the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    qs = OrdreRecette.objects.filter(regie_id=regie_id, exercice=exercice)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("tax", "bordereau").prefetch_related("lines").order_by("number")


def ordre_get(*, ordre_id: int, viewer: Any) -> OrdreRecette:
    """For the régisseur. Raises NotARegisseur, OrdreRecette.DoesNotExist (→ 404)."""
    _require_regisseur(viewer)
    return OrdreRecette.objects.select_related("tax", "bordereau").prefetch_related("lines", "events").get(pk=ordre_id)


def bordereaux_list(*, regie_id: int, exercice: int, viewer: Any) -> QuerySet[Bordereau]:
    """For the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    return Bordereau.objects.filter(regie_id=regie_id, exercice=exercice).prefetch_related("ordres").order_by("number")


def bordereau_get(*, bordereau_id: int, viewer: Any) -> Bordereau:
    """For the régisseur. Raises NotARegisseur, Bordereau.DoesNotExist (→ 404)."""
    _require_regisseur(viewer)
    return Bordereau.objects.prefetch_related("ordres").get(pk=bordereau_id)


@dataclass(frozen=True)
class ResteRow:
    redevable_id: int
    payer_name: str
    identifier: str
    budget_line: str
    ordre_numbers: list[int]
    amount_dh: Decimal
    recovered_dh: Decimal
    remaining_dh: Decimal


@dataclass(frozen=True)
class RestesReport:
    regie_id: int
    exercice: int
    as_of: dt.date
    rows: list[ResteRow]
    total_dh: Decimal
    remaining_dh: Decimal


def _identifier(redevable: Redevable) -> str:
    parts = [f"CIN {redevable.cin}" if redevable.cin else "", f"RC {redevable.rc}" if redevable.rc else ""]
    parts.append(f"ICE {redevable.ice}" if redevable.ice else "")
    return " / ".join(p for p in parts if p)


@dataclass
class _Reste:
    redevable: Redevable
    payer_name: str
    numbers: set[int] = field(default_factory=set)
    amount: Decimal = ZERO
    recovered: Decimal = ZERO


def restes_a_recouvrer(*, regie_id: int, exercice: int, as_of: dt.date, viewer: Any) -> RestesReport:
    """État des restes à recouvrer on a date: ordres issued by then and, as of that date, still issued or taken
    in charge (or recovered only in part), less what was recovered; by redevable and budget line. For the
    régisseur: raises NotARegisseur."""
    _require_regisseur(viewer)
    ordres = list(
        OrdreRecette.objects.filter(regie_id=regie_id, exercice=exercice, issued_at__date__lte=as_of).prefetch_related(
            Prefetch("lines", queryset=OrdreRecetteLine.objects.select_related("redevable"))
        )
    )
    status_on: dict[int, str] = {}
    for event in (
        OrdreRecetteEvent.objects.filter(ordre__in=ordres, at__date__lte=as_of)
        .order_by("at", "pk")
        .only("ordre_id", "to_status")
    ):
        status_on[event.ordre_id] = event.to_status
    acc: dict[tuple[int, str], _Reste] = {}
    for ordre in ordres:
        status = status_on.get(ordre.pk, OrdreStatus.ISSUED)
        if status in OPEN_ORDRE:
            recovered = ZERO
        elif status == OrdreStatus.RECOVERED and ordre.recovered_dh < ordre.amount_dh:
            recovered = ordre.recovered_dh
        else:
            continue
        for line in ordre.lines.all():
            share = (line.amount_dh * recovered / ordre.amount_dh).quantize(CENT, rounding=ROUND_HALF_UP)
            row = acc.setdefault((line.redevable_id, ordre.budget_line), _Reste(line.redevable, line.payer_name))
            row.numbers.add(ordre.number)
            row.amount += line.amount_dh
            row.recovered += share
    result = [
        ResteRow(
            redevable_id,
            row.payer_name,
            _identifier(row.redevable),
            line_code,
            sorted(row.numbers),
            row.amount,
            row.recovered,
            row.amount - row.recovered,
        )
        for (redevable_id, line_code), row in sorted(acc.items(), key=lambda kv: (kv[1].payer_name, kv[0][1]))
    ]
    return RestesReport(
        regie_id,
        exercice,
        as_of,
        result,
        sum((r.amount_dh for r in result), ZERO),
        sum((r.remaining_dh for r in result), ZERO),
    )


def authorisations_without_ordre(*, regie_id: int, exercice: int, viewer: Any) -> QuerySet[Asset]:
    """Biens and activités owing a tax with, for the exercice, neither a quittance of that tax from their
    redevable nor an ordre de recette (not cancelled) for them: the Meknès terraces case. For the régisseur:
    raises NotARegisseur."""
    _require_regisseur(viewer)
    paid = Quittance.objects.filter(
        series__regie_id=regie_id,
        series__exercice=exercice,
        redevable_id=OuterRef("redevable_id"),
        tax_id=OuterRef("tax_id"),
        cancellation__isnull=True,
    )
    ordered = (
        OrdreRecetteLine.objects.filter(
            ordre__regie_id=regie_id, ordre__exercice=exercice, ordre__tax_id=OuterRef("tax_id")
        )
        .filter(Q(asset_id=OuterRef("pk")) | Q(asset__isnull=True, redevable_id=OuterRef("redevable_id")))
        .exclude(ordre__status=OrdreStatus.CANCELLED)
    )
    return (
        Asset.objects.filter(active=True, tax__isnull=False)
        .filter(~Exists(paid), ~Exists(ordered))
        .select_related("redevable", "tax")
        .order_by("tax__code", "redevable__name", "reference")
    )
