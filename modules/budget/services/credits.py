"""Credits after approval: amending budgets and transfers between lines."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import BudgetLine, BudgetStatus, CreditMovement, Direction, MovementKind
from .budgets import CENT, _amount, _require, _text


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
