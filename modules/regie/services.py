"""Writes of the régie: reference data, liquidations, the numbered stub book, cancellations, ordres de recette
and bordereaux, and the day's close (versement).

A number is drawn under a row lock on its counter (a quittance series, or a DocumentCounter for ordres,
bordereaux and versements): many users at the same instant get consecutive numbers, never a gap or a duplicate.
A quittance is cancelled only by a counter-entry that a supervisor approves; nothing is edited or deleted. A
day's close takes an exclusive advisory lock on (régie, day) that every quittance issue takes in shared mode, so
no quittance can slip into a day while it is being closed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from jamaa.platform.core.models import AuditEvent
from jamaa.platform.core.services import audit_record
from jamaa.platform.errors import DomainError
from jamaa.platform.inputs import amounts_too_large

from . import exceptions, permissions
from . import liquidation as formulas
from .models import (
    ORDRE_TRANSITIONS,
    Asset,
    AssetKind,
    BaseKind,
    Bordereau,
    BordereauStatus,
    BudgetLine,
    CancellationRequest,
    CancellationStatus,
    CounterKind,
    DocumentCounter,
    Incident,
    IncidentKind,
    Liquidation,
    LiquidationStatus,
    OrdreKind,
    OrdreRecette,
    OrdreRecetteEvent,
    OrdreRecetteLine,
    OrdreStatus,
    PaymentKey,
    PaymentMethod,
    Quittance,
    QuittanceBlock,
    QuittanceCancellation,
    QuittanceSeries,
    Redevable,
    Regie,
    RegieStaff,
    StaffRole,
    Tariff,
    Tax,
    Versement,
    VersementItem,
    VersementLevel,
)

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
        by=by,
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
    """The next number of an ordre, bordereau or versement, under the counter's row lock (gapless)."""
    try:
        with transaction.atomic():
            counter, _ = DocumentCounter.objects.get_or_create(regie_id=regie_id, exercice=exercice, kind=kind)
    except IntegrityError:
        counter = DocumentCounter.objects.get(regie_id=regie_id, exercice=exercice, kind=kind)
    counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


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
    cheque_number: str = "",
    cheque_bank: str = "",
) -> Quittance:
    """Issue a quittance: amount = base × rate in force on `on` + penalties. At the counter the number is the
    series' next one; from a collector's block (`block_id`, `number`) it is the number the collector used, which
    must lie in the collector's own open block and not be used yet. `on` is also the accounting day, refused once
    that day is closed. Raises NotACollector, NoTariff, InvalidQuittance, DayLocked, NumberOutsideBlock,
    NumberAlreadyUsed, BudgetLineNotAuthorised."""
    return _quittance_issue(
        agent=agent,
        regie_id=regie_id,
        exercice=exercice,
        redevable_id=redevable_id,
        tax_id=tax_id,
        base=base,
        period=period,
        payment_method=payment_method,
        on=on,
        penalties_dh=penalties_dh,
        series=series,
        liquidation_id=liquidation_id,
        block_id=block_id,
        number=number,
        client_uuid=client_uuid,
        collected_at=collected_at,
        rate=None,
        cheque_number=cheque_number,
        cheque_bank=cheque_bank,
    )


def _quittance_issue(
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
    penalties_dh: Decimal,
    series: str,
    liquidation_id: int | None,
    block_id: int | None,
    number: int | None,
    client_uuid: uuid.UUID | None,
    collected_at: dt.datetime | None,
    rate: Decimal | None,
    cheque_number: str = "",
    cheque_bank: str = "",
) -> Quittance:
    # `rate` is given only when paying a stored liquidation: the rate it was liquidated at.
    if not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    if base <= 0 or penalties_dh < 0 or not period.strip():
        raise exceptions.InvalidQuittance(extra={"base": str(base), "penalties_dh": str(penalties_dh)})
    if payment_method not in PaymentMethod.values:
        raise exceptions.InvalidQuittance(extra={"fields": {"payment_method": [str(payment_method)]}})
    cheque_number, cheque_bank = cheque_number.strip(), cheque_bank.strip()
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
    redevable = Redevable.objects.filter(pk=redevable_id).first()
    if redevable is None:
        raise exceptions.RedevableNotFound()
    _check_budget_line(regie_id=regie_id, tax=tax)
    if rate is None:
        rate = tariff_in_force(tax_id=tax_id, on=on).rate
    amount = (base * rate).quantize(CENT, rounding=ROUND_HALF_UP) + penalties_dh
    if amounts_too_large(Quittance, base=base, penalties_dh=penalties_dh, amount_dh=amount):
        raise exceptions.InvalidQuittance(extra={"fields": {"base": [AMOUNT_TOO_LARGE]}})
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
    cheque_number: str = "",
    cheque_bank: str = "",
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
        cheque_number=cheque_number or None,
        cheque_bank=cheque_bank or None,
    )


# --- Payments at the counter and through the API, idempotent by key ---------------------------------------------
# A cashier who presses "Collect" again after a timeout, a browser that resends the form, an API client that
# retries: each carries the key of the first attempt (the form's one-time token, the API's Idempotency-Key header)
# and gets the quittance that attempt issued — same number, nothing charged twice. The key is stored with the
# quittance, unique per agent in the database; the same key for another payment is refused (409).

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")


@dataclass(frozen=True)
class Payment:
    quittance: Quittance
    replayed: bool  # True: a retry, answered with the quittance the key's first attempt issued (nothing charged)


def _fingerprint(**what: Any) -> str:
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def _once(*, agent: Any, key: str | None, fingerprint: str, pay: Callable[[], Quittance]) -> Payment:
    """Run `pay` once per (agent, key): under a lock on the key, a key already recorded answers its quittance
    (the same payment) or IdempotencyKeyReused (another one); otherwise pay and record the key with it."""
    if key is None:
        return Payment(pay(), replayed=False)
    if not IDEMPOTENCY_KEY.match(key):
        raise exceptions.InvalidIdempotencyKey(extra={"fields": {"idempotency_key": ["1..100 visible characters."]}})
    # Concurrent retries wait here for the first one, then find its key (read committed: a fresh snapshot).
    _advisory_xact_lock(f"regie-payment-key:{agent.pk}:{key}")
    found = PaymentKey.objects.select_related("quittance").filter(agent_id=agent.pk, key=key).first()
    if found is not None:
        if found.fingerprint != fingerprint:
            raise exceptions.IdempotencyKeyReused(extra={"quittance_id": found.quittance_id})
        return Payment(found.quittance, replayed=True)
    quittance = pay()
    PaymentKey.objects.create(agent=agent, key=key, fingerprint=fingerprint, quittance=quittance)
    return Payment(quittance, replayed=False)


@transaction.atomic
def counter_payment(
    *,
    agent: Any,
    idempotency_key: str | None,
    regie_id: int,
    redevable_id: int,
    tax_id: int,
    base: Decimal,
    period: str,
    payment_method: str,
    on: dt.date,
    cheque_number: str = "",
    cheque_bank: str = "",
) -> Payment:
    """A payment at the counter (a fixed fee or tariff: base × rate in force `on`), once per idempotency key: a
    retry returns the first quittance. A cheque carries its number and bank. Raises InvalidIdempotencyKey,
    IdempotencyKeyReused, and quittance_issue's errors."""
    fingerprint = _fingerprint(
        kind="counter",
        regie=regie_id,
        redevable=redevable_id,
        tax=tax_id,
        base=str(Decimal(base).quantize(CENT)),
        period=period.strip(),
        method=payment_method,
        **({"cheque": [cheque_number.strip(), cheque_bank.strip()]} if cheque_number or cheque_bank else {}),
    )
    return _once(
        agent=agent,
        key=idempotency_key,
        fingerprint=fingerprint,
        pay=lambda: quittance_issue(
            agent=agent,
            regie_id=regie_id,
            exercice=on.year,
            redevable_id=redevable_id,
            tax_id=tax_id,
            base=base,
            period=period,
            payment_method=payment_method,
            on=on,
            cheque_number=cheque_number,
            cheque_bank=cheque_bank,
        ),
    )


@transaction.atomic
def liquidation_payment(
    *, agent: Any, idempotency_key: str | None, liquidation_id: int, payment_method: str, on: dt.date | None = None
) -> Payment:
    """Pay a liquidation (liquidation_pay) once per idempotency key: a retry returns the first quittance instead
    of "already paid". Raises InvalidIdempotencyKey, IdempotencyKeyReused, and liquidation_pay's errors."""
    fingerprint = _fingerprint(kind="liquidation", liquidation=liquidation_id, method=payment_method)
    return _once(
        agent=agent,
        key=idempotency_key,
        fingerprint=fingerprint,
        pay=lambda: liquidation_pay(agent=agent, liquidation_id=liquidation_id, payment_method=payment_method, on=on),
    )


# --- Quittances from collectors' devices, a batch at a time ------------------------------------------------


@dataclass(frozen=True)
class BlockQuittance:
    """One payment a collector took offline, numbered from the collector's block (for quittances_issue_batch)."""

    regie_id: int
    exercice: int
    series: str
    block_id: int
    number: int
    redevable_id: int
    tax_id: int
    base: Decimal
    period: str
    payment_method: str
    on: dt.date
    client_uuid: uuid.UUID | None = None
    collected_at: dt.datetime | None = None
    receipt_dh: Decimal | None = None  # the amount the payer's receipt shows: refused if the tariff gives another


