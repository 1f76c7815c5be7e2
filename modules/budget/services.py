"""Writes of the budget: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers (engagements, liquidations, payment orders, payments) come from the kernel's gapless counter, drawn in
the transaction that writes the record (keys `budget:<step>`, per exercice). The credit check is taken twice: here,
under the line's row lock, to refuse with the available amount; and in SQL (migration 0002), which no code path
can skip."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jamaa.modules.regie import selectors as regie_selectors
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from . import exceptions, permissions
from .models import (
    BUDGET_TRANSITIONS,
    Budget,
    BudgetLine,
    BudgetStatus,
    CreditMovement,
    Direction,
    Engagement,
    EngagementStatus,
    Liquidation,
    MovementKind,
    NomenclatureEntry,
    Payment,
    PaymentOrder,
    RevenueFold,
    RevenueMark,
)

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
DEFAULT_NOMENCLATURE = "2026.1"
CENT = Decimal("0.01")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _require(ok: bool) -> None:
    if not ok:
        raise exceptions.NotAllowed()


def _amount(value: Any, field: str = "amount_dh", *, positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise exceptions.Invalid(extra={"fields": {field: ["not an amount"]}}) from None
    if (positive and amount <= 0) or (not positive and amount < 0) or amount >= Decimal("1e14"):
        raise exceptions.Invalid(extra={"fields": {field: ["out of range"]}})
    return amount


def _text(value: str, field: str, *, max_length: int = 200, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if (required and not text) or len(text) > max_length:
        raise exceptions.Invalid(extra={"fields": {field: ["required" if not text else "too long"]}})
    return text


# --- The nomenclature ---------------------------------------------------------------------------------------


def nomenclature_versions() -> list[str]:
    """The versions shipped as reference files (modules/budget/reference/nomenclature-<version>.json)."""
    return sorted(p.stem.removeprefix("nomenclature-") for p in REFERENCE_DIR.glob("nomenclature-*.json"))


def nomenclature_load(*, version: str = DEFAULT_NOMENCLATURE) -> int:
    """Load a nomenclature version from its reference file into this commune (idempotent: a version already
    loaded is left as it is). Raises NomenclatureUnknown. Returns the number of lines of the version."""
    if version not in nomenclature_versions():
        raise exceptions.NomenclatureUnknown(extra={"version": version})
    existing = NomenclatureEntry.objects.filter(version=version).count()
    if existing:
        return existing
    data = json.loads((REFERENCE_DIR / f"nomenclature-{version}.json").read_text(encoding="utf-8"))
    rows = [
        NomenclatureEntry(
            version=version,
            direction=chapter["direction"],
            part=chapter["part"],
            chapter=chapter["chapter"],
            chapter_fr=chapter["fr"],
            chapter_ar=chapter["ar"],
            article=article["article"],
            article_fr=article["fr"],
            article_ar=article["ar"],
            line=line["line"],
            code_eco=line["code_eco"],
            label_fr=line["fr"],
            label_ar=line["ar"],
        )
        for chapter in data["chapters"]
        for article in chapter["articles"]
        for line in article["lines"]
    ]
    NomenclatureEntry.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- The budget and its states ------------------------------------------------------------------------------


@transaction.atomic
def budget_create(*, actor: Any, year: int, nomenclature_version: str = DEFAULT_NOMENCLATURE) -> Budget:
    """A draft budget for the exercice with every line of the nomenclature; forecasts start from the previous
    exercice's credits when there is one, else 0. Raises NotAllowed, Invalid, BudgetExists, NomenclatureUnknown.
    Writes the budget, its lines, audit."""
    _require(permissions.is_service(actor))
    if not 2000 <= year <= 2100:
        raise exceptions.Invalid(extra={"fields": {"year": ["out of range"]}})
    if Budget.objects.filter(year=year).exists():
        raise exceptions.BudgetExists(extra={"year": year})
    nomenclature_load(version=nomenclature_version)
    budget = Budget.objects.create(year=year, nomenclature_version=nomenclature_version, created_by=actor)
    previous = {
        (p.direction, p.part, p.chapter, p.article, p.line): p.forecast_dh + p.adjustments_dh
        for p in BudgetLine.objects.filter(budget__year=year - 1)
    }
    BudgetLine.objects.bulk_create(
        BudgetLine(
            budget=budget,
            direction=n.direction,
            part=n.part,
            chapter=n.chapter,
            chapter_fr=n.chapter_fr,
            chapter_ar=n.chapter_ar,
            article=n.article,
            line=n.line,
            code_eco=n.code_eco,
            label_fr=n.label_fr,
            label_ar=n.label_ar,
            forecast_dh=previous.get((n.direction, n.part, n.chapter, n.article, n.line), Decimal(0)),
        )
        for n in NomenclatureEntry.objects.filter(version=nomenclature_version)
    )
    audit_record(actor=actor, action="budget.budget.created", target=budget, data={"year": year})
    return budget


def _locked_budget(budget_id: int) -> Budget:
    budget = Budget.objects.select_for_update(no_key=True).filter(pk=budget_id).first()
    if budget is None:
        raise exceptions.BudgetNotFound()
    return budget


@transaction.atomic
def line_forecast_set(*, actor: Any, line_id: int, forecast_dh: Any) -> BudgetLine:
    """Set a line's forecast while the budget is a draft. Raises NotAllowed, LineNotFound, NotDraft, Invalid.
    Writes the line, audit."""
    _require(permissions.is_service(actor))
    line = BudgetLine.objects.select_for_update(no_key=True).select_related("budget").filter(pk=line_id).first()
    if line is None:
        raise exceptions.LineNotFound()
    if line.budget.status != BudgetStatus.DRAFT:
        raise exceptions.NotDraft()
    amount = _amount(forecast_dh, "forecast_dh", positive=False)
    before = line.forecast_dh
    line.forecast_dh = amount
    line.save(update_fields=["forecast_dh"])
    audit_record(
        actor=actor,
        action="budget.line.forecast_set",
        target=line,
        data={"code": line.code, "before": str(before), "after": str(amount)},
    )
    return line


def _move(budget: Budget, to: str) -> None:
    if to not in BUDGET_TRANSITIONS[budget.status]:
        raise exceptions.TransitionRefused(extra={"from": budget.status, "to": to})


@transaction.atomic
def budget_vote(
    *, actor: Any, budget_id: int, council_session: str, voted_on: dt.date, deliberation_number: str
) -> Budget:
    """Record the council's vote (session, date, délibération number): draft → voted. Raises NotAllowed,
    BudgetNotFound, TransitionRefused, Invalid. Writes the budget, audit."""
    _require(permissions.is_staff(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.VOTED)
    budget.council_session = _text(council_session, "council_session")
    budget.deliberation_number = _text(deliberation_number, "deliberation_number", max_length=50)
    budget.voted_on = voted_on
    budget.status = BudgetStatus.VOTED
    budget.save(update_fields=["council_session", "deliberation_number", "voted_on", "status"])
    audit_record(
        actor=actor,
        action="budget.budget.voted",
        target=budget,
        data={"session": budget.council_session, "deliberation": budget.deliberation_number, "on": str(voted_on)},
    )
    return budget


@transaction.atomic
def budget_approve(*, actor: Any, budget_id: int, approved_on: dt.date, approval_reference: str) -> Budget:
    """Record the authority's approval (visa): voted → approved; the credits open. Raises NotAllowed,
    BudgetNotFound, TransitionRefused, Invalid. Writes the budget, audit."""
    _require(permissions.is_staff(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.APPROVED)
    if budget.voted_on is not None and approved_on < budget.voted_on:
        raise exceptions.Invalid(extra={"fields": {"approved_on": ["before the vote"]}})
    budget.approval_reference = _text(approval_reference, "approval_reference", max_length=100)
    budget.approved_on = approved_on
    budget.status = BudgetStatus.APPROVED
    budget.save(update_fields=["approval_reference", "approved_on", "status"])
    audit_record(
        actor=actor,
        action="budget.budget.approved",
        target=budget,
        data={"reference": budget.approval_reference, "on": str(approved_on)},
    )
    return budget


@transaction.atomic
def budget_execute(*, actor: Any, budget_id: int) -> Budget:
    """Start the execution of an approved budget: approved → executing. Raises NotAllowed, BudgetNotFound,
    TransitionRefused. Writes the budget, audit."""
    _require(permissions.is_staff(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.EXECUTING)
    budget.status = BudgetStatus.EXECUTING
    budget.save(update_fields=["status"])
    audit_record(actor=actor, action="budget.budget.executing", target=budget)
    return budget


@transaction.atomic
def budget_close(*, actor: Any, budget_id: int, closed_on: dt.date) -> Budget:
    """Close the exercice (the administrative account is then final): executing → closed. Raises NotAllowed,
    BudgetNotFound, TransitionRefused. Writes the budget, audit."""
    _require(permissions.is_ordonnateur(actor))
    budget = _locked_budget(budget_id)
    _move(budget, BudgetStatus.CLOSED)
    budget.status = BudgetStatus.CLOSED
    budget.closed_on = closed_on
    budget.save(update_fields=["status", "closed_on"])
    audit_record(actor=actor, action="budget.budget.closed", target=budget, data={"on": str(closed_on)})
    return budget


# --- Credits after approval: amending budgets and transfers ----------------------------------------------------


def _open_line(line_id: int) -> BudgetLine:
    line = BudgetLine.objects.select_for_update(no_key=True).select_related("budget").filter(pk=line_id).first()
    if line is None:
        raise exceptions.LineNotFound()
    if line.budget.status not in (BudgetStatus.APPROVED, BudgetStatus.EXECUTING):
        raise exceptions.NotOpen()
    return line


@transaction.atomic
def credit_amend(
    *,
    actor: Any,
    line_id: int,
    amount_dh: Any,
    decision_reference: str,
    decision_date: dt.date,
    reason: str = "",
) -> CreditMovement:
    """An amending budget's change to a line's credit (positive or negative), with its decision. A credit never
    falls below what is engaged on it. Raises NotAllowed, LineNotFound, NotOpen, Invalid, CreditExceeded. Writes
    the movement (the line's credit follows in SQL), audit."""
    _require(permissions.is_ordonnateur(actor))
    line = _open_line(line_id)
    try:
        amount = Decimal(str(amount_dh)).quantize(CENT)
    except (InvalidOperation, ValueError):
        raise exceptions.Invalid(extra={"fields": {"amount_dh": ["not an amount"]}}) from None
    if amount == 0 or abs(amount) >= Decimal("1e14"):
        raise exceptions.Invalid(extra={"fields": {"amount_dh": ["out of range"]}})
    credit = line.forecast_dh + line.adjustments_dh
    if credit + amount < line.engaged_dh:
        raise exceptions.CreditExceeded.on(line=line.code, available=credit - line.engaged_dh, asked=-amount)
    movement = CreditMovement.objects.create(
        line=line,
        kind=MovementKind.AMENDMENT,
        group=uuid.uuid4(),
        amount_dh=amount,
        decision_reference=_text(decision_reference, "decision_reference", max_length=100),
        decision_date=decision_date,
        reason=_text(reason, "reason", max_length=500, required=False),
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="budget.credit.amended",
        target=line,
        reason=movement.reason,
        data={"code": line.code, "amount": str(amount), "decision": movement.decision_reference},
    )
    return movement


@transaction.atomic
def credit_transfer(
    *,
    actor: Any,
    from_line_id: int,
    to_line_id: int,
    amount_dh: Any,
    decision_reference: str,
    decision_date: dt.date,
    reason: str = "",
) -> uuid.UUID:
    """A virement: move credit from one spending line to another of the same budget, with its decision. Raises
    NotAllowed, LineNotFound, NotOpen, TransferInvalid, Invalid, CreditExceeded (what is left on the source line
    is less than asked). Writes two movements sharing a group, audit. Returns the group."""
    _require(permissions.is_ordonnateur(actor))
    if from_line_id == to_line_id:
        raise exceptions.TransferInvalid()
    # Lock in id order: two opposite virements at once never deadlock.
    first, second = sorted((from_line_id, to_line_id))
    lines = {first: _open_line(first), second: _open_line(second)}
    source, target = lines[from_line_id], lines[to_line_id]
    if (
        source.budget_id != target.budget_id
        or Direction.SPENDING != source.direction
        or (target.direction != Direction.SPENDING)
    ):
        raise exceptions.TransferInvalid()
    amount = _amount(amount_dh)
    available = source.forecast_dh + source.adjustments_dh - source.engaged_dh
    if amount > available:
        raise exceptions.CreditExceeded.on(line=source.code, available=available, asked=amount)
    group = uuid.uuid4()
    reference = _text(decision_reference, "decision_reference", max_length=100)
    why = _text(reason, "reason", max_length=500, required=False)
    for line, signed in ((source, -amount), (target, amount)):
        CreditMovement.objects.create(
            line=line,
            kind=MovementKind.TRANSFER,
            group=group,
            amount_dh=signed,
            decision_reference=reference,
            decision_date=decision_date,
            reason=why,
            recorded_by=actor,
        )
    audit_record(
        actor=actor,
        action="budget.credit.transferred",
        target=source,
        reason=why,
        data={"from": source.code, "to": target.code, "amount": str(amount), "decision": reference},
    )
    return group


# --- The spending chain ---------------------------------------------------------------------------------------


@transaction.atomic
def engagement_propose(*, actor: Any, line_id: int, beneficiary: str, subject: str, amount_dh: Any) -> Engagement:
    """Propose an engagement on a spending line; it takes the next number of the exercice. The credit is checked
    when the ordonnateur approves it. Raises NotAllowed, LineNotFound, Invalid, Closed. Writes the engagement,
    audit."""
    _require(permissions.is_service(actor))
    line = BudgetLine.objects.select_related("budget").filter(pk=line_id).first()
    if line is None or line.direction != Direction.SPENDING:
        raise exceptions.LineNotFound()
    if line.budget.status == BudgetStatus.CLOSED:
        raise exceptions.Closed()
    engagement = Engagement(
        budget_id=line.budget_id,
        line=line,
        year=line.budget.year,
        beneficiary=_text(beneficiary, "beneficiary"),
        subject=_text(subject, "subject", max_length=300),
        amount_dh=_amount(amount_dh),
        proposed_by=actor,
    )
    # Drawn last, just before the insert: a refusal above never holds the series' row lock.
    engagement.number = counter_next(key="budget:engagement", year=engagement.year)
    engagement.save()
    audit_record(
        actor=actor,
        action="budget.engagement.proposed",
        target=engagement,
        data={"reference": engagement.reference, "line": line.code, "amount": str(engagement.amount_dh)},
    )
    return engagement


def line_ceiling(*, line_id: int, on: dt.date) -> Decimal:
    """The most that may be engaged on the line on that day (the SQL function the trigger uses): its credit when
    the budget is open, else the provisional twelfths. No writes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT budget_line_ceiling(%s, %s)", [line_id, on])
        row = cursor.fetchone()
    return Decimal(row[0]) if row and row[0] is not None else Decimal(0)


def _locked_engagement(engagement_id: int) -> Engagement:
    engagement = Engagement.objects.select_for_update(no_key=True).filter(pk=engagement_id).first()
    if engagement is None:
        raise exceptions.EngagementNotFound()
    return engagement


@transaction.atomic
def engagement_approve(*, actor: Any, engagement_id: int, on: dt.date | None = None, note: str = "") -> Engagement:
    """The ordonnateur approves a proposed engagement: its amount is taken from the line's available credit (the
    line's credit, or the provisional twelfths without an approved budget), under the line's row lock. Raises
    NotAllowed, EngagementNotFound, AlreadyDecided, Closed, CreditExceeded (with the available amount). Writes
    the engagement (the line's engaged total follows in SQL), audit."""
    _require(permissions.is_ordonnateur(actor))
    engagement = _locked_engagement(engagement_id)
    if engagement.status != EngagementStatus.PROPOSED:
        raise exceptions.AlreadyDecided(extra={"status": engagement.status})
    line = BudgetLine.objects.select_for_update(no_key=True).select_related("budget").get(pk=engagement.line_id)
    if line.budget.status == BudgetStatus.CLOSED:
        raise exceptions.Closed()
    day = on or timezone.localdate()
    available = line_ceiling(line_id=line.pk, on=day) - line.engaged_dh
    if engagement.amount_dh > available:
        raise exceptions.CreditExceeded.on(
            line=line.code, available=max(available, Decimal(0)), asked=engagement.amount_dh
        )
    engagement.status = EngagementStatus.APPROVED
    engagement.decided_by = actor
    engagement.decided_on = day
    engagement.decision_note = _text(note, "note", max_length=500, required=False)
    try:
        with transaction.atomic():
            engagement.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
    except IntegrityError:  # the SQL check refused (it cannot disagree with the one above under the same lock)
        line.refresh_from_db()
        available = line_ceiling(line_id=line.pk, on=day) - line.engaged_dh
        raise exceptions.CreditExceeded.on(
            line=line.code, available=max(available, Decimal(0)), asked=engagement.amount_dh
        ) from None
    audit_record(
        actor=actor,
        action="budget.engagement.approved",
        target=engagement,
        data={"reference": engagement.reference, "line": line.code, "amount": str(engagement.amount_dh)},
    )
    return engagement


@transaction.atomic
def engagement_reject(*, actor: Any, engagement_id: int, note: str) -> Engagement:
    """The ordonnateur rejects a proposed engagement, saying why. Raises NotAllowed, EngagementNotFound,
    AlreadyDecided, Invalid. Writes the engagement, audit."""
    _require(permissions.is_ordonnateur(actor))
    engagement = _locked_engagement(engagement_id)
    if engagement.status != EngagementStatus.PROPOSED:
        raise exceptions.AlreadyDecided(extra={"status": engagement.status})
    engagement.status = EngagementStatus.REJECTED
    engagement.decided_by = actor
    engagement.decided_on = timezone.localdate()
    engagement.decision_note = _text(note, "note", max_length=500)
    engagement.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
    audit_record(
        actor=actor,
        action="budget.engagement.rejected",
        target=engagement,
        reason=engagement.decision_note,
        data={"reference": engagement.reference},
    )
    return engagement


@transaction.atomic
def liquidation_record(
    *, actor: Any, engagement_id: int, amount_dh: Any, invoice_reference: str, service_done_on: dt.date
) -> Liquidation:
    """Record the service done and its invoice on an approved engagement (never beyond it). Raises NotAllowed,
    EngagementNotFound, NotApproved, LiquidationExceeds, Invalid. Writes the liquidation (the line's liquidated
    total follows in SQL), audit."""
    _require(permissions.is_service(actor))
    engagement = _locked_engagement(engagement_id)
    if engagement.status != EngagementStatus.APPROVED:
        raise exceptions.NotApproved()
    amount = _amount(amount_dh)
    done = sum((x.amount_dh for x in engagement.liquidations.all()), Decimal(0))
    if done + amount > engagement.amount_dh:
        raise exceptions.LiquidationExceeds(extra={"remaining_dh": f"{engagement.amount_dh - done:.2f}"})
    liquidation = Liquidation(
        engagement=engagement,
        year=engagement.year,
        amount_dh=amount,
        invoice_reference=_text(invoice_reference, "invoice_reference", max_length=100),
        service_done_on=service_done_on,
        recorded_by=actor,
    )
    liquidation.number = counter_next(key="budget:liquidation", year=engagement.year)
    liquidation.save()
    audit_record(
        actor=actor,
        action="budget.liquidation.recorded",
        target=liquidation,
        data={"reference": liquidation.reference, "engagement": engagement.reference, "amount": str(amount)},
    )
    return liquidation


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


@transaction.atomic
def payment_order_issue(*, actor: Any, liquidation_id: int, on: dt.date | None = None) -> PaymentOrder:
    """The ordonnateur orders the Treasury to pay a liquidation (the ordonnancement), numbered per exercice, with
    a verification code for its PDF. Raises NotAllowed, LiquidationNotFound, AlreadyOrdered. Writes the order (the
    line's ordered total follows in SQL), audit."""
    _require(permissions.is_ordonnateur(actor))
    liquidation = (
        Liquidation.objects.select_for_update(no_key=True)
        .select_related("engagement")
        .filter(pk=liquidation_id)
        .first()
    )
    if liquidation is None:
        raise exceptions.LiquidationNotFound()
    if PaymentOrder.objects.filter(liquidation=liquidation).exists():
        raise exceptions.AlreadyOrdered()
    order = PaymentOrder(
        liquidation=liquidation,
        year=liquidation.year,
        amount_dh=liquidation.amount_dh,
        beneficiary=liquidation.engagement.beneficiary,
        code=_new_code(),
        issued_by=actor,
        issued_on=on or timezone.localdate(),
    )
    order.number = counter_next(key="budget:order", year=order.year)
    order.save()
    audit_record(
        actor=actor,
        action="budget.order.issued",
        target=order,
        data={"reference": order.reference, "liquidation": liquidation.reference, "amount": str(order.amount_dh)},
    )
    return order


@transaction.atomic
def payment_record(*, actor: Any, order_id: int, paid_on: dt.date, treasury_reference: str) -> Payment:
    """Record a payment order paid, from the Treasury's return (its reference and date). Raises NotAllowed,
    OrderNotFound, AlreadyPaid, Invalid. Writes the payment (the line's paid total follows in SQL), audit."""
    _require(permissions.is_service(actor))
    order = PaymentOrder.objects.select_for_update(no_key=True).filter(pk=order_id).first()
    if order is None:
        raise exceptions.OrderNotFound()
    if Payment.objects.filter(order=order).exists():
        raise exceptions.AlreadyPaid()
    if paid_on < order.issued_on:
        raise exceptions.Invalid(extra={"fields": {"paid_on": ["before the order"]}})
    payment = Payment(
        order=order,
        year=order.year,
        amount_dh=order.amount_dh,
        paid_on=paid_on,
        treasury_reference=_text(treasury_reference, "treasury_reference", max_length=100),
        recorded_by=actor,
    )
    payment.number = counter_next(key="budget:payment", year=order.year)
    payment.save()
    audit_record(
        actor=actor,
        action="budget.payment.recorded",
        target=payment,
        data={"reference": payment.reference, "order": order.reference, "treasury": payment.treasury_reference},
    )
    return payment


# --- Revenue: running totals of the régie's receipts ---------------------------------------------------------------

# Receipts written less than this long ago are read live, never folded: a transaction still open may hold a
# quittance with a lower id than one already committed (ids are drawn at insert, visible at commit).
SETTLE = dt.timedelta(minutes=10)
FOLD_EVERY = dt.timedelta(minutes=1)


def revenue_fold(*, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Fold the régie's quittances and cancellations written before now - SETTLE into RevenueFold (per exercice and
    budget line code), through the régie's selectors, reading only the ids after the last fold. At most once per
    FOLD_EVERY unless `force`; one process at a time (another one folding: skipped). Returns whether it folded.
    Writes RevenueFold and RevenueMark."""
    now = now or timezone.now()
    seen = RevenueMark.objects.filter(pk=1).values_list("folded_at", flat=True).first()
    if not force and seen is not None and now - seen < FOLD_EVERY:
        return False  # read without a lock or a transaction: a report between two folds writes nothing
    with transaction.atomic():
        RevenueMark.objects.get_or_create(pk=1)
        mark = RevenueMark.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if mark is None or (not force and mark.folded_at is not None and now - mark.folded_at < FOLD_EVERY):
            return False
        through_q, through_c = regie_selectors.receipts_settled_marks(
            after_quittance_id=mark.quittance_id, after_cancellation_id=mark.cancellation_id, before=now - SETTLE
        )
        if (through_q, through_c) != (mark.quittance_id, mark.cancellation_id):
            issued, cancelled = regie_selectors.receipts_since(
                after_quittance_id=mark.quittance_id,
                after_cancellation_id=mark.cancellation_id,
                through_quittance_id=through_q,
                through_cancellation_id=through_c,
            )
            _add_to_fold(issued, cancelled)
        mark.quittance_id, mark.cancellation_id, mark.folded_at = through_q, through_c, now
        mark.save(update_fields=["quittance_id", "cancellation_id", "folded_at"])
    return True


def _add_to_fold(issued: list[Any], cancelled: list[Any]) -> None:
    """Add totals to RevenueFold rows (one upsert per row of the batch)."""
    table = RevenueFold._meta.db_table
    with connection.cursor() as cursor:
        for rows, count_col, amount_col in (
            (issued, "receipts", "issued_dh"),
            (cancelled, "cancelled_count", "cancelled_dh"),
        ):
            for r in rows:
                cursor.execute(
                    f'INSERT INTO "{table}" (year, budget_line, receipts, issued_dh, cancelled_count, cancelled_dh) '  # noqa: S608
                    f"VALUES (%s, %s, 0, 0, 0, 0) ON CONFLICT (year, budget_line) DO NOTHING",
                    [r.year, r.budget_line],
                )
                cursor.execute(
                    f'UPDATE "{table}" SET {count_col} = {count_col} + %s, {amount_col} = {amount_col} + %s '  # noqa: S608
                    "WHERE year = %s AND budget_line = %s",
                    [r.count, r.amount_dh, r.year, r.budget_line],
                )
