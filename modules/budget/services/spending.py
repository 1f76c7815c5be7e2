"""The spending chain: engagement, liquidation, payment order, payment, each numbered without gaps per
exercice and checked against the line's credit."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    BudgetLine,
    BudgetStatus,
    Direction,
    Engagement,
    EngagementStatus,
    Liquidation,
    Payment,
    PaymentOrder,
)
from .budgets import _amount, _require, _text

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


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