def _day_locks_shared(pairs: set[tuple[int, dt.date]]) -> None:
    """_day_lock in shared mode for several (régie, day) at once: one statement. Shared locks never wait for each
    other, only for a close holding its day exclusively, so the order they are taken in cannot deadlock."""
    if not pairs:
        return
    schema = getattr(connection, "schema_name", "public")
    keys = sorted(
        int.from_bytes(
            hashlib.blake2b(f"{schema}:regie-day:{regie_id}:{day.isoformat()}".encode(), digest_size=8).digest(),
            "big",
            signed=True,
        )
        for regie_id, day in pairs
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_advisory_xact_lock_shared(k)) FROM unnest(%s::bigint[]) AS k", [keys])


def _constraint(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return str(getattr(diag, "constraint_name", "") or exc)


@transaction.atomic
def quittances_issue_batch(*, agent: Any, items: list[BlockQuittance]) -> list[Quittance | DomainError]:
    """Issue the quittances of a collector's sync, each from the collector's block: the same checks as
    quittance_issue, item by item, but the context is read once for the whole batch (the agent's role, taxes,
    tariffs, redevables, budget lines, blocks, numbers already used, closed days) and the rows are written in one
    INSERT. Returns, in order, each item's Quittance or the DomainError refusing it (NoTariff,
    ReceiptAmountMismatch, NotACollector, InvalidQuittance, DayLocked, TaxNotFound, RedevableNotFound,
    BudgetLineNotAuthorised, NumberOutsideBlock, NumberAlreadyUsed, ClientUuidTaken); a refused item writes
    nothing and takes nothing else with it."""
    if not items:
        return []
    may_collect = permissions.can_collect(agent)
    tax_ids = {i.tax_id for i in items}
    taxes = {t.pk: t for t in Tax.objects.filter(pk__in=tax_ids)}
    redevables = {r.pk: r for r in Redevable.objects.filter(pk__in={i.redevable_id for i in items})}
    tariffs: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for tax_id, valid_from, rate in (
        Tariff.objects.filter(tax_id__in=tax_ids, valid_from__lte=max(i.on for i in items))
        .order_by("tax_id", "-valid_from")
        .values_list("tax_id", "valid_from", "rate")
    ):
        tariffs.setdefault(tax_id, []).append((valid_from, rate))
    regie_ids = {i.regie_id for i in items}
    lines: dict[int, set[str]] = {}
    for regie_id, code in BudgetLine.objects.filter(regies__id__in=regie_ids).values_list("regies__id", "code"):
        lines.setdefault(regie_id, set()).add(code)
    blocks = {
        b.pk: b for b in QuittanceBlock.objects.select_related("series").filter(pk__in={i.block_id for i in items})
    }
    used = set(
        Quittance.objects.filter(
            series_id__in={b.series_id for b in blocks.values()}, number__in={i.number for i in items}
        ).values_list("series_id", "number")
    )
    # Shared with other issues, exclusive with the day's close (see _day_lock); then the closed days are read.
    days = {(i.regie_id, i.on) for i in items}
    _day_locks_shared(days)
    locked = set(
        Versement.objects.filter(
            Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=agent.pk),
            regie_id__in=regie_ids,
            day__in={d for _, d in days},
        ).values_list("regie_id", "day")
    )
    # Cash taken offline on a day the close reached before the sync is never refused: it is booked into the next
    # day still open (its real time kept in collected_at, its tariff the one of the day it was taken) and the
    # régisseur gets a late_payment incident. The closed day's versement is numbered and paid in: it never changes.
    late_days = _next_open_days(
        agent_id=agent.pk, pairs={(i.regie_id, i.on) for i in items if i.collected_at is not None} & locked
    )

    def rate_on(tax_id: int, on: dt.date) -> Decimal:
        for valid_from, rate in tariffs.get(tax_id, ()):
            if valid_from <= on:
                return rate
        raise exceptions.NoTariff(extra={"tax_id": tax_id, "on": on.isoformat()})

    def check(item: BlockQuittance) -> Quittance:
        """The checks of _quittance_issue, in its order, against what was read above."""
        rate = rate_on(item.tax_id, item.on)
        amount = (item.base * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        if amounts_too_large(Quittance, base=item.base, amount_dh=amount):
            raise exceptions.InvalidQuittance(extra={"fields": {"base": [AMOUNT_TOO_LARGE]}})
        if item.receipt_dh is not None and item.receipt_dh != amount:
            raise exceptions.ReceiptAmountMismatch(extra={"receipt_dh": str(item.receipt_dh), "tariff_dh": str(amount)})
        if not may_collect:
            raise exceptions.NotACollector()
        if item.base <= 0 or not item.period.strip():
            raise exceptions.InvalidQuittance(extra={"base": str(item.base), "penalties_dh": "0"})
        if item.payment_method not in PaymentMethod.values:
            raise exceptions.InvalidQuittance(extra={"fields": {"payment_method": [str(item.payment_method)]}})
        day = item.on
        if (item.regie_id, item.on) in locked:
            late = late_days.get((item.regie_id, item.on)) if item.collected_at is not None else None
            if late is None:
                raise exceptions.DayLocked(extra={"day": item.on.isoformat()})
            day = late
        tax = taxes.get(item.tax_id)
        if tax is None:
            raise exceptions.TaxNotFound()
        redevable = redevables.get(item.redevable_id)
        if redevable is None:
            raise exceptions.RedevableNotFound()
        authorised = lines.get(item.regie_id)
        if authorised and tax.budget_line not in authorised:
            raise exceptions.BudgetLineNotAuthorised(extra={"budget_line": tax.budget_line, "tax": tax.code})
        block = blocks.get(item.block_id)
        if (
            block is None
            or block.collector_id != agent.pk
            or block.closed_at is not None
            or block.series.regie_id != item.regie_id
            or block.series.exercice != item.exercice
            or block.series.series != item.series
            or not block.first_number <= item.number <= block.last_number
        ):
            raise exceptions.NumberOutsideBlock(extra={"number": item.number, "block_id": item.block_id})
        if (block.series_id, item.number) in used:
            raise exceptions.NumberAlreadyUsed(extra={"number": item.number})
        used.add((block.series_id, item.number))  # a number twice in the batch: the second is refused
        return Quittance(
            series=block.series,
            number=item.number,
            redevable=redevable,
            payer_name=redevable.name,
            tax=tax,
            budget_line=tax.budget_line,
            period=item.period.strip(),
            base=item.base,
            rate=rate,
            penalties_dh=Decimal("0"),
            amount_dh=amount,
            payment_method=item.payment_method,
            agent=agent,
            day=day,
            block_id=item.block_id,
            client_uuid=item.client_uuid,
            collected_at=item.collected_at,
        )

    results: list[Quittance | DomainError] = []
    for item in items:
        try:
            results.append(check(item))
        except DomainError as err:
            results.append(err)
    rows = [r for r in results if isinstance(r, Quittance)]
    if rows:
        _quittances_insert(results)
        issued = [r for r in results if isinstance(r, Quittance)]
        _audit_many(
            actor=agent,
            action="regie.quittance.issued",
            targets=[(q, {"number": q.number, "amount_dh": str(q.amount_dh)}) for q in issued],
        )
        for item, result in zip(items, results, strict=True):
            if isinstance(result, Quittance) and result.day != item.on:
                incident_record(
                    by=agent,
                    regie_id=item.regie_id,
                    day=item.on,
                    kind=IncidentKind.LATE_PAYMENT,
                    agent=agent,
                    amount_dh=result.amount_dh,
                    data={
                        "quittance_id": result.pk,
                        "number": result.number,
                        "client_uuid": str(item.client_uuid or ""),
                        "taken_on": item.on.isoformat(),
                        "booked_on": result.day.isoformat(),
                        "collected_at": item.collected_at.isoformat() if item.collected_at else "",
                    },
                    key=f"late:{item.client_uuid or result.pk}",
                )
    return results


def _next_open_days(*, agent_id: int, pairs: set[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], dt.date]:
    """For each closed (régie, day): the first later day of the same year still open for the agent (neither the
    régie's nor the agent's close), its shared day lock taken like any issue's. A day with none (the year's
    last days all closed) is left out: its payments stay refused as DAY_LOCKED, listed to the régisseur."""
    found: dict[tuple[int, dt.date], dt.date] = {}
    for regie_id, day in pairs:
        closed = set(
            Versement.objects.filter(
                Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=agent_id),
                regie_id=regie_id,
                day__gt=day,
                day__year=day.year,
            ).values_list("day", flat=True)
        )
        candidate = day + dt.timedelta(days=1)
        while candidate in closed:
            candidate += dt.timedelta(days=1)
        if candidate.year == day.year:
            found[(regie_id, day)] = candidate
    _day_locks_shared({(regie_id, d) for (regie_id, _), d in found.items()})
    # A close of that day that committed before the lock was taken: those payments wait for the next sync.
    raced = set(
        Versement.objects.filter(
            Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=agent_id),
            regie_id__in={r for r, _ in found},
            day__in=set(found.values()),
        ).values_list("regie_id", "day")
    )
    return {key: d for key, d in found.items() if (key[0], d) not in raced}


def _quittances_insert(results: list[Quittance | DomainError]) -> None:
    """One INSERT for the batch, in a savepoint. Only when it fails (an upload racing this one took a number or a
    UUID meanwhile) is each row inserted in a savepoint of its own, so the loser of a race is told and the others
    are kept. Refusals replace the rows in `results`."""
    rows = [r for r in results if isinstance(r, Quittance)]
    try:
        with transaction.atomic():
            Quittance.objects.bulk_create(rows)
        return
    except IntegrityError:
        for row in rows:
            row.pk = None
    for index, item in enumerate(results):
        if not isinstance(item, Quittance):
            continue
        row = item
        try:
            with transaction.atomic():
                row.save(force_insert=True)
        except IntegrityError as exc:
            row.pk = None
            constraint = _constraint(exc)
            if "regie_quittance_number_unique" in constraint:
                results[index] = exceptions.NumberAlreadyUsed(extra={"number": row.number})
            elif "client_uuid" in constraint:
                results[index] = exceptions.ClientUuidTaken(extra={"client_uuid": str(row.client_uuid)})
            else:
                raise


