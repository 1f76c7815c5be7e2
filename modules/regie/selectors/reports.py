"""The journal per budget line and the receipts export for the Treasury."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..models import (
    Quittance,
    Regie,
)
from .closes import BudgetLineTotal, _totals_by_line
from .visibility import ZERO, _require_regisseur

# --- Journal and the receipts export -----------------------------------------------------------------------


@dataclass(frozen=True)
class Journal:
    regie_id: int
    start: dt.date
    end: dt.date
    rows: list[BudgetLineTotal]
    count: int
    issued_dh: Decimal
    cancelled_dh: Decimal
    net_dh: Decimal


def journal(*, regie_id: int, start: dt.date, end: dt.date, viewer: Any) -> Journal:
    """The journal of a day, a month or a year (any range of accounting days, inclusive) per budget line:
    quittances issued, cancelled (a cancellation counts on its quittance's day), net, count. For the régisseur:
    raises NotARegisseur."""
    _require_regisseur(viewer)
    rows = _totals_by_line(Quittance.objects.filter(series__regie_id=regie_id, day__gte=start, day__lte=end))
    issued = sum((r.issued_dh for r in rows), ZERO)
    cancelled = sum((r.cancelled_dh for r in rows), ZERO)
    return Journal(regie_id, start, end, rows, sum(r.count for r in rows), issued, cancelled, issued - cancelled)


RECEIPTS_CSV_HEADER = [
    "date",
    "regie",
    "exercice",
    "series",
    "number",
    "budget_line",
    "tax_code",
    "payer",
    "cin",
    "rc",
    "ice",
    "amount_dh",
    "payment_method",
    "status",
]


def receipts_csv(
    *, regie_id: int, start: dt.date, end: dt.date, viewer: Any, budget_line: str | None = None
) -> Iterator[list[str]]:
    """Rows of the receipts export for the Treasury (header first): one per quittance of the accounting days
    start..end, plus one negative counter-entry row per cancelled one. See docs/modules/regie.md. For the
    régisseur: raises NotARegisseur (at once, not at the first row)."""
    _require_regisseur(viewer)
    return _receipts_rows(regie_id=regie_id, start=start, end=end, budget_line=budget_line)


def _receipts_rows(*, regie_id: int, start: dt.date, end: dt.date, budget_line: str | None) -> Iterator[list[str]]:
    regie = Regie.objects.filter(pk=regie_id).values_list("arrete_number", flat=True).first() or ""
    qs = Quittance.objects.filter(series__regie_id=regie_id, day__gte=start, day__lte=end)
    if budget_line:
        qs = qs.filter(budget_line=budget_line)
    yield RECEIPTS_CSV_HEADER
    for q in qs.select_related("series", "tax", "redevable", "cancellation").order_by(
        "day", "series__exercice", "series__series", "number"
    ):
        cancellation = getattr(q, "cancellation", None)
        common = [
            q.day.isoformat(),
            regie,
            str(q.series.exercice),
            q.series.series,
            str(q.number),
            q.budget_line,
            q.tax.code,
            q.payer_name,
            q.redevable.cin,
            q.redevable.rc,
            q.redevable.ice,
        ]
        yield [*common, f"{q.amount_dh:.2f}", q.payment_method, "cancelled" if cancellation else "valid"]
        if cancellation is not None:
            yield [*common, f"{cancellation.amount_dh:.2f}", q.payment_method, "counter_entry"]
