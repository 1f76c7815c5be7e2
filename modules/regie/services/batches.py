"""Quittances from collectors' devices, a batch at a time."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from jamaa.platform.core.models import AuditEvent
from jamaa.platform.errors import DomainError
from jamaa.platform.inputs import amounts_too_large

from .. import exceptions, permissions
from ..models import (
    BudgetLine,
    IncidentKind,
    PaymentMethod,
    Quittance,
    QuittanceBlock,
    Redevable,
    Tariff,
    Tax,
    Versement,
    VersementLevel,
)
from .incidents import incident_record
from .quittances import AMOUNT_TOO_LARGE, CENT

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
def quittances_issue_batch(*, actor: Any, items: list[BlockQuittance]) -> list[Quittance | DomainError]:
    """Issue the quittances of a collector's sync, each from the collector's block: the same checks as
    quittance_issue, item by item, but the context is read once for the whole batch (the agent's role, taxes,
    tariffs, redevables, budget lines, blocks, numbers already used, closed days) and the rows are written in one
    INSERT. Returns, in order, each item's Quittance or the DomainError refusing it (NoTariff,
    ReceiptAmountMismatch, NotACollector, InvalidQuittance, DayLocked, TaxNotFound, RedevableNotFound,
    BudgetLineNotAuthorised, NumberOutsideBlock, NumberAlreadyUsed, ClientUuidTaken); a refused item writes
    nothing and takes nothing else with it."""
    if not items:
        return []
    may_collect = permissions.can_collect(actor)
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
            Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=actor.pk),
            regie_id__in=regie_ids,
            day__in={d for _, d in days},
        ).values_list("regie_id", "day")
    )
    # Cash taken offline on a day the close reached before the sync is never refused: it is booked into the next
    # day still open (its real time kept in collected_at, its tariff the one of the day it was taken) and the
    # régisseur gets a late_payment incident. The closed day's versement is numbered and paid in: it never changes.
    late_days = _next_open_days(
        agent_id=actor.pk, pairs={(i.regie_id, i.on) for i in items if i.collected_at is not None} & locked
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
            or block.collector_id != actor.pk
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
            agent=actor,
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
            actor=actor,
            action="regie.quittance.issued",
            targets=[(q, {"number": q.number, "amount_dh": str(q.amount_dh)}) for q in issued],
        )
        for item, result in zip(items, results, strict=True):
            if isinstance(result, Quittance) and result.day != item.on:
                incident_record(
                    actor=actor,
                    regie_id=item.regie_id,
                    day=item.on,
                    kind=IncidentKind.LATE_PAYMENT,
                    agent=actor,
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