def _audit_many(*, actor: Any, action: str, targets: list[tuple[Any, dict[str, Any]]]) -> None:
    """audit_record for many targets in one INSERT (the same rows it writes)."""
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    label = actor.get_username() if actor is not None and actor_id is not None else "system"
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_id=actor_id,
            actor_label=label,
            action=action,
            target_type=target._meta.label,
            target_id=str(target.pk),
            data=data,
        )
        for target, data in targets
    )


# --- Incidents: what the régisseur must look at ----------------------------------------------------------------


def _advisory_xact_lock(name: str) -> None:
    """A transaction-scoped advisory lock on a name of this commune (advisory locks span the whole database)."""
    key = int.from_bytes(
        hashlib.blake2b(f"{getattr(connection, 'schema_name', 'public')}:{name}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def incident_record(
    *,
    by: Any,
    regie_id: int,
    day: dt.date,
    kind: str,
    agent: Any = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    amount_dh: Decimal | None = None,
    key: str = "",
) -> Incident:
    """Record an incident for the régisseur (IncidentKind: a cash difference, a number missing from a block, a
    payment refused for its number). With `key` (what makes it the same incident: a refused payment's UUID, a
    block), it is recorded once: the same kind and key again answers the incident already there (a device
    sending a refused payment again adds nothing). Never edited nor deleted (trigger). Audited. Raises
    RegieNotFound, InvalidIncident."""
    if kind not in IncidentKind.values:
        raise exceptions.InvalidIncident(extra={"fields": {"kind": [str(kind)]}})
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    payload = dict(data or {})
    if key:
        payload["key"] = key
        # Serialises the same key's recorders: the second sees the first's row once it commits.
        _advisory_xact_lock(f"regie-incident:{kind}:{key}")
        existing = Incident.objects.filter(regie_id=regie_id, kind=kind, data__key=key).first()
        if existing is not None:
            return existing
    incident = Incident.objects.create(
        regie_id=regie_id,
        day=day,
        agent=agent,
        kind=kind,
        amount_dh=amount_dh,
        note=note.strip(),
        data=payload,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="regie.incident.recorded",
        target=incident,
        reason=note.strip(),
        data={"kind": kind, "day": day.isoformat(), "agent": getattr(agent, "pk", None), **payload},
    )
    return incident


@transaction.atomic
def quittance_cancel(*, quittance_id: int, requested_by: Any, approved_by: Any, reason: str) -> QuittanceCancellation:
    """Cancel by counter-entry: the number stays in the register. Raises QuittanceNotFound, NotACollector,
    NotASupervisor (or approving one's own request), AlreadyCancelled, InvalidQuittance (no reason), DayLocked
    (the quittance's day was already closed and paid in)."""
    if not permissions.can_collect(requested_by):
        raise exceptions.NotACollector()
    return _quittance_counter_entry(
        quittance_id=quittance_id, requested_by=requested_by, approved_by=approved_by, reason=reason
    )


def _quittance_counter_entry(
    *, quittance_id: int, requested_by: Any, approved_by: Any, reason: str
) -> QuittanceCancellation:
    if not permissions.can_approve_cancellation(approved_by) or approved_by.pk == requested_by.pk:
        raise exceptions.NotASupervisor()
    if not reason.strip():
        raise exceptions.InvalidQuittance(
            "A cancellation states its reason.", extra={"fields": {"reason": ["Required."]}}
        )
    try:
        quittance = Quittance.objects.select_for_update().select_related("series").get(pk=quittance_id)
    except Quittance.DoesNotExist:
        raise exceptions.QuittanceNotFound() from None
    if QuittanceCancellation.objects.filter(quittance=quittance).exists():
        raise exceptions.AlreadyCancelled()
    _refuse_if_paid_in(quittance)
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


def _refuse_if_paid_in(quittance: Quittance) -> None:
    """A quittance already counted in a versement (its day closed) keeps its amount: the cash was paid in."""
    _day_lock(regie_id=quittance.series.regie_id, day=quittance.day, exclusive=False)
    if VersementItem.objects.filter(quittance=quittance).exists():
        raise exceptions.DayLocked(extra={"day": quittance.day.isoformat()})


# --- Reference: redevables, biens/activités, default taxes ------------------------------------------------


def _clean(value: str) -> str:
    return " ".join((value or "").split())


@transaction.atomic
def redevable_create(
    *, by: Any, name: str, cin: str = "", rc: str = "", ice: str = "", address: str = "", name_ar: str = ""
) -> Redevable:
    """Register a taxpayer (a person by CIN, a company by RC and/or ICE), with the name in Arabic script if known.
    Raises NotACollector, InvalidRedevable."""
    if not permissions.can_collect(by):
        raise exceptions.NotACollector()
    given = {"name": name, "cin": cin, "rc": rc, "ice": ice, "address": address, "name_ar": name_ar}
    not_text = {key: ["A text is expected."] for key, value in given.items() if not isinstance(value, str)}
    if not_text:  # a number from a JSON body (1e999999 → "INF") is no identifier
        raise exceptions.InvalidRedevable(extra={"fields": not_text})
    name, cin, rc, ice = _clean(name), _clean(cin).upper(), _clean(rc), _clean(ice)
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = ["Required."]
    if not (cin or rc or ice):
        fields["cin"] = ["A CIN, an RC or an ICE is required."]
    if ice and not (ice.isdigit() and len(ice) == 15):
        fields["ice"] = ["An ICE has 15 digits."]
    if fields:
        raise exceptions.InvalidRedevable(extra={"fields": fields})
    redevable = Redevable.objects.create(
        name=name, name_ar=_clean(name_ar), cin=cin, rc=rc, ice=ice, address=_clean(address)
    )
    audit_record(actor=by, action="regie.redevable.created", target=redevable, data={"name": name})
    return redevable


@transaction.atomic
def asset_create(
    *,
    by: Any,
    redevable_id: int,
    kind: str,
    reference: str,
    label: str = "",
    address: str = "",
    surface_m2: Decimal | None = None,
    category: str = "",
    tax_id: int | None = None,
) -> Asset:
    """Record a bien or activité of a redevable (parcel, terrace, taxi…) and the tax it owes. Raises
    NotACollector, RedevableNotFound, TaxNotFound, InvalidAsset (a tax per m² needs the surface)."""
    if not permissions.can_collect(by):
        raise exceptions.NotACollector()
    if not Redevable.objects.filter(pk=redevable_id).exists():
        raise exceptions.RedevableNotFound()
    tax = None
    if tax_id is not None:
        tax = Tax.objects.filter(pk=tax_id).first()
        if tax is None:
            raise exceptions.TaxNotFound()
    fields: dict[str, list[str]] = {}
    if kind not in AssetKind.values:
        fields["kind"] = [f"One of {', '.join(AssetKind.values)}."]
    if not _clean(reference):
        fields["reference"] = ["Required."]
    if surface_m2 is not None and surface_m2 <= 0:
        fields["surface_m2"] = [gettext("Must be positive.")]
    if tax is not None and tax.base_kind == BaseKind.AREA and surface_m2 is None:
        fields["surface_m2"] = ["A tax per m² needs the surface."]
    if fields:
        raise exceptions.InvalidAsset(extra={"fields": fields})
    asset = Asset.objects.create(
        redevable_id=redevable_id,
        kind=kind,
        reference=_clean(reference),
        label=_clean(label),
        address=_clean(address),
        surface_m2=surface_m2,
        category=_clean(category),
        tax=tax,
    )
    audit_record(actor=by, action="regie.asset.created", target=asset, data={"reference": asset.reference})
    return asset


# Budget lines (code, label FR, label AR) and taxes (code, FR, AR, base kind, budget line, [(from, rate, arrêté)])
# a commune starts with; tariffs from the domain note (confirm each against the commune's arrêté fiscal).
DEFAULT_BUDGET_LINES = (
    ("10.20.11", "Taxe sur les terrains urbains non bâtis", "الرسم على الأراضي الحضرية غير المبنية"),
    ("10.20.12", "Taxe sur les opérations de construction", "الرسم على عمليات البناء"),
    ("10.20.21", "Taxe sur les débits de boissons", "الرسم على محال بيع المشروبات"),
    ("10.20.22", "Taxe de séjour", "رسم الإقامة بالمؤسسات السياحية"),
    ("10.20.23", "Taxe sur le transport public de voyageurs", "الرسم على النقل العمومي للمسافرين"),
    ("10.20.31", "Redevance d'occupation temporaire du domaine public", "إتاوة الاحتلال المؤقت للملك العمومي"),
    ("401", "Droits de légalisation et de certification", "رسوم تصحيح الإمضاء والإشهاد"),
)
DEFAULT_TAXES: tuple[tuple[str, str, str, str, str, tuple[tuple[dt.date, str, str], ...]], ...] = (
    (
        "TNB",
        "Taxe sur les terrains urbains non bâtis",
        "الرسم على الأراضي الحضرية غير المبنية",
        BaseKind.AREA,
        "10.20.11",
        ((dt.date(2021, 1, 1), "20", "Arrêté fiscal 2021"), (dt.date(2026, 1, 1), "30", "Loi 14-25")),
    ),
    (
        "CONSTRUCTION",
        "Taxe sur les opérations de construction",
        "الرسم على عمليات البناء",
        BaseKind.AREA,
        "10.20.12",
        ((dt.date(2021, 1, 1), "20", "Arrêté fiscal 2021"),),
    ),
    (
        "BOISSONS",
        "Taxe sur les débits de boissons",
        "الرسم على محال بيع المشروبات",
        BaseKind.SALES_PERCENT,
        "10.20.21",
        ((dt.date(2021, 1, 1), "0.08", "Arrêté fiscal 2021"),),
    ),
    (
        "SEJOUR",
        "Taxe de séjour",
        "رسم الإقامة بالمؤسسات السياحية",
        BaseKind.NIGHT,
        "10.20.22",
        ((dt.date(2021, 1, 1), "15", "Arrêté fiscal 2021"),),
    ),
    (
        "TRANSPORT",
        "Taxe sur le transport public de voyageurs (taxi, par trimestre)",
        "الرسم على النقل العمومي للمسافرين",
        BaseKind.QUARTER,
        "10.20.23",
        ((dt.date(2021, 1, 1), "150", "Arrêté fiscal 2021"),),
    ),
    (
        "ODP",
        "Occupation temporaire du domaine public (terrasses, par m² et par trimestre)",
        "الاحتلال المؤقت للملك العمومي",
        BaseKind.AREA,
        "10.20.31",
        ((dt.date(2021, 1, 1), "70", "Arrêté fiscal 2021"),),
    ),
    (
        "LEGALISATION",
        "Légalisation de signature / certification conforme",
        "تصحيح الإمضاء والإشهاد بالمطابقة",
        BaseKind.FIXED,
        "401",
        ((dt.date(2021, 1, 1), "20", "Arrêté fiscal 2021"),),
    ),
)


@transaction.atomic
def reference_install_defaults(*, regie_id: int | None = None) -> Regie:
    """Seed, idempotently, a régie (if none), the budget lines and the domain note's taxes with their tariffs;
    existing rows are left as they are. Returns the régie. Raises RegieNotFound for an unknown regie_id."""
    if regie_id is not None:
        regie = Regie.objects.filter(pk=regie_id).first()
        if regie is None:
            raise exceptions.RegieNotFound()
    else:
        regie = Regie.objects.order_by("pk").first() or Regie.objects.create(
            name_fr="Régie des recettes",
            name_ar="وكالة المداخيل",
            arrete_number="1/2026",
            arrete_date=dt.date(2026, 1, 2),
            cash_ceiling_dh=Decimal("50000"),
        )
    lines = []
    for code, label_fr, label_ar in DEFAULT_BUDGET_LINES:
        line, _ = BudgetLine.objects.get_or_create(code=code, defaults={"label_fr": label_fr, "label_ar": label_ar})
        lines.append(line)
    regie.budget_lines.add(*lines)
    for code, name_fr, name_ar, base_kind, budget_line, tariffs in DEFAULT_TAXES:
        tax, created = Tax.objects.get_or_create(
            code=code,
            defaults={"name_fr": name_fr, "name_ar": name_ar, "base_kind": base_kind, "budget_line": budget_line},
        )
        if created:
            for valid_from, rate, arrete in tariffs:
                Tariff.objects.create(tax=tax, rate=Decimal(rate), valid_from=valid_from, arrete_reference=arrete)
        elif not tax.tariffs.exists():
            valid_from, rate, arrete = tariffs[-1]
            Tariff.objects.create(tax=tax, rate=Decimal(rate), valid_from=valid_from, arrete_reference=arrete)
    audit_record(actor=None, action="regie.reference.installed", target=regie, data={})
    return regie


# --- Liquidation ----------------------------------------------------------------------------------------


def _round_base(base_kind: str, base: Decimal) -> tuple[Decimal, dict[str, str]]:
    """The taxable base as the law counts it: a started m² (or quarter, night, act) counts whole; a turnover is
    counted to the centime. Returns the base and its step."""
    if base_kind == BaseKind.SALES_PERCENT:
        rounded = base.quantize(CENT, rounding=ROUND_HALF_UP)
        return rounded, {"label": "base", "formula": f"{base} DH of sales", "amount": str(rounded)}
    rounded = base.to_integral_value(rounding=ROUND_CEILING)
    units: dict[str, str] = {BaseKind.AREA: "m²", BaseKind.QUARTER: "quarter(s)", BaseKind.NIGHT: "night(s)"}
    unit = units.get(base_kind, "act(s)")
    formula = f"{base} {unit}"
    if rounded != base:
        formula += f" → {rounded}: a started {unit.rstrip('(s)')} counts whole"
    return rounded, {"label": "base", "formula": formula, "amount": str(rounded)}


@transaction.atomic
def liquidation_create(
    *,
    by: Any,
    regie_id: int,
    redevable_id: int,
    tax_id: int,
    base: Decimal,
    period: str,
    on: dt.date,
    asset_id: int | None = None,
    declaration_due: dt.date | None = None,
    declared_on: dt.date | None = None,
    payment_due: dt.date | None = None,
) -> Liquidation:
    """Liquidate a declaration: base rounded as the law counts it × the rate in force on `on`, plus the
    late-declaration and late-payment penalties for payment on `on`; every step is stored. Raises NotACollector,
    RegieNotFound, TaxNotFound, RedevableNotFound, NoTariff, InvalidLiquidation, BudgetLineNotAuthorised."""
    if not permissions.can_collect(by):
        raise exceptions.NotACollector()
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    if not Redevable.objects.filter(pk=redevable_id).exists():
        raise exceptions.RedevableNotFound()
    fields: dict[str, list[str]] = {}
    try:
        base = Decimal(base)
    except (InvalidOperation, TypeError, ValueError):
        base = Decimal("0")
    if base <= 0:
        fields["base"] = [gettext("Must be positive.")]
    if not _clean(period):
        fields["period"] = ["Required."]
    if asset_id is not None and not Asset.objects.filter(pk=asset_id, redevable_id=redevable_id).exists():
        fields["asset_id"] = ["Not a bien of this redevable."]
    if declared_on is not None and declared_on > on:
        fields["declared_on"] = ["After the day of the computation."]
    if fields:
        raise exceptions.InvalidLiquidation(extra={"fields": fields})
    _check_budget_line(regie_id=regie_id, tax=tax)
    tariff = tariff_in_force(tax_id=tax_id, on=on)
    rounded, base_step = _round_base(tax.base_kind, base)
    result = formulas.liquidate(
        base=rounded,
        rate=tariff.rate,
        declaration_due=declaration_due,
        declared_on=declared_on,
        payment_due=payment_due,
        paid_on=on,
    )
    if amounts_too_large(
        Liquidation,
        base=rounded,
        principal_dh=result.principal,
        declaration_penalty_dh=result.declaration_penalty,
        payment_penalty_dh=result.payment_penalty,
        total_dh=result.total,
    ):
        raise exceptions.InvalidLiquidation(extra={"fields": {"base": [AMOUNT_TOO_LARGE]}})
    steps = [base_step] + [{"label": s.label, "formula": s.formula, "amount": str(s.amount)} for s in result.steps]
    liquidation = Liquidation.objects.create(
        regie_id=regie_id,
        redevable_id=redevable_id,
        asset_id=asset_id,
        tax=tax,
        tariff=tariff,
        period=_clean(period),
        base=rounded,
        rate=tariff.rate,
        principal_dh=result.principal,
        declaration_penalty_dh=result.declaration_penalty,
        payment_penalty_dh=result.payment_penalty,
        total_dh=result.total,
        declaration_due=declaration_due,
        declared_on=declared_on,
        payment_due=payment_due,
        computed_on=on,
        steps=steps,
        created_by=by,
    )
    audit_record(
        actor=by,
        action="regie.liquidation.created",
        target=liquidation,
        data={"tax": tax.code, "base": str(rounded), "total_dh": str(result.total)},
    )
    return liquidation


@transaction.atomic
def liquidation_pay(*, agent: Any, liquidation_id: int, payment_method: str, on: dt.date | None = None) -> Quittance:
    """Pay a liquidation at the counter: one quittance for its total (principal + both penalties), and the
    liquidation becomes paid, in one transaction. Raises LiquidationNotFound, LiquidationNotPayable (paid twice,
    ordered, cancelled), LiquidationOutdated (paid on a day the penalties differ), and quittance_issue's errors."""
    on = on or timezone.localdate()
    if not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    liquidation = Liquidation.objects.select_for_update().filter(pk=liquidation_id).first()
    if liquidation is None:
        raise exceptions.LiquidationNotFound()
    if liquidation.status != LiquidationStatus.LIQUIDATED:
        raise exceptions.LiquidationNotPayable(extra={"status": liquidation.status})
    if on != liquidation.computed_on:
        again = formulas.liquidate(
            base=liquidation.base,
            rate=liquidation.rate,
            declaration_due=liquidation.declaration_due,
            declared_on=liquidation.declared_on,
            payment_due=liquidation.payment_due,
            paid_on=on,
        )
        if again.total != liquidation.total_dh:
            raise exceptions.LiquidationOutdated(
                extra={"computed_on": liquidation.computed_on.isoformat(), "total_dh_on_day": str(again.total)}
            )
    quittance = _quittance_issue(
        agent=agent,
        regie_id=liquidation.regie_id,
        exercice=on.year,
        redevable_id=liquidation.redevable_id,
        tax_id=liquidation.tax_id,
        base=liquidation.base,
        period=liquidation.period,
        payment_method=payment_method,
        on=on,
        penalties_dh=liquidation.declaration_penalty_dh + liquidation.payment_penalty_dh,
        series="A",
        liquidation_id=liquidation.pk,
        block_id=None,
        number=None,
        client_uuid=None,
        collected_at=None,
        rate=liquidation.rate,
    )
    liquidation.status = LiquidationStatus.PAID
    liquidation.save(update_fields=["status"])
    audit_record(actor=agent, action="regie.liquidation.paid", target=liquidation, data={"quittance": quittance.pk})
    return quittance


@transaction.atomic
def liquidation_cancel(*, by: Any, liquidation_id: int, reason: str) -> Liquidation:
    """Cancel a liquidation not yet paid nor ordered (e.g. to redo it). Raises NotACollector,
    LiquidationNotFound, LiquidationNotPayable, InvalidLiquidation (no reason)."""
    if not permissions.can_collect(by):
        raise exceptions.NotACollector()
    if not reason.strip():
        raise exceptions.InvalidLiquidation(extra={"fields": {"reason": ["Required."]}})
    liquidation = Liquidation.objects.select_for_update().filter(pk=liquidation_id).first()
    if liquidation is None:
        raise exceptions.LiquidationNotFound()
    if liquidation.status != LiquidationStatus.LIQUIDATED:
        raise exceptions.LiquidationNotPayable(extra={"status": liquidation.status})
    liquidation.status = LiquidationStatus.CANCELLED
    liquidation.save(update_fields=["status"])
    audit_record(actor=by, action="regie.liquidation.cancelled", target=liquidation, reason=reason.strip())
    return liquidation


# --- Cancellation of a quittance: request, then a supervisor's decision --------------------------------------


@transaction.atomic
def cancellation_request(*, quittance_id: int, requested_by: Any, reason: str) -> CancellationRequest:
    """An agent asks to cancel a quittance, with a reason. Raises NotACollector, InvalidQuittance (no reason),
    QuittanceNotFound, AlreadyCancelled, CancellationAlreadyRequested, DayLocked (already paid in)."""
    if not permissions.can_collect(requested_by):
        raise exceptions.NotACollector()
    if not reason.strip():
        raise exceptions.InvalidQuittance(
            "A cancellation states its reason.", extra={"fields": {"reason": ["Required."]}}
        )
    quittance = Quittance.objects.select_for_update().select_related("series").filter(pk=quittance_id).first()
    if quittance is None:
        raise exceptions.QuittanceNotFound()
    if QuittanceCancellation.objects.filter(quittance=quittance).exists():
        raise exceptions.AlreadyCancelled()
    if CancellationRequest.objects.filter(quittance=quittance, status=CancellationStatus.PENDING).exists():
        raise exceptions.CancellationAlreadyRequested()
    _refuse_if_paid_in(quittance)
    request = CancellationRequest.objects.create(quittance=quittance, reason=reason.strip(), requested_by=requested_by)
    audit_record(
        actor=requested_by,
        action="regie.cancellation.requested",
        target=quittance,
        reason=reason.strip(),
        data={"request": request.pk},
    )
    return request


@transaction.atomic
def cancellation_decide(*, request_id: int, decided_by: Any, approve: bool, note: str = "") -> CancellationRequest:
    """A supervisor (never the requester) approves — the counter-entry is written — or rejects — the quittance
    stays valid. Raises CancellationRequestNotFound, NotASupervisor, CancellationAlreadyDecided, and
    quittance_cancel's errors on approval."""
    request = CancellationRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise exceptions.CancellationRequestNotFound()
    if not permissions.can_approve_cancellation(decided_by) or decided_by.pk == request.requested_by_id:
        raise exceptions.NotASupervisor()
    if request.status != CancellationStatus.PENDING:
        raise exceptions.CancellationAlreadyDecided(extra={"status": request.status})
    if approve:
        _quittance_counter_entry(
            quittance_id=request.quittance_id,
            requested_by=request.requested_by,
            approved_by=decided_by,
            reason=request.reason,
        )
    request.status = CancellationStatus.APPROVED if approve else CancellationStatus.REJECTED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=decided_by,
        action=f"regie.cancellation.{request.status}",
        target=request,
        reason=note.strip(),
        data={"quittance": request.quittance_id},
    )
    return request


