"""Writes of the régie: the numbered stub book.

A number is drawn under a row lock on its series (régie, exercice, series): many collectors issuing at the same
instant get consecutive numbers, never a gap or a duplicate. A quittance is cancelled only by a counter-entry
that a supervisor approves; nothing is edited or deleted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jamaa.platform.core.services import audit_record

from . import exceptions, permissions
from .models import (
    Quittance,
    QuittanceBlock,
    QuittanceCancellation,
    QuittanceSeries,
    Redevable,
    Tariff,
    Tax,
    Versement,
    VersementLevel,
)

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


def day_is_locked(*, regie_id: int, day: dt.date, agent_id: int | None = None) -> bool:
    """A day is locked for an agent once the agent's takings were closed, and for everyone once the régie's were."""
    locked = Q(level=VersementLevel.REGIE)
    if agent_id is not None:
        locked |= Q(level=VersementLevel.AGENT, agent_id=agent_id)
    return Versement.objects.filter(locked, regie_id=regie_id, day=day).exists()


@transaction.atomic
def block_allocate(
    *, collector: Any, allocated_by: Any, regie_id: int, exercice: int, size: int, series: str = "A"
) -> QuittanceBlock:
    """Give a collector the next `size` numbers of the series (the digital stub book), under the series lock:
    blocks never overlap and every number of the series is either a quittance or inside a block."""
    if not permissions.can_collect(collector):
        raise exceptions.NotACollector()
    if not 1 <= size <= 10_000:
        raise exceptions.InvalidQuittance(
            "A block holds between 1 and 10,000 numbers.", extra={"fields": {"size": ["1..10000"]}}
        )
    counter = series_get_or_create(regie_id=regie_id, exercice=exercice, series=series)
    counter = QuittanceSeries.objects.select_for_update().get(pk=counter.pk)
    first = counter.last_number + 1
    counter.last_number += size
    counter.save(update_fields=["last_number"])
    block = QuittanceBlock.objects.create(
        series=counter,
        collector=collector,
        first_number=first,
        last_number=counter.last_number,
        allocated_by=allocated_by,
    )
    audit_record(
        actor=allocated_by,
        action="regie.block.allocated",
        target=block,
        data={"collector": collector.pk, "first": first, "last": block.last_number},
    )
    return block


@transaction.atomic
def block_close(*, block_id: int, closed_by: Any) -> QuittanceBlock:
    """Close a block: its unused numbers are returned stubs, never reused (see selectors.series_report)."""
    block = QuittanceBlock.objects.select_for_update().get(pk=block_id)
    if block.closed_at is None:
        block.closed_at = timezone.now()
        block.save(update_fields=["closed_at"])
        audit_record(actor=closed_by, action="regie.block.closed", target=block, data={})
    return block


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
    liquidation_id: int | None = None,
    block_id: int | None = None,
    number: int | None = None,
    client_uuid: uuid.UUID | None = None,
    collected_at: dt.datetime | None = None,
) -> Quittance:
    """Issue a quittance: amount = base × rate in force on `on` + penalties. At the counter the number is the
    series' next one; from a collector's block (`block_id`, `number`) it is the number the collector used, which
    must lie in the collector's own open block and not be used yet. `on` is also the accounting day, refused once
    that day is closed. Raises NotACollector, NoTariff, InvalidQuittance, DayLocked, NumberOutsideBlock,
    NumberAlreadyUsed."""
    if not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    if base <= 0 or penalties_dh < 0 or not period.strip():
        raise exceptions.InvalidQuittance(extra={"base": str(base), "penalties_dh": str(penalties_dh)})
    if day_is_locked(regie_id=regie_id, day=on, agent_id=agent.pk):
        raise exceptions.DayLocked(extra={"day": on.isoformat()})
    tax = Tax.objects.get(pk=tax_id)
    redevable = Redevable.objects.get(pk=redevable_id)
    rate = tariff_in_force(tax_id=tax_id, on=on).rate
    amount = (base * rate).quantize(CENT, rounding=ROUND_HALF_UP) + penalties_dh
    if block_id is None:
        counter = series_get_or_create(regie_id=regie_id, exercice=exercice, series=series)
        counter = QuittanceSeries.objects.select_for_update().get(pk=counter.pk)
        counter.last_number += 1
        counter.save(update_fields=["last_number"])
        drawn = counter.last_number
    else:
        block = QuittanceBlock.objects.select_related("series").filter(pk=block_id).first()
        if (
            block is None
            or block.collector_id != agent.pk
            or block.closed_at is not None
            or block.series.regie_id != regie_id
            or block.series.exercice != exercice
            or number is None
            or not block.first_number <= number <= block.last_number
        ):
            raise exceptions.NumberOutsideBlock(extra={"number": number, "block_id": block_id})
        counter, drawn = block.series, number
        if Quittance.objects.filter(series=counter, number=number).exists():
            raise exceptions.NumberAlreadyUsed(extra={"number": number})
    try:
        with transaction.atomic():
            quittance = _quittance_create(
                counter=counter,
                drawn=drawn,
                redevable=redevable,
                tax=tax,
                period=period,
                base=base,
                rate=rate,
                penalties_dh=penalties_dh,
                amount=amount,
                payment_method=payment_method,
                agent=agent,
                on=on,
                liquidation_id=liquidation_id,
                block_id=block_id,
                client_uuid=client_uuid,
                collected_at=collected_at,
            )
    except IntegrityError as exc:
        # Two uploads racing for the same number (or UUID): the loser is told, nothing is half-written.
        if "regie_quittance_number_unique" in str(exc):
            raise exceptions.NumberAlreadyUsed(extra={"number": drawn}) from None
        raise
    audit_record(
        actor=agent,
        action="regie.quittance.issued",
        target=quittance,
        data={"number": quittance.number, "amount_dh": str(amount)},
    )
    return quittance


def _quittance_create(
    *,
    counter: QuittanceSeries,
    drawn: int,
    redevable: Redevable,
    tax: Tax,
    period: str,
    base: Decimal,
    rate: Decimal,
    penalties_dh: Decimal,
    amount: Decimal,
    payment_method: str,
    agent: Any,
    on: dt.date,
    liquidation_id: int | None,
    block_id: int | None,
    client_uuid: uuid.UUID | None,
    collected_at: dt.datetime | None,
) -> Quittance:
    return Quittance.objects.create(
        series=counter,
        number=drawn,
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
        day=on,
        liquidation_id=liquidation_id,
        block_id=block_id,
        client_uuid=client_uuid,
        collected_at=collected_at,
    )


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
