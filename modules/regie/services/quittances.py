"""Quittances: the tariff in force, series and blocks of the stub book, and a quittance's issue under the day's
shared lock."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.inputs import amounts_too_large
from jamaa.platform.kernel.counter import counter_next, row_next
from jamaa.platform.kernel.service_inputs import service_input

from .. import exceptions, permissions
from ..models import (
    BudgetLine,
    IncidentKind,
    PaymentMethod,
    Quittance,
    QuittanceBlock,
    QuittanceSeries,
    Redevable,
    Regie,
    Tariff,
    Tax,
    Versement,
    VersementLevel,
)
from .incidents import incident_record

CENT = Decimal("0.01")
MAX_BLOCK_SIZE = 1_000  # a day's takings of the busiest collector, many times over

# A base whose amounts would not fit the register's columns (10 billion dirhams and more): refused as input.
AMOUNT_TOO_LARGE = "The amounts this base gives are too large to be recorded."


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
    if not Regie.objects.filter(pk=regie_id).exists():  # else the series' foreign key fails only at commit
        raise exceptions.RegieNotFound()
    if not 1 <= size <= MAX_BLOCK_SIZE:
        raise exceptions.InvalidQuittance(
            "A block holds between 1 and 1,000 numbers.", extra={"fields": {"size": [f"1..{MAX_BLOCK_SIZE}"]}}
        )
    this_year = timezone.localdate().year
    if not this_year - 1 <= exercice <= this_year + 1:
        # Numbers are drawn only for an exercice that can be open: last year (until its accounts close), this
        # year, and next year (blocks drawn late in December). A block for 2200 would reserve a series no one uses.
        raise exceptions.InvalidQuittance(
            "Blocks are drawn for last year, this year or next year only.",
            extra={"fields": {"exercice": [f"{this_year - 1}..{this_year + 1}"]}},
        )
    counter = series_get_or_create(regie_id=regie_id, exercice=exercice, series=series)
    first = row_next(model=QuittanceSeries, pk=counter.pk, count=size)
    counter.last_number = first + size - 1
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
        _record_block_gaps(block, by=closed_by)
    return block


def _record_block_gaps(block: QuittanceBlock, *, by: Any) -> None:
    """Numbers missing below the highest used one of a block being closed: receipts that may be in a payer's hand
    with no quittance (a payment refused for its amount or its day and never sent again, an outbox lost). Once
    the block is closed no payment may fill them: a number_gap incident for the régisseur (the unused tail
    above the highest used number is returned stubs, not a gap)."""
    used = set(Quittance.objects.filter(block=block).values_list("number", flat=True))
    if not used:
        return
    highest = max(used)
    missing = [n for n in range(block.first_number, highest) if n not in used]
    if not missing:
        return
    incident_record(
        actor=by,
        regie_id=block.series.regie_id,
        day=timezone.localdate(),
        kind=IncidentKind.NUMBER_GAP,
        agent=block.collector,
        data={
            "block_id": block.pk,
            "exercice": block.series.exercice,
            "series": block.series.series,
            "first_number": block.first_number,
            "last_number": block.last_number,
            "highest_used": highest,
            "missing": missing[:1000],
            "missing_count": len(missing),
        },
        key=f"block:{block.pk}",
    )


def _day_lock(*, regie_id: int, day: dt.date, exclusive: bool) -> None:
    """Transaction-scoped advisory lock on (commune, régie, day): the close takes it exclusively, each quittance
    issue in shared mode. Advisory locks span the whole database, hence the schema in the key."""
    name = f"{getattr(connection, 'schema_name', 'public')}:regie-day:{regie_id}:{day.isoformat()}"
    key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [key])


def _check_budget_line(*, regie_id: int, tax: Tax) -> None:
    """A régie collects only the budget lines its arrêté lists (a régie with none listed is not restricted yet)."""
    lines = set(BudgetLine.objects.filter(regies__id=regie_id).values_list("code", flat=True))
    if lines and tax.budget_line not in lines:
        raise exceptions.BudgetLineNotAuthorised(extra={"budget_line": tax.budget_line, "tax": tax.code})


def _counter_next(*, regie_id: int, exercice: int, kind: str) -> int:
    """The next number of an ordre, bordereau or versement of (régie, exercice): the kernel's gapless counter,
    under its row lock until the caller's transaction ends."""
    return counter_next(key=f"regie:{regie_id}:{kind}", year=exercice)


