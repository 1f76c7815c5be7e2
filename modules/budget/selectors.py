"""Reads of the budget. Visibility ("who may see what") is decided here (`viewer=`), never in views: the three
roles read everything of the budget (the council's members read, they never write); anyone else gets nothing.

The execution report is one read of the lines (their running totals are kept by the database as each step is
written) plus the régie's receipts per budget line, live, through the régie's selectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from jamaa.modules.regie import selectors as regie_selectors

from . import exceptions, permissions
from .models import (
    OPEN_STATUSES,
    Budget,
    BudgetLine,
    BudgetStatus,
    CreditMovement,
    Direction,
    Engagement,
    EngagementStatus,
    Liquidation,
    NomenclatureEntry,
    Part,
    Payment,
    PaymentOrder,
    RevenueFold,
    RevenueMark,
)

ZERO = Decimal(0)


def _require_reader(viewer: Any) -> None:
    if not permissions.may_read(viewer):
        raise exceptions.NotAllowed()


def budget_list(*, viewer: Any) -> list[Budget]:
    """Every budget of the commune, newest exercice first (none without a role)."""
    if not permissions.may_read(viewer):
        return []
    return list(Budget.objects.all().order_by("-year"))


def budget_get(*, viewer: Any, budget_id: int) -> Budget:
    """One budget. Raises NotAllowed, BudgetNotFound."""
    _require_reader(viewer)
    budget = Budget.objects.filter(pk=budget_id).first()
    if budget is None:
        raise exceptions.BudgetNotFound()
    return budget


def budget_current(*, viewer: Any, year: int) -> Budget | None:
    """The budget of an exercice, if any (None without a role)."""
    if not permissions.may_read(viewer):
        return None
    return Budget.objects.filter(year=year).first()


def line_get(*, viewer: Any, line_id: int) -> BudgetLine:
    """One line with its budget. Raises NotAllowed, LineNotFound."""
    _require_reader(viewer)
    line = BudgetLine.objects.select_related("budget").filter(pk=line_id).first()
    if line is None:
        raise exceptions.LineNotFound()
    return line


def lines_of(*, viewer: Any, budget_id: int, direction: str | None = None) -> QuerySet[BudgetLine]:
    """A budget's lines in nomenclature order, optionally of one direction. Raises NotAllowed."""
    _require_reader(viewer)
    qs = BudgetLine.objects.filter(budget_id=budget_id)
    if direction:
        qs = qs.filter(direction=direction)
    return qs.order_by("direction", "part", "chapter", "article", "line")


def movements_of(*, viewer: Any, budget_id: int) -> QuerySet[CreditMovement]:
    """Amending budgets and virements of a budget, in order. Raises NotAllowed."""
    _require_reader(viewer)
    return CreditMovement.objects.filter(line__budget_id=budget_id).select_related("line").order_by("recorded_at", "id")


def nomenclature(*, version: str) -> QuerySet[NomenclatureEntry]:
    """The loaded nomenclature of a version (reference data: no viewer)."""
    return NomenclatureEntry.objects.filter(version=version)


# --- Engagements and their chain --------------------------------------------------------------------------------


def engagement_list(
    *, viewer: Any, budget_id: int, status: str | None = None, line_id: int | None = None, limit: int = 200
) -> list[Engagement]:
    """A budget's engagements, newest number first, optionally of one status or line. Raises NotAllowed."""
    _require_reader(viewer)
    qs = Engagement.objects.filter(budget_id=budget_id).select_related("line")
    if status:
        qs = qs.filter(status=status)
    if line_id is not None:
        qs = qs.filter(line_id=line_id)
    return list(qs.order_by("-number")[:limit])


@dataclass(frozen=True)
class EngagementDetail:
    engagement: Engagement
    liquidations: list[Liquidation]
    orders: dict[int, PaymentOrder]  # liquidation id → its order
    payments: dict[int, Payment]  # order id → its payment
    liquidated_dh: Decimal
    remaining_dh: Decimal


def engagement_get(*, viewer: Any, engagement_id: int) -> EngagementDetail:
    """An engagement with its liquidations, orders and payments. Raises NotAllowed, EngagementNotFound."""
    _require_reader(viewer)
    engagement = (
        Engagement.objects.select_related("line", "budget", "proposed_by", "decided_by")
        .filter(pk=engagement_id)
        .first()
    )
    if engagement is None:
        raise exceptions.EngagementNotFound()
    liquidations = list(engagement.liquidations.order_by("number"))
    orders = {o.liquidation_id: o for o in PaymentOrder.objects.filter(liquidation__engagement=engagement)}
    payments = {p.order_id: p for p in Payment.objects.filter(order__liquidation__engagement=engagement)}
    done = sum((x.amount_dh for x in liquidations), ZERO)
    return EngagementDetail(engagement, liquidations, orders, payments, done, engagement.amount_dh - done)