# --- Ordres de recette and bordereaux d'émission ------------------------------------------------------------


def _ordre_event(ordre: OrdreRecette, *, by: Any, from_status: str, reason: str = "", reference: str = "") -> None:
    OrdreRecetteEvent.objects.create(
        ordre=ordre, from_status=from_status, to_status=ordre.status, by=by, reason=reason, reference=reference
    )


@transaction.atomic
def ordre_issue(
    *, by: Any, regie_id: int, exercice: int, tax_id: int, subject: str, period: str, lines: list[dict[str, Any]]
) -> OrdreRecette:
    """Issue an ordre de recette for debts not paid at the counter: individual (one line) or collective; numbered
    without gaps per (régie, exercice); each line snapshots the payer's name; its liquidations become ordered.
    Lines: {redevable_id, amount_dh, liquidation_id?, asset_id?} (amount defaults to the liquidation's total).
    Raises NotARegisseur, RegieNotFound, TaxNotFound, InvalidOrdre, BudgetLineNotAuthorised."""
    if not permissions.can_issue_ordres(by):
        raise exceptions.NotARegisseur()
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    fields: dict[str, Any] = {}
    if not _clean(subject):
        fields["subject"] = ["Required."]
    if not _clean(period):
        fields["period"] = ["Required."]
    if not lines:
        fields["lines"] = ["At least one line."]
    if fields:
        raise exceptions.InvalidOrdre(extra={"fields": fields})
    _check_budget_line(regie_id=regie_id, tax=tax)
    prepared: list[tuple[Redevable, Decimal, Liquidation | None, int | None]] = []
    for index, line in enumerate(lines):
        redevable = Redevable.objects.filter(pk=int(line.get("redevable_id") or 0)).first()
        liquidation = None
        if line.get("liquidation_id") is not None:
            liquidation = Liquidation.objects.select_for_update().filter(pk=line["liquidation_id"]).first()
        amount = line.get("amount_dh")
        if amount is None and liquidation is not None:
            amount = liquidation.total_dh
        problem = ""
        if redevable is None:
            problem = "Unknown redevable."
        elif amount is None or Decimal(amount) <= 0:
            problem = "The amount must be positive."
        elif liquidation is not None and (
            liquidation.status != LiquidationStatus.LIQUIDATED
            or liquidation.regie_id != regie_id
            or liquidation.tax_id != tax.pk
            or liquidation.redevable_id != redevable.pk
            or Decimal(amount) != liquidation.total_dh
        ):
            problem = "The liquidation is not an open one of this redevable, tax and amount."
        elif (
            line.get("asset_id") is not None
            and not Asset.objects.filter(pk=line["asset_id"], redevable_id=redevable.pk).exists()
        ):
            problem = "Not a bien of this redevable."
        if problem:
            raise exceptions.InvalidOrdre(extra={"fields": {"lines": {str(index): [problem]}}})
        assert redevable is not None and amount is not None  # for the type checker: refused above
        prepared.append((redevable, Decimal(amount), liquidation, line.get("asset_id")))
    ordre = OrdreRecette.objects.create(
        regie_id=regie_id,
        exercice=exercice,
        number=_counter_next(regie_id=regie_id, exercice=exercice, kind=CounterKind.ORDRE),
        kind=OrdreKind.INDIVIDUAL if len(prepared) == 1 else OrdreKind.COLLECTIVE,
        tax=tax,
        budget_line=tax.budget_line,
        subject=_clean(subject),
        period=_clean(period),
        amount_dh=sum((amount for _, amount, _, _ in prepared), Decimal("0")),
        issued_by=by,
    )
    OrdreRecetteLine.objects.bulk_create(
        OrdreRecetteLine(
            ordre=ordre,
            redevable=redevable,
            payer_name=redevable.name,
            asset_id=asset_id,
            liquidation=liquidation,
            amount_dh=amount,
        )
        for redevable, amount, liquidation, asset_id in prepared
    )
    for _, _, liquidation, _ in prepared:
        if liquidation is not None:
            liquidation.status = LiquidationStatus.ORDERED
            liquidation.save(update_fields=["status"])
    _ordre_event(ordre, by=by, from_status="")
    audit_record(
        actor=by,
        action="regie.ordre.issued",
        target=ordre,
        data={"number": ordre.number, "amount_dh": str(ordre.amount_dh), "lines": len(prepared)},
    )
    return ordre


