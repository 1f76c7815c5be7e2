"""For the budget (modules/budget): the régie's revenue execution by budget line — ordres de recette issued and
restes à recouvrer, quittances and their cancellations read by id ranges for running totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from ..models import OrdreRecette, OrdreStatus, Quittance, QuittanceCancellation
from .visibility import OPEN_ORDRE, ZERO


@dataclass(frozen=True)
class OrdresByBudgetLine:
    """Ordres de recette of an exercice on one budget line code: what was issued (cancelled ones aside) and what
    remains to recover on those still open (issued or taken in charge)."""

    budget_line: str
    issued_dh: Decimal
    remaining_dh: Decimal


def ordres_by_budget_line(*, exercice: int) -> list[OrdresByBudgetLine]:
    """The exercice's ordres de recette per budget line code, every régie: issued and restes à recouvrer. No
    writes."""
    rows = (
        OrdreRecette.objects.filter(exercice=exercice)
        .exclude(status=OrdreStatus.CANCELLED)
        .values("budget_line")
        .annotate(
            issued=Sum("amount_dh"),
            open_amount=Sum("amount_dh", filter=Q(status__in=OPEN_ORDRE)),
            open_recovered=Sum("recovered_dh", filter=Q(status__in=OPEN_ORDRE)),
        )
        .order_by("budget_line")
    )
    return [
        OrdresByBudgetLine(
            budget_line=r["budget_line"],
            issued_dh=r["issued"] or ZERO,
            remaining_dh=(r["open_amount"] or ZERO) - (r["open_recovered"] or ZERO),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ReceiptsTotal:
    """Quittances (or their cancellations) of one exercice (the year of the accounting day) on one budget line
    code: how many, and their amount."""

    year: int
    budget_line: str
    count: int
    amount_dh: Decimal


def receipts_since(
    *,
    after_quittance_id: int,
    after_cancellation_id: int,
    through_quittance_id: int | None = None,
    through_cancellation_id: int | None = None,
) -> tuple[list[ReceiptsTotal], list[ReceiptsTotal]]:
    """Quittances with an id in (after, through] and cancellations likewise (through None: to the last), totalled
    per (year of the quittance's day, budget line code): (issued, cancelled). Read by id ranges (primary keys),
    so that a reader keeping running totals reads only what is new. No writes."""
    quittances = Quittance.objects.filter(pk__gt=after_quittance_id)
    if through_quittance_id is not None:
        quittances = quittances.filter(pk__lte=through_quittance_id)
    cancellations = QuittanceCancellation.objects.filter(pk__gt=after_cancellation_id)
    if through_cancellation_id is not None:
        cancellations = cancellations.filter(pk__lte=through_cancellation_id)
    issued = [
        ReceiptsTotal(r["day__year"], r["budget_line"], int(r["n"]), r["total"] or ZERO)
        for r in quittances.values("day__year", "budget_line")
        .annotate(n=Count("pk"), total=Sum("amount_dh"))
        .order_by()
    ]
    cancelled = [
        ReceiptsTotal(r["quittance__day__year"], r["quittance__budget_line"], int(r["n"]), r["total"] or ZERO)
        for r in cancellations.values("quittance__day__year", "quittance__budget_line")
        .annotate(n=Count("pk"), total=Sum("quittance__amount_dh"))
        .order_by()
    ]
    return issued, cancelled


def receipts_settled_marks(
    *, after_quittance_id: int, after_cancellation_id: int, before: dt.datetime
) -> tuple[int, int]:
    """The last quittance id and the last cancellation id written before `before` (at least the `after` ones):
    what a reader keeping running totals may fold, leaving the recent ones (whose transactions may still be open
    with lower ids) to be read live. No writes."""
    last_q = (
        Quittance.objects.filter(pk__gt=after_quittance_id, issued_at__lt=before)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    last_c = (
        QuittanceCancellation.objects.filter(pk__gt=after_cancellation_id, cancelled_at__lt=before)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return (last_q or after_quittance_id), (last_c or after_cancellation_id)
