"""Writes of the régie: the numbered stub book.

A number is drawn under a row lock on its series (régie, exercice, series): many collectors issuing at the same
instant get consecutive numbers, never a gap or a duplicate. A quittance is cancelled only by a counter-entry
that a supervisor approves; nothing is edited or deleted.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction

from jamaa.platform.core.services import audit_record

from . import exceptions, permissions
from .models import Quittance, QuittanceCancellation, QuittanceSeries, Redevable, Tariff, Tax

CENT = Decimal("0.01")


def tariff_in_force(*, tax_id: int, on: dt.date) -> Tariff:
    """The tax's rate on that day (versioned by date of effect). Raises NoTariff."""
    tariff = Tariff.objects.filter(tax_id=tax_id, valid_from__lte=on).order_by("-valid_from").first()
    if tariff is None:
        raise exceptions.NoTariff(extra={"tax_id": tax_id, "on": on.isoformat()})
    return tariff


def series_get_or_create(*, regie_id: int, exercice: int, series: str = "A") -> QuittanceSeries:
    try:
        with transaction.atomic():
            obj, _ = QuittanceSeries.objects.get_or_create(regie_id=regie_id, exercice=exercice, series=series)
    except IntegrityError:
        obj = QuittanceSeries.objects.get(regie_id=regie_id, exercice=exercice, series=series)
    return obj


@transaction.atomic
def quittance_issue(
    *,
    agent: Any,
    regie_id: int,
    exercice: int,
    redevable_id: int,
    tax_id: int,
    base: Decimal,
    period: str,
    payment_method: str,
    on: dt.date,
    penalties_dh: Decimal = Decimal("0"),
    series: str = "A",
) -> Quittance:
    """Issue the next quittance of the series: amount = base × rate in force + penalties, each step stored.
    Raises NotACollector, NoTariff, InvalidQuittance."""
    if not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    if base <= 0 or penalties_dh < 0 or not period.strip():
        raise exceptions.InvalidQuittance(extra={"base": str(base), "penalties_dh": str(penalties_dh)})
    tax = Tax.objects.get(pk=tax_id)
    redevable = Redevable.objects.get(pk=redevable_id)
    rate = tariff_in_force(tax_id=tax_id, on=on).rate
    amount = (base * rate).quantize(CENT, rounding=ROUND_HALF_UP) + penalties_dh
    counter = series_get_or_create(regie_id=regie_id, exercice=exercice, series=series)
    counter = QuittanceSeries.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    quittance = Quittance.objects.create(
        series=counter,
        number=counter.last_number,
        redevable=redevable,
        payer_name=redevable.name,
        tax=tax,
        budget_line=tax.budget_line,
        period=period.strip(),
        base=base,
        rate=rate,
        penalties_dh=penalties_dh,
        amount_dh=amount,
        payment_method=payment_method,
        agent=agent,
    )
    audit_record(
        actor=agent,
        action="regie.quittance.issued",
        target=quittance,
        data={"number": quittance.number, "amount_dh": str(amount)},
    )
    return quittance


@transaction.atomic
def quittance_cancel(*, quittance_id: int, requested_by: Any, approved_by: Any, reason: str) -> QuittanceCancellation:
    """Cancel by counter-entry: the number stays in the register. Raises QuittanceNotFound, NotACollector,
    NotASupervisor (or approving one's own request), AlreadyCancelled, InvalidQuittance (no reason)."""
    if not permissions.can_collect(requested_by):
        raise exceptions.NotACollector()
    if not permissions.can_approve_cancellation(approved_by) or approved_by.pk == requested_by.pk:
        raise exceptions.NotASupervisor()
    if not reason.strip():
        raise exceptions.InvalidQuittance(
            "A cancellation states its reason.", extra={"fields": {"reason": ["Required."]}}
        )
    try:
        quittance = Quittance.objects.select_for_update().get(pk=quittance_id)
    except Quittance.DoesNotExist:
        raise exceptions.QuittanceNotFound() from None
    if QuittanceCancellation.objects.filter(quittance=quittance).exists():
        raise exceptions.AlreadyCancelled()
    cancellation = QuittanceCancellation.objects.create(
        quittance=quittance,
        reason=reason.strip(),
        requested_by=requested_by,
        approved_by=approved_by,
        amount_dh=-quittance.amount_dh,
    )
    audit_record(
        actor=approved_by,
        action="regie.quittance.cancelled",
        target=quittance,
        reason=reason.strip(),
        data={"requested_by": requested_by.pk},
    )
    return cancellation
