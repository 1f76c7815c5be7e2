"""Reads of the régie."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .models import Quittance, QuittanceCancellation


@dataclass(frozen=True)
class SeriesReport:
    numbers: list[int]
    gaps: list[int]
    duplicates: list[int]
    cancelled: list[int]
    net_total_dh: Decimal


def series_report(*, series_id: int) -> SeriesReport:
    """The stub book of one series: numbers issued, any gap or duplicate, cancelled numbers, net total."""
    numbers = list(Quittance.objects.filter(series_id=series_id).order_by("number").values_list("number", flat=True))
    expected = set(range(1, (max(numbers) if numbers else 0) + 1))
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1})
    cancelled = list(
        QuittanceCancellation.objects.filter(quittance__series_id=series_id)
        .order_by("quittance__number")
        .values_list("quittance__number", flat=True)
    )
    issued = Quittance.objects.filter(series_id=series_id).aggregate(s=Sum("amount_dh"))["s"] or Decimal("0")
    counter = QuittanceCancellation.objects.filter(quittance__series_id=series_id).aggregate(s=Sum("amount_dh"))[
        "s"
    ] or Decimal("0")
    return SeriesReport(numbers, sorted(expected - set(numbers)), duplicates, cancelled, issued + counter)