@dataclass(frozen=True)
class QuittanceInput:
    """What a quittance is issued for. At the counter the number is the series' next one; from a collector's
    block (`block_id`, `number`) it is the number the collector used. `on` is also the accounting day."""

    regie_id: int
    exercice: int
    redevable_id: int
    tax_id: int
    base: Decimal
    period: str
    payment_method: str
    on: dt.date
    penalties_dh: Decimal = Decimal("0")
    series: str = "A"
    liquidation_id: int | None = None
    block_id: int | None = None
    number: int | None = None
    client_uuid: uuid.UUID | None = None
    collected_at: dt.datetime | None = None
    cheque_number: str = ""
    cheque_bank: str = ""


@transaction.atomic
def quittance_issue(*, actor: Any, data: QuittanceInput | None = None, **keywords: Any) -> Quittance:
    """Issue a quittance: amount = base × rate in force on `on` + penalties. At the counter the number is the
    series' next one; from a collector's block (`block_id`, `number`) it is the number the collector used, which
    must lie in the collector's own open block and not be used yet. `on` is also the accounting day, refused once
    that day is closed. Raises NotACollector, NoTariff, InvalidQuittance, DayLocked, NumberOutsideBlock,
    NumberAlreadyUsed, BudgetLineNotAuthorised.

    `data` is a QuittanceInput; its fields given as keywords instead still work, for callers outside the régie."""
    return _quittance_issue(agent=actor, data=service_input(QuittanceInput, data, keywords), rate=None)


def _quittance_issue(*, agent: Any, data: QuittanceInput, rate: Decimal | None) -> Quittance:
    # `rate` is given only when paying a stored liquidation: the rate it was liquidated at.
    regie_id, exercice, tax_id, on = data.regie_id, data.exercice, data.tax_id, data.on
    base, penalties_dh, period, payment_method = data.base, data.penalties_dh, data.period, data.payment_method
    block_id, number = data.block_id, data.number
    if not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    if base <= 0 or penalties_dh < 0 or not period.strip():
        raise exceptions.InvalidQuittance(extra={"base": str(base), "penalties_dh": str(penalties_dh)})
    if payment_method not in PaymentMethod.values:
        raise exceptions.InvalidQuittance(extra={"fields": {"payment_method": [str(payment_method)]}})
    cheque_number, cheque_bank = data.cheque_number.strip(), data.cheque_bank.strip()
    if (cheque_number or cheque_bank) and payment_method != PaymentMethod.CHEQUE:
        raise exceptions.InvalidQuittance(extra={"fields": {"cheque_number": ["Only for a cheque payment."]}})
    # Shared with other issues, exclusive with the day's close: a close waits for issues in flight, and an
    # issue that waited for a close sees its versement below.
    _day_lock(regie_id=regie_id, day=on, exclusive=False)
    if day_is_locked(regie_id=regie_id, day=on, agent_id=agent.pk):
        raise exceptions.DayLocked(extra={"day": on.isoformat()})
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    redevable = Redevable.objects.filter(pk=data.redevable_id).first()
    if redevable is None:
        raise exceptions.RedevableNotFound()
    _check_budget_line(regie_id=regie_id, tax=tax)
    if rate is None:
        rate = tariff_in_force(tax_id=tax_id, on=on).rate
    amount = (base * rate).quantize(CENT, rounding=ROUND_HALF_UP) + penalties_dh
    if amounts_too_large(Quittance, base=base, penalties_dh=penalties_dh, amount_dh=amount):
        raise exceptions.InvalidQuittance(extra={"fields": {"base": [AMOUNT_TOO_LARGE]}})
    if block_id is None:
        counter = series_get_or_create(regie_id=regie_id, exercice=exercice, series=data.series)
        drawn = counter.last_number = row_next(model=QuittanceSeries, pk=counter.pk)
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
                data=data,
                counter=counter,
                drawn=drawn,
                redevable=redevable,
                tax=tax,
                rate=rate,
                amount=amount,
                agent=agent,
                cheque_number=cheque_number,
                cheque_bank=cheque_bank,
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
    data: QuittanceInput,
    counter: QuittanceSeries,
    drawn: int,
    redevable: Redevable,
    tax: Tax,
    rate: Decimal,
    amount: Decimal,
    agent: Any,
    cheque_number: str,
    cheque_bank: str,
) -> Quittance:
    return Quittance.objects.create(
        series=counter,
        number=drawn,
        redevable=redevable,
        payer_name=redevable.name,
        tax=tax,
        budget_line=tax.budget_line,
        period=data.period.strip(),
        base=data.base,
        rate=rate,
        penalties_dh=data.penalties_dh,
        amount_dh=amount,
        payment_method=data.payment_method,
        agent=agent,
        day=data.on,
        liquidation_id=data.liquidation_id,
        block_id=data.block_id,
        client_uuid=data.client_uuid,
        collected_at=data.collected_at,
        cheque_number=cheque_number or None,
        cheque_bank=cheque_bank or None,
    )