@transaction.atomic
def ordre_transition(
    *,
    by: Any,
    ordre_id: int,
    to_status: str,
    reason: str = "",
    reference: str = "",
    recovered_dh: Decimal | None = None,
) -> OrdreRecette:
    """Move an ordre along issued → taken in charge → recovered / cancelled / written off / remitted (or issued →
    cancelled), with an event. Taken in charge only through its bordereau; cancelling, writing off and remitting
    state a reason; recovered sets recovered_dh (the whole amount unless given). Raises NotARegisseur,
    OrdreNotFound, OrdreTransitionRefused, InvalidOrdre."""
    if not permissions.can_issue_ordres(by):
        raise exceptions.NotARegisseur()
    ordre = OrdreRecette.objects.select_for_update().filter(pk=ordre_id).first()
    if ordre is None:
        raise exceptions.OrdreNotFound()
    if to_status not in ORDRE_TRANSITIONS.get(ordre.status, ()):
        raise exceptions.OrdreTransitionRefused(extra={"from": ordre.status, "to": to_status})
    if to_status == OrdreStatus.TAKEN_IN_CHARGE and ordre.bordereau_id is None:
        raise exceptions.OrdreTransitionRefused(
            "An ordre is taken in charge with its bordereau d'émission.",
            extra={"from": ordre.status, "to": to_status},
        )
    if to_status in (OrdreStatus.CANCELLED, OrdreStatus.WRITTEN_OFF, OrdreStatus.REMITTED) and not reason.strip():
        raise exceptions.InvalidOrdre(extra={"fields": {"reason": ["Required."]}})
    update = ["status"]
    if to_status == OrdreStatus.RECOVERED:
        recovered = ordre.amount_dh if recovered_dh is None else Decimal(recovered_dh)
        if not Decimal("0") < recovered <= ordre.amount_dh:
            raise exceptions.InvalidOrdre(extra={"fields": {"recovered_dh": [f"Between 0 and {ordre.amount_dh}."]}})
        ordre.recovered_dh = recovered
        update.append("recovered_dh")
    previous = ordre.status
    ordre.status = to_status
    ordre.save(update_fields=update)
    _ordre_event(ordre, by=by, from_status=previous, reason=reason.strip(), reference=reference.strip())
    audit_record(
        actor=by,
        action=f"regie.ordre.{to_status}",
        target=ordre,
        reason=reason.strip(),
        data={"from": previous, "reference": reference.strip(), "recovered_dh": str(ordre.recovered_dh)},
    )
    return ordre


