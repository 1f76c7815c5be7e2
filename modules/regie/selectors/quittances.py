"""The stub book, a liquidation and a quittance, and the counter's preview of a payment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum

from .. import exceptions
from .. import liquidation as formulas
from ..models import (
    Liquidation,
    Quittance,
    QuittanceBlock,
    QuittanceCancellation,
    QuittanceSeries,
    Tariff,
    Tax,
    Versement,
    VersementLevel,
)
from .visibility import ZERO, _require_staff

# --- The stub book ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesReport:
    numbers: list[int]
    gaps: list[int]
    duplicates: list[int]
    cancelled: list[int]
    net_total_dh: Decimal
    # Missing numbers that are not gaps: still in a collector's open block, or returned with a closed block.
    reserved: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)


def series_report(*, series_id: int) -> SeriesReport:
    """The stub book of one series: numbers issued, cancelled numbers, net total, and each missing number
    classified — unused in an open block (reserved), unused in a closed block (returned), or a gap."""
    numbers = list(Quittance.objects.filter(series_id=series_id).order_by("number").values_list("number", flat=True))
    last = QuittanceSeries.objects.filter(pk=series_id).values_list("last_number", flat=True).first() or 0
    top = max([last, *numbers]) if numbers else last
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1}) if len(set(numbers)) != len(numbers) else []
    missing = sorted(set(range(1, top + 1)) - set(numbers))
    blocks = list(
        QuittanceBlock.objects.filter(series_id=series_id).values_list("first_number", "last_number", "closed_at")
    )
    reserved, returned, gaps = [], [], []
    for n in missing:
        block = next((b for b in blocks if b[0] <= n <= b[1]), None)
        if block is None:
            gaps.append(n)
        elif block[2] is None:
            reserved.append(n)
        else:
            returned.append(n)
    cancelled = list(
        QuittanceCancellation.objects.filter(quittance__series_id=series_id)
        .order_by("quittance__number")
        .values_list("quittance__number", flat=True)
    )
    issued = Quittance.objects.filter(series_id=series_id).aggregate(s=Sum("amount_dh"))["s"] or ZERO
    counter = QuittanceCancellation.objects.filter(quittance__series_id=series_id).aggregate(s=Sum("amount_dh"))["s"]
    return SeriesReport(numbers, gaps, duplicates, cancelled, issued + (counter or ZERO), reserved, returned)


def liquidation_get(*, liquidation_id: int) -> Liquidation:
    """Raises Liquidation.DoesNotExist (→ 404)."""
    return Liquidation.objects.select_related("tax", "redevable", "asset").get(pk=liquidation_id)


def quittance_get(*, quittance_id: int, viewer: Any) -> Quittance:
    """Any quittance, for the régie's staff. Raises NotACollector, Quittance.DoesNotExist (→ 404)."""
    _require_staff(viewer)
    return Quittance.objects.select_related("series", "tax", "redevable", "cancellation", "agent").get(pk=quittance_id)


@dataclass(frozen=True)
class CounterPreview:
    """What the counter shows before a quittance is numbered: the liquidation, the total in figures and words."""

    tax_label_fr: str
    tax_label_ar: str
    base: Decimal
    rate: Decimal
    principal_dh: Decimal
    penalties_dh: Decimal
    total_dh: Decimal
    words_fr: str
    words_ar: str


def counter_payment_preview(*, regie_id: int, agent_id: int, tax_id: int, base: Decimal, on: dt.date) -> CounterPreview:
    """The counter payment's liquidation (base × rate in force `on`, no penalties at the counter), checked against
    what would refuse it at once. Raises TaxNotFound, NoTariff, DayLocked."""
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    tariff = Tariff.objects.filter(tax_id=tax_id, valid_from__lte=on).order_by("-valid_from").first()
    if tariff is None:
        raise exceptions.NoTariff(extra={"tax_id": tax_id, "on": on.isoformat()})
    locked = Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=agent_id)
    if Versement.objects.filter(locked, regie_id=regie_id, day=on).exists():
        raise exceptions.DayLocked(extra={"day": on.isoformat()})
    principal = (base * tariff.rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    penalties = Decimal("0.00")
    total = principal + penalties
    words_fr, words_ar = formulas.amount_words(total)
    return CounterPreview(
        tax_label_fr=tax.name_fr,
        tax_label_ar=tax.name_ar,
        base=base,
        rate=tariff.rate,
        principal_dh=principal,
        penalties_dh=penalties,
        total_dh=total,
        words_fr=words_fr,
        words_ar=words_ar,
    )