def order_get(*, viewer: Any, order_id: int) -> PaymentOrder:
    """A payment order with its liquidation, engagement and line. Raises NotAllowed, OrderNotFound."""
    _require_reader(viewer)
    order = (
        PaymentOrder.objects.select_related("liquidation__engagement__line", "liquidation__engagement__budget")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise exceptions.OrderNotFound()
    return order


def orders_unpaid(*, viewer: Any, budget_id: int) -> list[PaymentOrder]:
    """Payment orders of a budget waiting for the Treasury's return. Raises NotAllowed."""
    _require_reader(viewer)
    return list(
        PaymentOrder.objects.filter(liquidation__engagement__budget_id=budget_id, payment__isnull=True)
        .select_related("liquidation__engagement")
        .order_by("number")
    )


def liquidations_unordered(*, viewer: Any, budget_id: int) -> list[Liquidation]:
    """Liquidations of a budget waiting for their payment order. Raises NotAllowed."""
    _require_reader(viewer)
    return list(
        Liquidation.objects.filter(engagement__budget_id=budget_id, payment_order__isnull=True)
        .select_related("engagement")
        .order_by("number")
    )


# --- Execution ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionRow:
    id: int
    direction: str
    part: str
    chapter: str
    chapter_fr: str
    chapter_ar: str
    article: str
    line: str
    code: str
    code_eco: str
    label_fr: str
    label_ar: str
    forecast_dh: Decimal
    adjustments_dh: Decimal
    credit_dh: Decimal
    engaged_dh: Decimal
    available_dh: Decimal
    liquidated_dh: Decimal
    ordered_dh: Decimal
    paid_dh: Decimal
    collected_dh: Decimal = ZERO  # revenue: the régie's receipts, net of cancellations
    receipts: int = 0
    to_recover_dh: Decimal = ZERO  # revenue: restes à recouvrer on open ordres de recette

    @property
    def rate(self) -> Decimal:
        """Execution rate in %: paid (spending) or collected (revenue) over the credit."""
        done = self.collected_dh if self.direction == Direction.REVENUE else self.paid_dh
        if self.credit_dh <= 0:
            return ZERO
        return (done * 100 / self.credit_dh).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class ChapterTotal:
    direction: str
    part: str
    chapter: str
    chapter_fr: str
    chapter_ar: str
    credit_dh: Decimal
    engaged_dh: Decimal
    done_dh: Decimal  # paid (spending) or collected (revenue)

    @property
    def engaged_pct(self) -> int:
        return _pct(self.engaged_dh, self.credit_dh)

    @property
    def done_pct(self) -> int:
        return _pct(self.done_dh, self.credit_dh)


def _pct(part: Decimal, whole: Decimal) -> int:
    if whole <= 0:
        return 0
    return max(0, min(100, int(part * 100 / whole)))


@dataclass(frozen=True)
class ExecutionReport:
    budget: Budget
    revenue: list[ExecutionRow]
    spending: list[ExecutionRow]
    chapters: list[ChapterTotal]
    totals: dict[str, Decimal] = field(default_factory=dict)
    provisional: bool = False


def revenue_collected(*, year: int) -> dict[str, tuple[Decimal, int]]:
    """The régie's receipts of an exercice per budget line code, net of cancellations, and their count: the
    running totals folded so far (services.revenue_fold) plus what the régie wrote since, read live through its
    selectors (only the ids after the fold's marks: a short read whatever the size of the régie's history)."""
    totals: dict[str, list[Any]] = {}
    for f in RevenueFold.objects.filter(year=year):
        totals[f.budget_line] = [f.issued_dh - f.cancelled_dh, f.receipts]
    mark = RevenueMark.objects.filter(pk=1).first()
    issued, cancelled = regie_selectors.receipts_since(
        after_quittance_id=mark.quittance_id if mark else 0,
        after_cancellation_id=mark.cancellation_id if mark else 0,
    )
    for r in issued:
        if r.year == year:
            row = totals.setdefault(r.budget_line, [ZERO, 0])
            row[0] += r.amount_dh
            row[1] += r.count
    for r in cancelled:
        if r.year == year:
            totals.setdefault(r.budget_line, [ZERO, 0])[0] -= r.amount_dh
    return {code: (amount, count) for code, (amount, count) in totals.items()}


def _rows(budget: Budget) -> list[ExecutionRow]:
    """Every line of the budget with its execution: one query on the lines, one on the régie's receipts and one
    on its ordres (each grouped by budget line in SQL)."""
    collected = revenue_collected(year=budget.year)
    to_recover: dict[str, Decimal] = {
        r.budget_line: r.remaining_dh for r in regie_selectors.ordres_by_budget_line(exercice=budget.year)
    }
    rows: list[ExecutionRow] = []
    for values in (
        BudgetLine.objects.filter(budget=budget)
        .order_by("direction", "part", "chapter", "article", "line")
        .values_list(
            "id",
            "direction",
            "part",
            "chapter",
            "chapter_fr",
            "chapter_ar",
            "article",
            "line",
            "code_eco",
            "label_fr",
            "label_ar",
            "forecast_dh",
            "adjustments_dh",
            "engaged_dh",
            "liquidated_dh",
            "ordered_dh",
            "paid_dh",
        )
    ):
        (pk, direction, part, chapter, chapter_fr, chapter_ar, article, line, code_eco, label_fr, label_ar) = values[
            :11
        ]
        forecast, adjustments, engaged, liquidated, ordered, paid = values[11:]
        code = f"{chapter}.{article}.{line}"
        credit = forecast + adjustments
        got, count, recover = ZERO, 0, ZERO
        if direction == Direction.REVENUE:
            for key in (code, code_eco):
                if key in collected:
                    got, count = got + collected[key][0], count + collected[key][1]
                recover += to_recover.get(key, ZERO)
        rows.append(
            ExecutionRow(
                id=pk,
                direction=direction,
                part=part,
                chapter=chapter,
                chapter_fr=chapter_fr,
                chapter_ar=chapter_ar,
                article=article,
                line=line,
                code=code,
                code_eco=code_eco,
                label_fr=label_fr,
                label_ar=label_ar,
                forecast_dh=forecast,
                adjustments_dh=adjustments,
                credit_dh=credit,
                engaged_dh=engaged,
                available_dh=credit - engaged,
                liquidated_dh=liquidated,
                ordered_dh=ordered,
                paid_dh=paid,
                collected_dh=got,
                receipts=count,
                to_recover_dh=recover,
            )
        )
    return rows


def execution_report(*, viewer: Any, budget_id: int) -> ExecutionReport:
    """The execution of a budget by line (forecast, credit, engaged, available, liquidated, ordered, paid; for
    revenue the régie's receipts and restes à recouvrer), per chapter and in total. Raises NotAllowed,
    BudgetNotFound."""
    budget = budget_get(viewer=viewer, budget_id=budget_id)
    rows = _rows(budget)
    chapters: dict[tuple[str, str, str], list[ExecutionRow]] = {}
    for r in rows:
        chapters.setdefault((r.direction, r.part, r.chapter), []).append(r)
    chapter_totals = [
        ChapterTotal(
            direction=key[0],
            part=key[1],
            chapter=key[2],
            chapter_fr=group[0].chapter_fr,
            chapter_ar=group[0].chapter_ar,
            credit_dh=sum((r.credit_dh for r in group), ZERO),
            engaged_dh=sum((r.engaged_dh for r in group), ZERO),
            done_dh=sum(((r.collected_dh if r.direction == Direction.REVENUE else r.paid_dh) for r in group), ZERO),
        )
        for key, group in chapters.items()
    ]
    revenue = [r for r in rows if r.direction == Direction.REVENUE]
    spending = [r for r in rows if r.direction == Direction.SPENDING]
    totals = {
        "revenue_forecast": sum((r.credit_dh for r in revenue), ZERO),
        "revenue_collected": sum((r.collected_dh for r in revenue), ZERO),
        "revenue_to_recover": sum((r.to_recover_dh for r in revenue), ZERO),
        "spending_credit": sum((r.credit_dh for r in spending), ZERO),
        "spending_engaged": sum((r.engaged_dh for r in spending), ZERO),
        "spending_liquidated": sum((r.liquidated_dh for r in spending), ZERO),
        "spending_ordered": sum((r.ordered_dh for r in spending), ZERO),
        "spending_paid": sum((r.paid_dh for r in spending), ZERO),
    }
    return ExecutionReport(
        budget=budget,
        revenue=revenue,
        spending=spending,
        chapters=chapter_totals,
        totals=totals,
        provisional=budget.status not in OPEN_STATUSES and budget.status != BudgetStatus.CLOSED,
    )


# --- For the portal: the open-data view of execution ------------------------------------------------------------


@dataclass(frozen=True)
class OpenDataRow:
    """One line of a budget's execution as the portal publishes it (no personal data: no beneficiaries)."""

    year: int
    direction: str
    part: str
    code: str
    code_eco: str
    label_fr: str
    label_ar: str
    credit_dh: Decimal
    engaged_dh: Decimal
    paid_dh: Decimal
    collected_dh: Decimal


def execution_open_data(*, year: int) -> list[OpenDataRow]:
    """The execution by line of the exercice's budget once voted (a draft is not published; nothing when the
    exercice has no budget). Public data: no viewer; no beneficiary or engagement detail."""
    budget = Budget.objects.filter(year=year).exclude(status=BudgetStatus.DRAFT).first()
    if budget is None:
        return []
    return [
        OpenDataRow(
            year=budget.year,
            direction=r.direction,
            part=r.part,
            code=r.code,
            code_eco=r.code_eco,
            label_fr=r.label_fr,
            label_ar=r.label_ar,
            credit_dh=r.credit_dh,
            engaged_dh=r.engaged_dh,
            paid_dh=r.paid_dh,
            collected_dh=r.collected_dh,
        )
        for r in _rows(budget)
    ]


PARTS = dict(Part.choices)
STATUSES = dict(BudgetStatus.choices)
ENGAGEMENT_STATUSES = dict(EngagementStatus.choices)