@transaction.atomic
def bordereau_create(*, by: Any, regie_id: int, exercice: int, ordre_ids: list[int]) -> Bordereau:
    """Group issued ordres (same régie and exercice, in no bordereau yet) into a numbered bordereau d'émission
    for the comptable. Raises NotARegisseur, InvalidBordereau."""
    if not permissions.can_issue_ordres(by):
        raise exceptions.NotARegisseur()
    wanted = sorted(set(ordre_ids))
    ordres = list(OrdreRecette.objects.select_for_update().filter(pk__in=wanted).order_by("number"))
    refused = [
        o.pk
        for o in ordres
        if o.regie_id != regie_id
        or o.exercice != exercice
        or o.status != OrdreStatus.ISSUED
        or o.bordereau_id is not None
    ]
    if not wanted or len(ordres) != len(wanted) or refused:
        missing = sorted(set(wanted) - {o.pk for o in ordres})
        raise exceptions.InvalidBordereau(extra={"refused": refused, "missing": missing})
    bordereau = Bordereau.objects.create(
        regie_id=regie_id,
        exercice=exercice,
        number=_counter_next(regie_id=regie_id, exercice=exercice, kind=CounterKind.BORDEREAU),
        total_dh=sum((o.amount_dh for o in ordres), Decimal("0")),
        created_by=by,
    )
    for ordre in ordres:
        ordre.bordereau = bordereau
        ordre.save(update_fields=["bordereau"])
    audit_record(
        actor=by,
        action="regie.bordereau.created",
        target=bordereau,
        data={"number": bordereau.number, "ordres": [o.number for o in ordres], "total_dh": str(bordereau.total_dh)},
    )
    return bordereau


@transaction.atomic
def bordereau_take_in_charge(*, by: Any, bordereau_id: int, reference: str) -> Bordereau:
    """Record the comptable's taking in charge (with his reference): the bordereau's issued ordres move to taken
    in charge. Raises NotARegisseur, BordereauNotFound, BordereauAlreadyTakenInCharge, InvalidBordereau."""
    if not permissions.can_issue_ordres(by):
        raise exceptions.NotARegisseur()
    if not reference.strip():
        raise exceptions.InvalidBordereau(extra={"fields": {"reference": ["Required."]}})
    bordereau = Bordereau.objects.select_for_update().filter(pk=bordereau_id).first()
    if bordereau is None:
        raise exceptions.BordereauNotFound()
    if bordereau.status != BordereauStatus.ISSUED:
        raise exceptions.BordereauAlreadyTakenInCharge()
    bordereau.status = BordereauStatus.TAKEN_IN_CHARGE
    bordereau.taken_in_charge_at = timezone.now()
    bordereau.comptable_reference = reference.strip()
    bordereau.save(update_fields=["status", "taken_in_charge_at", "comptable_reference"])
    for ordre in OrdreRecette.objects.select_for_update().filter(bordereau=bordereau, status=OrdreStatus.ISSUED):
        ordre.status = OrdreStatus.TAKEN_IN_CHARGE
        ordre.save(update_fields=["status"])
        _ordre_event(ordre, by=by, from_status=OrdreStatus.ISSUED, reference=reference.strip())
    audit_record(
        actor=by, action="regie.bordereau.taken_in_charge", target=bordereau, data={"reference": reference.strip()}
    )
    return bordereau


# --- The day's close and the versement --------------------------------------------------------------------


@transaction.atomic
def day_close(
    *, by: Any, regie_id: int, day: dt.date, counted_dh: Decimal, agent: Any = None, note: str = ""
) -> Versement:
    """Close a day: with `agent`, that agent's takings paid to the régisseur (the agent himself or the
    régisseur); without, the régie's takings paid to the trésorier (the régisseur). Expected = the net of the
    day's quittances not yet in a versement of that level (a cancelled one counts 0 and is listed); a difference
    with the counted cash is recorded as an incident. The day is then locked. Raises NotARegisseur,
    RegieNotFound, InvalidClose, DayAlreadyClosed, DayLocked (the régie's day is closed before the agent's)."""
    agent_id = agent.pk if agent is not None else None
    if not permissions.can_close_day(by, agent_id):
        raise exceptions.NotARegisseur()
    if agent is not None and not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    try:
        counted = Decimal(counted_dh).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        counted = Decimal("-1")
    if counted < 0:
        raise exceptions.InvalidClose(extra={"fields": {"counted_dh": ["A non-negative amount."]}})
    # Exclusive: waits for quittances being issued on that day, and makes later ones see the versement.
    _day_lock(regie_id=regie_id, day=day, exclusive=True)
    level = VersementLevel.AGENT if agent is not None else VersementLevel.REGIE
    if Versement.objects.filter(regie_id=regie_id, day=day, level=level, agent_id=agent_id).exists():
        raise exceptions.DayAlreadyClosed(extra={"day": day.isoformat()})
    if agent is not None and Versement.objects.filter(regie_id=regie_id, day=day, level=VersementLevel.REGIE).exists():
        raise exceptions.DayLocked(extra={"day": day.isoformat()})
    quittances = Quittance.objects.filter(series__regie_id=regie_id, day=day).exclude(versement_items__level=level)
    if agent is not None:
        quittances = quittances.filter(agent_id=agent_id)
    cancelled = set(
        QuittanceCancellation.objects.filter(quittance__in=quittances).values_list("quittance_id", flat=True)
    )
    items = [
        (q.pk, Decimal("0") if q.pk in cancelled else q.amount_dh)
        for q in quittances.order_by("series_id", "number").only("pk", "amount_dh")
    ]
    expected = sum((amount for _, amount in items), Decimal("0"))
    versement = Versement.objects.create(
        regie_id=regie_id,
        exercice=day.year,
        number=_counter_next(regie_id=regie_id, exercice=day.year, kind=CounterKind.VERSEMENT),
        level=level,
        agent=agent,
        day=day,
        expected_dh=expected,
        counted_dh=counted,
        difference_dh=counted - expected,
        quittance_count=len(items),
        closed_by=by,
    )
    VersementItem.objects.bulk_create(
        VersementItem(versement=versement, quittance_id=pk, level=level, amount_dh=amount) for pk, amount in items
    )
    if counted != expected:
        Incident.objects.create(
            regie_id=regie_id,
            day=day,
            agent=agent,
            kind=IncidentKind.CASH_DIFFERENCE,
            amount_dh=counted - expected,
            versement=versement,
            note=note.strip(),
            data={"expected_dh": str(expected), "counted_dh": str(counted), "level": level},
            created_by=by,
        )
    audit_record(
        actor=by,
        action="regie.day.closed",
        target=versement,
        reason=note.strip(),
        data={"level": level, "agent": agent_id, "expected_dh": str(expected), "counted_dh": str(counted)},
    )
    return versement


@transaction.atomic
def versement_set_treasury_reference(*, by: Any, versement_id: int, reference: str) -> Versement:
    """Record the trésorier's receipt reference on the régie's versement, once. Raises NotARegisseur,
    VersementNotFound, InvalidClose, TreasuryReferenceAlreadySet."""
    if not permissions.is_regisseur(by):
        raise exceptions.NotARegisseur()
    if not reference.strip():
        raise exceptions.InvalidClose(extra={"fields": {"reference": ["Required."]}})
    versement = Versement.objects.select_for_update().filter(pk=versement_id).first()
    if versement is None:
        raise exceptions.VersementNotFound()
    if versement.level != VersementLevel.REGIE:
        raise exceptions.InvalidClose("Only the régie's versement goes to the trésorier.")
    if versement.treasury_reference:
        raise exceptions.TreasuryReferenceAlreadySet()
    versement.treasury_reference = reference.strip()
    versement.save(update_fields=["treasury_reference"])
    audit_record(actor=by, action="regie.versement.treasury_reference", target=versement, data={"reference": reference})
    return versement


# --- Reference kept by the régisseur: the régie's arrêté, budget lines, appointments, taxes, tariff versions -----
# Who may: permissions.can_set_up (the régisseur/suppléant or the commune's administrators). Each refusal names
# its fields (extra["fields"]) so a form or an API client can show the message next to what was typed.

# An appointment's role → the group that carries its permissions (the suppléant acts for the régisseur).
ROLE_GROUPS = {
    StaffRole.AGENT: permissions.AGENT,
    StaffRole.REGISSEUR: permissions.REGISSEUR,
    StaffRole.SUPPLEANT: permissions.REGISSEUR,
}
BUDGET_LINE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,29}$")
TAX_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{0,29}$")


def _may_set_up(by: Any) -> None:
    if not permissions.can_set_up(by):
        raise exceptions.NotAllowedToSetUp()


def _required(fields: dict[str, list[str]], **values: Any) -> None:
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value):
            fields[name] = [gettext("Required.")]


@transaction.atomic
def regie_update(
    *,
    by: Any,
    regie_id: int,
    name_fr: str,
    name_ar: str,
    arrete_number: str,
    arrete_date: dt.date | None,
    cash_ceiling_dh: Decimal | None,
    budget_line_codes: list[str],
) -> Regie:
    """Record the régie's arrêté of creation as amended: names, number and date, cash ceiling, and the budget lines
    it authorises (the counter refuses any other). The previous values go into the audit row. Raises
    NotAllowedToSetUp, RegieNotFound, InvalidRegie."""
    _may_set_up(by)
    regie = Regie.objects.select_for_update().filter(pk=regie_id).first()
    if regie is None:
        raise exceptions.RegieNotFound()
    name_fr, name_ar, arrete_number = _clean(name_fr), _clean(name_ar), _clean(arrete_number)
    codes = sorted({_clean(c) for c in budget_line_codes if _clean(c)})
    fields: dict[str, list[str]] = {}
    _required(fields, name_fr=name_fr, name_ar=name_ar, arrete_number=arrete_number, arrete_date=arrete_date)
    if arrete_date is not None and arrete_date > timezone.localdate():
        fields["arrete_date"] = [gettext("An arrêté cannot be dated in the future.")]
    if cash_ceiling_dh is None or cash_ceiling_dh <= 0:
        fields["cash_ceiling_dh"] = [gettext("The cash ceiling must be a positive amount.")]
    lines = list(BudgetLine.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {line.code for line in lines})
    if unknown:
        fields["budget_line_codes"] = [gettext("Unknown budget line: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if fields:
        raise exceptions.InvalidRegie(extra={"fields": fields})
    before = {
        "name_fr": regie.name_fr,
        "name_ar": regie.name_ar,
        "arrete_number": regie.arrete_number,
        "arrete_date": regie.arrete_date.isoformat(),
        "cash_ceiling_dh": str(regie.cash_ceiling_dh),
        "budget_lines": sorted(regie.budget_lines.values_list("code", flat=True)),
    }
    assert arrete_date is not None and cash_ceiling_dh is not None  # checked above
    regie.name_fr, regie.name_ar, regie.arrete_number = name_fr, name_ar, arrete_number
    regie.arrete_date, regie.cash_ceiling_dh = arrete_date, cash_ceiling_dh.quantize(CENT)
    regie.save(update_fields=["name_fr", "name_ar", "arrete_number", "arrete_date", "cash_ceiling_dh"])
    regie.budget_lines.set(lines)
    after = {
        "name_fr": name_fr,
        "name_ar": name_ar,
        "arrete_number": arrete_number,
        "arrete_date": arrete_date.isoformat(),
        "cash_ceiling_dh": str(regie.cash_ceiling_dh),
        "budget_lines": codes,
    }
    audit_record(actor=by, action="regie.regie.updated", target=regie, data={"before": before, "after": after})
    return regie


@transaction.atomic
def budget_line_create(*, by: Any, code: str, label_fr: str, label_ar: str) -> BudgetLine:
    """Add a line of the commune's revenue budget (code économique). It is collected only once the régie's
    arrêté authorises it (regie_update). Raises NotAllowedToSetUp, InvalidBudgetLine."""
    _may_set_up(by)
    code, label_fr, label_ar = _clean(code).replace(" ", ""), _clean(label_fr), _clean(label_ar)
    fields: dict[str, list[str]] = {}
    _required(fields, code=code, label_fr=label_fr, label_ar=label_ar)
    if code and not BUDGET_LINE_CODE.match(code):
        fields["code"] = [gettext("A budget line code holds digits, letters and dots (e.g. 10.20.31).")]
    elif code and BudgetLine.objects.filter(code=code).exists():
        fields["code"] = [gettext("This budget line already exists.")]
    if fields:
        raise exceptions.InvalidBudgetLine(extra={"fields": fields})
    try:
        with transaction.atomic():
            line = BudgetLine.objects.create(code=code, label_fr=label_fr, label_ar=label_ar)
    except IntegrityError:  # created meanwhile by someone else
        raise exceptions.InvalidBudgetLine(
            extra={"fields": {"code": [gettext("This budget line already exists.")]}}
        ) from None
    audit_record(actor=by, action="regie.budget_line.created", target=line, data={"code": code})
    return line


def _current(qs: Any, on: dt.date) -> Any:
    return qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)


@transaction.atomic
def staff_appoint(
    *,
    by: Any,
    regie_id: int,
    user_id: int,
    role: str,
    arrete_number: str,
    arrete_date: dt.date | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
) -> RegieStaff:
    """Record an appointment by arrêté (régisseur, suppléant or collecting agent). The role's group follows it:
    given when the appointment is in force today. An appointment starts today or earlier (permissions are given
    when it is recorded); past ones may be recorded with their end. The same person cannot hold the same role
    twice over overlapping periods. Raises NotAllowedToSetUp, RegieNotFound, StaffUserNotFound,
    InvalidAppointment, AppointmentOverlaps."""
    _may_set_up(by)
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None:
        raise exceptions.StaffUserNotFound(extra={"fields": {"user_id": [gettext("No such active user.")]}})
    today = timezone.localdate()
    arrete_number = _clean(arrete_number)
    fields: dict[str, list[str]] = {}
    _required(fields, arrete_number=arrete_number, arrete_date=arrete_date, valid_from=valid_from)
    if role not in StaffRole.values:
        fields["role"] = [gettext("One of: %(roles)s.") % {"roles": ", ".join(StaffRole.values)}]
    if arrete_date is not None and arrete_date > today:
        fields["arrete_date"] = [gettext("An arrêté cannot be dated in the future.")]
    if valid_from is not None and valid_from > today:
        fields["valid_from"] = [
            gettext("Record the appointment on the day it takes effect (its role is given at once).")
        ]
    if valid_from is not None and arrete_date is not None and valid_from < arrete_date:
        fields["valid_from"] = [gettext("An appointment takes effect on or after the date of its arrêté.")]
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        fields["valid_until"] = [gettext("The end comes after the start.")]
    if fields:
        raise exceptions.InvalidAppointment(extra={"fields": fields})
    assert valid_from is not None and arrete_date is not None  # checked above
    # Locking the user's row above serialises appointments of one person: the overlap check cannot race.
    same = RegieStaff.objects.filter(regie_id=regie_id, user=user, role=role)
    overlap = same.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    if valid_until is not None:
        overlap = overlap.filter(valid_from__lte=valid_until)
    clash = overlap.order_by("valid_from").first()
    if clash is not None:
        raise exceptions.AppointmentOverlaps(
            extra={
                "fields": {
                    "valid_from": [gettext("Overlaps the appointment under arrêté %(n)s.") % {"n": clash.arrete_number}]
                },
                "staff_id": clash.pk,
            }
        )
    staff = RegieStaff.objects.create(
        regie_id=regie_id,
        user=user,
        role=role,
        arrete_number=arrete_number,
        arrete_date=arrete_date,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if valid_from <= today and (valid_until is None or valid_until >= today):
        # Only given here: a group held without an appointment (given on the Staff page) is not taken away.
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[StaffRole(role)])[0])
    audit_record(
        actor=by,
        action="regie.staff.appointed",
        target=staff,
        data={
            "user": user.pk,
            "role": role,
            "arrete": arrete_number,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return staff


@transaction.atomic
def staff_end(*, by: Any, staff_id: int, valid_until: dt.date | None) -> RegieStaff:
    """End an appointment on its last day (never deleted: the register of appointments keeps it). The end is
    recorded when it takes effect (today or earlier) and the role's group is withdrawn at once, unless another
    appointment to a role of that group is still in force. Raises NotAllowedToSetUp, AppointmentNotFound,
    InvalidAppointment."""
    _may_set_up(by)
    staff = RegieStaff.objects.select_for_update().select_related("user").filter(pk=staff_id).first()
    if staff is None:
        raise exceptions.AppointmentNotFound()
    today = timezone.localdate()
    fields: dict[str, list[str]] = {}
    if valid_until is None:
        fields["valid_until"] = [gettext("Required.")]
    elif valid_until < staff.valid_from:
        fields["valid_until"] = [
            gettext("The end comes after the start (%(d)s).") % {"d": staff.valid_from.isoformat()}
        ]
    elif valid_until > today:
        fields["valid_until"] = [gettext("Record the end on the day it takes effect (the role is withdrawn at once).")]
    elif staff.valid_until is not None and staff.valid_until <= valid_until:
        fields["valid_until"] = [
            gettext("This appointment already ended on %(d)s.") % {"d": staff.valid_until.isoformat()}
        ]
    if fields:
        raise exceptions.InvalidAppointment(extra={"fields": fields})
    assert valid_until is not None
    previous = staff.valid_until
    staff.valid_until = valid_until
    staff.save(update_fields=["valid_until"])
    # The end is recorded when it takes effect: the role is withdrawn now.
    group = ROLE_GROUPS[StaffRole(staff.role)]
    roles = [role for role, name in ROLE_GROUPS.items() if name == group]
    others = _current(RegieStaff.objects.filter(user=staff.user, role__in=roles).exclude(pk=staff.pk), today)
    if not others.exists():
        staff.user.groups.remove(*Group.objects.filter(name=group))
    audit_record(
        actor=by,
        action="regie.staff.ended",
        target=staff,
        data={
            "user": staff.user_id,
            "role": staff.role,
            "valid_until": valid_until.isoformat(),
            "previous_valid_until": previous.isoformat() if previous else None,
        },
    )
    return staff


@transaction.atomic
def tax_create(*, by: Any, code: str, name_fr: str, name_ar: str, base_kind: str, budget_line: str) -> Tax:
    """Add a tax or fee of the commune's arrêté fiscal; its rates are tariff versions (tariff_add). Raises
    NotAllowedToSetUp, InvalidTax."""
    _may_set_up(by)
    code, name_fr, name_ar, budget_line = _clean(code).upper(), _clean(name_fr), _clean(name_ar), _clean(budget_line)
    fields: dict[str, list[str]] = {}
    _required(fields, code=code, name_fr=name_fr, name_ar=name_ar, budget_line=budget_line)
    if code and not TAX_CODE.match(code):
        fields["code"] = [gettext("A tax code holds capital letters, digits, - and _ (e.g. ODP).")]
    elif code and Tax.objects.filter(code=code).exists():
        fields["code"] = [gettext("This tax code is already used.")]
    if base_kind not in BaseKind.values:
        fields["base_kind"] = [gettext("One of: %(kinds)s.") % {"kinds": ", ".join(BaseKind.values)}]
    if budget_line and not BudgetLine.objects.filter(code=budget_line).exists():
        fields["budget_line"] = [gettext("Unknown budget line: add it first.")]
    if fields:
        raise exceptions.InvalidTax(extra={"fields": fields})
    try:
        with transaction.atomic():
            tax = Tax.objects.create(
                code=code, name_fr=name_fr, name_ar=name_ar, base_kind=base_kind, budget_line=budget_line
            )
    except IntegrityError:
        raise exceptions.InvalidTax(extra={"fields": {"code": [gettext("This tax code is already used.")]}}) from None
    audit_record(
        actor=by,
        action="regie.tax.created",
        target=tax,
        data={"code": code, "base_kind": base_kind, "budget_line": budget_line},
    )
    return tax


@transaction.atomic
def tariff_add(
    *, by: Any, tax_id: int, rate: Decimal | None, valid_from: dt.date | None, arrete_reference: str = ""
) -> Tariff:
    """A new version of a tax's rate, in force from `valid_from` (the arrêté fiscal's date of effect) until the next
    one. A version is never edited: a wrong rate is followed by a new version. Refused on a day that already has a
    version, and from a day already liquidated or collected under the old rate (its quittances would no longer
    match the tariff in force). Raises NotAllowedToSetUp, TaxNotFound, InvalidTariff, TariffVersionExists."""
    _may_set_up(by)
    tax = Tax.objects.select_for_update().filter(pk=tax_id).first()  # one new version of a tax at a time
    if tax is None:
        raise exceptions.TaxNotFound()
    arrete_reference = _clean(arrete_reference)
    fields: dict[str, list[str]] = {}
    _required(fields, rate=rate, valid_from=valid_from)
    if rate is not None:
        try:
            rate = Decimal(rate)
            if rate < 0 or rate != rate.quantize(Decimal("0.0001")) or rate >= Decimal("100000000"):
                raise InvalidOperation
        except InvalidOperation:
            fields["rate"] = [gettext("A rate is zero or positive, with at most 4 decimals.")]
        else:
            if tax.base_kind == BaseKind.SALES_PERCENT and rate > 100:
                fields["rate"] = [gettext("A percentage of sales is at most 100.")]
    if len(arrete_reference) > 100:
        fields["arrete_reference"] = [gettext("At most 100 characters.")]
    if fields:
        raise exceptions.InvalidTariff(extra={"fields": fields})
    assert rate is not None and valid_from is not None
    existing = tax.tariffs.filter(valid_from=valid_from).first()
    if existing is not None:
        raise exceptions.TariffVersionExists(
            extra={
                "fields": {
                    "valid_from": [
                        gettext("A version (rate %(rate)s) already takes effect on %(d)s: choose another date.")
                        % {"rate": existing.rate.normalize(), "d": valid_from.isoformat()}
                    ]
                },
                "tariff_id": existing.pk,
            }
        )
    # Days already collected (quittances) or liquidated (liquidations not cancelled) under the rate then in force.
    days = [
        Quittance.objects.filter(tax=tax, day__gte=valid_from).order_by("-day").values_list("day", flat=True).first(),
        Liquidation.objects.filter(tax=tax, computed_on__gte=valid_from)
        .exclude(status=LiquidationStatus.CANCELLED)
        .order_by("-computed_on")
        .values_list("computed_on", flat=True)
        .first(),
    ]
    used = max((d for d in days if d is not None), default=None)
    if used is not None:
        raise exceptions.InvalidTariff(
            gettext("This tax was already liquidated or collected on %(d)s under the rate then in force.")
            % {"d": used.isoformat()},
            extra={
                "fields": {
                    "valid_from": [
                        gettext("This tax was liquidated or collected up to %(d)s: a new rate takes effect after it.")
                        % {"d": used.isoformat()}
                    ]
                }
            },
        )
    tariff = Tariff.objects.create(tax=tax, rate=rate, valid_from=valid_from, arrete_reference=arrete_reference)
    audit_record(
        actor=by,
        action="regie.tariff.added",
        target=tariff,
        data={"tax": tax.code, "rate": str(rate), "valid_from": valid_from.isoformat(), "arrete": arrete_reference},
    )
    return tariff


@transaction.atomic
def asset_deactivate(*, by: Any, asset_id: int, reason: str) -> Asset:
    """A bien or activité that no longer owes its tax (parcel built, terrace removed, taxi licence returned) leaves
    the audit list and the counter's choices; it is kept with its history, never deleted. The régisseur decides,
    with the reason (hiding a bien that still owes is what the audit list is there to catch). Raises
    NotARegisseur, AssetNotFound, InvalidAsset."""
    if not permissions.is_regisseur(by):
        raise exceptions.NotARegisseur()
    asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise exceptions.AssetNotFound()
    reason = _clean(reason)
    if not reason:
        raise exceptions.InvalidAsset(
            gettext("Give the reason."), extra={"fields": {"reason": [gettext("Give the reason.")]}}
        )
    if not asset.active:
        raise exceptions.InvalidAsset(gettext("This bien or activité is already inactive."))
    asset.active = False
    asset.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=by, action="regie.asset.deactivated", target=asset, reason=reason, data={"reference": asset.reference}
    )
    return asset


# --- for urbanisme ---


@dataclass(frozen=True)
class TaxLiquidated:
    """A liquidation made for another module: its id (paid at the counter like any other) and its total."""

    liquidation_id: int
    total_dh: Decimal


@transaction.atomic
def construction_tax_liquidate(
    *,
    actor: Any,
    tax_code: str,
    payer_name: str,
    base: Decimal,
    period: str,
    on: dt.date,
    cin: str = "",
    ice: str = "",
    rc: str = "",
) -> TaxLiquidated | None:
    """On behalf of another module's agent (urbanisme: a permit's tax on construction operations): liquidate tax
    `tax_code` on `base` at the tariff in force on `on`, in the commune's régie, for the payer found by CIN or ICE
    (recorded when new); the petitioner pays it at the counter (liquidation_pay gives the quittance). None when
    the commune has no régie, no such tax or no tariff in force. Raises InvalidRedevable, InvalidLiquidation,
    BudgetLineNotAuthorised. Writes the redevable if new, the liquidation, audit."""
    regie = Regie.objects.order_by("pk").first()
    tax = Tax.objects.filter(code=tax_code).first()
    if regie is None or tax is None:
        return None
    tariff = Tariff.objects.filter(tax_id=tax.pk, valid_from__lte=on).order_by("-valid_from").first()
    if tariff is None:
        return None
    cin, ice, rc, name = _clean(cin).upper(), _clean(ice), _clean(rc), _clean(payer_name)
    redevable = None
    if cin:
        redevable = Redevable.objects.filter(cin=cin).order_by("pk").first()
    elif ice:
        redevable = Redevable.objects.filter(ice=ice).order_by("pk").first()
    if redevable is None:
        if not name or not (cin or ice or rc) or (ice and not (ice.isdigit() and len(ice) == 15)):
            raise exceptions.InvalidRedevable(extra={"fields": {"cin": ["A name and a CIN or a valid ICE."]}})
        redevable = Redevable.objects.create(name=name, cin=cin, rc=rc, ice=ice)
        audit_record(actor=actor, action="regie.redevable.created", target=redevable, data={"name": name})
    if Decimal(base) <= 0 or not _clean(period):
        raise exceptions.InvalidLiquidation(extra={"fields": {"base": ["Must be positive."]}})
    _check_budget_line(regie_id=regie.pk, tax=tax)
    rounded, base_step = _round_base(tax.base_kind, Decimal(base))
    result = formulas.liquidate(
        base=rounded, rate=tariff.rate, declaration_due=None, declared_on=None, payment_due=None, paid_on=on
    )
    steps = [base_step] + [{"label": s.label, "formula": s.formula, "amount": str(s.amount)} for s in result.steps]
    liquidation = Liquidation.objects.create(
        regie_id=regie.pk,
        redevable_id=redevable.pk,
        tax=tax,
        tariff=tariff,
        period=_clean(period),
        base=rounded,
        rate=tariff.rate,
        principal_dh=result.principal,
        declaration_penalty_dh=result.declaration_penalty,
        payment_penalty_dh=result.payment_penalty,
        total_dh=result.total,
        computed_on=on,
        steps=steps,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="regie.liquidation.created",
        target=liquidation,
        data={"tax": tax.code, "base": str(rounded), "total_dh": str(result.total), "for": "urbanisme"},
    )
    return TaxLiquidated(liquidation_id=liquidation.pk, total_dh=liquidation.total_dh)
