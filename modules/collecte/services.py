"""Writes of the collectors' app: devices and their tokens, blocks of numbers, payment uploads, the day's close,
cancellation requests. The stub book itself is the régie's: every quittance, block and close goes through
`jamaa.modules.regie.services`, which numbers, checks and audits.

Uploads are idempotent by the client's UUID: the same UUID with the same payment answers the quittance already
made; with a different payment it is refused. A batch is one transaction and the régie issues its quittances in
one call (checks item by item against a context read once, one INSERT, a savepoint per row only when a racing
upload made that INSERT fail), so a refused payment never takes the others with it, and a batch that fails
half-way (a crash, a lost connection) leaves nothing: the device, having had no answer, sends it again. One
commit and a fixed number of statements per batch rather than per payment is what makes a busy day's sync fast.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from jamaa.modules.regie import exceptions as regie_exceptions
from jamaa.modules.regie import selectors_collecte as regie_reads
from jamaa.modules.regie import services as regie_services
from jamaa.platform.core import twofactor
from jamaa.platform.core.services import audit_record
from jamaa.platform.errors import DomainError

from . import exceptions, permissions, selectors
from .models import Device, DeviceBlock, DeviceToken, ItemStatus, RefusedPayment, SyncBatch

DEFAULT_BLOCK_SIZE = 100
MAX_OPEN_BLOCKS = 2  # the one in use and the next, fetched ahead while the network is there


# --- devices -----------------------------------------------------------------------------------------------


@transaction.atomic
def device_register(
    *,
    username: str,
    password: str,
    name: str,
    user_agent: str = "",
    otp: str = "",
    request: HttpRequest | None = None,
) -> tuple[Device, str]:
    """Register a device for a collector who gives their password (and the code of their authenticator if they
    turned the second factor on); returns it with its token (shown once, stored hashed). Raises
    InvalidCredentials, SecondFactorRequired, NotACollector. With the HTTP request, failures count towards the
    commune's login lockout and a locked-out user name is refused."""
    user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        raise exceptions.InvalidCredentials()
    twofactor.token_second_factor_check(user=user, code=otp)
    if not permissions.can_collect(user):
        raise regie_exceptions.NotACollector()
    device = Device.objects.create(collector=user, name=name.strip()[:100] or "—", user_agent=user_agent[:300])
    token = secrets.token_urlsafe(32)
    DeviceToken.objects.create(device=device, key_hash=selectors.token_hash(token))
    audit_record(actor=user, action="collecte.device.registered", target=device, data={"name": device.name})
    return device, token


@transaction.atomic
def device_revoke(*, actor: Any, device_id: int, reason: str = "") -> Device:
    """Revoke a device (its collector or a régisseur): its tokens stop working at once and its open blocks are
    closed (their unused numbers become returned stubs). Raises DeviceNotFound."""
    device = Device.objects.select_for_update().filter(pk=device_id).first()
    if device is None or not (device.collector_id == actor.pk or permissions.is_supervisor(actor)):
        raise exceptions.DeviceNotFound()
    if device.revoked_at is None:
        now = timezone.now()
        device.revoked_at, device.revoked_by = now, actor
        device.save(update_fields=["revoked_at", "revoked_by"])
        DeviceToken.objects.filter(device=device, revoked_at__isnull=True).update(revoked_at=now)
        for block in DeviceBlock.objects.filter(device=device, closed_at__isnull=True):
            regie_services.block_close(block_id=block.block_id, closed_by=actor)
            block.closed_at = now
            block.save(update_fields=["closed_at"])
        audit_record(actor=actor, action="collecte.device.revoked", target=device, reason=reason)
    return device


# --- blocks ------------------------------------------------------------------------------------------------


@transaction.atomic
def block_request(
    *, device_id: int, regie_id: int, exercice: int, size: int = DEFAULT_BLOCK_SIZE, series: str = "A"
) -> DeviceBlock:
    """Draw the next block of the régie's series for this device's collector (the digital stub book). A device
    holds at most two open blocks per (régie, exercice). Raises TooManyOpenBlocks, NotACollector,
    InvalidQuittance (size)."""
    device = Device.objects.select_for_update().select_related("collector").get(pk=device_id)
    open_blocks = DeviceBlock.objects.filter(
        device=device, regie_id=regie_id, exercice=exercice, series=series, closed_at__isnull=True
    ).count()
    if open_blocks >= MAX_OPEN_BLOCKS:
        raise exceptions.TooManyOpenBlocks(extra={"open": open_blocks})
    block = regie_services.block_allocate(
        collector=device.collector,
        allocated_by=device.collector,
        regie_id=regie_id,
        exercice=exercice,
        size=size,
        series=series,
    )
    return DeviceBlock.objects.create(
        device=device,
        block_id=block.pk,
        regie_id=regie_id,
        exercice=exercice,
        series=series,
        first_number=block.first_number,
        last_number=block.last_number,
    )


@transaction.atomic
def block_return(*, device_id: int, block_id: int) -> DeviceBlock:
    """The device is done with a block (used up, or replaced): close it; numbers it never used are returned
    stubs, never reused, and a number of it sent later is refused as stale. Raises BlockNotFound."""
    block = DeviceBlock.objects.select_for_update().filter(device_id=device_id, block_id=block_id).first()
    if block is None:
        raise exceptions.BlockNotFound()
    if block.closed_at is None:
        device = Device.objects.select_related("collector").get(pk=device_id)
        regie_services.block_close(block_id=block_id, closed_by=device.collector)
        block.closed_at = timezone.now()
        block.save(update_fields=["closed_at"])
    return block


# --- payments ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentInput:
    client_uuid: uuid.UUID
    block_id: int
    number: int
    redevable_id: int
    tax_id: int
    base: Decimal
    period: str
    payment_method: str
    collected_at: dt.datetime
    amount_dh: Decimal
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class InvalidItem:
    """An item the API could not even parse: refused, but logged with what came."""

    client_uuid: str
    errors: dict[str, Any]
    raw: dict[str, Any]


@dataclass(frozen=True)
class ItemResult:
    uuid: str
    status: str
    quittance_id: int | None = None
    number: int | None = None
    series: str | None = None
    exercice: int | None = None
    amount_dh: Decimal | None = None
    code: str | None = None
    message: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    results: list[ItemResult]
    created: int
    duplicates: int
    refused: int


def _same_payment(ref: regie_reads.QuittanceRef, p: PaymentInput, *, agent_id: int) -> bool:
    return (
        ref.agent_id == agent_id
        and ref.block_id == p.block_id
        and ref.number == p.number
        and ref.redevable_id == p.redevable_id
        and ref.tax_id == p.tax_id
        and ref.base == p.base
        and ref.period == p.period.strip()
        and ref.payment_method == p.payment_method
        # A payment booked late (its day closed before the sync) keeps its real time: compared by that.
        and (ref.collected_at == p.collected_at if ref.collected_at is not None else ref.day == _taken_on(p))
    )


def _taken_on(p: PaymentInput) -> dt.date:
    """The day the payment was taken, in the commune's zone (TIME_ZONE), whatever the phone's clock zone."""
    return timezone.localdate(p.collected_at)


def _late(p: PaymentInput, *, day: dt.date) -> dict[str, Any]:
    """What the app is told of a payment booked into a later day than the one it was taken (its day closed)."""
    taken = _taken_on(p)
    return {"late": True, "taken_on": taken.isoformat(), "day": day.isoformat()} if day != taken else {}


def _known(ref: regie_reads.QuittanceRef, p: PaymentInput, *, agent_id: int) -> ItemResult:
    if not _same_payment(ref, p, agent_id=agent_id):
        err = exceptions.ClientUuidReused(extra={"quittance_number": ref.number if ref.agent_id == agent_id else None})
        return _refused(str(p.client_uuid), err)
    return ItemResult(
        uuid=str(p.client_uuid),
        status=ItemStatus.DUPLICATE,
        quittance_id=ref.id,
        number=ref.number,
        series=ref.series,
        exercice=ref.exercice,
        amount_dh=ref.amount_dh,
        extra=_late(p, day=ref.day),
    )


def _refused(client_uuid: str, err: DomainError) -> ItemResult:
    return ItemResult(
        uuid=client_uuid, status=ItemStatus.REFUSED, code=err.code, message=str(err.message), extra=err.extra
    )


def _block_quittance(block: DeviceBlock, p: PaymentInput) -> regie_services.BlockQuittance:
    return regie_services.BlockQuittance(
        regie_id=block.regie_id,
        exercice=block.exercice,
        series=block.series,
        block_id=p.block_id,
        number=p.number,
        redevable_id=p.redevable_id,
        tax_id=p.tax_id,
        base=p.base,
        period=p.period,
        payment_method=p.payment_method,
        on=_taken_on(p),
        client_uuid=p.client_uuid,
        collected_at=p.collected_at,
        # The receipt in the payer's hand must say what the tariff in force that day gives.
        receipt_dh=p.amount_dh,
    )


def _created(quittance: Any, block: DeviceBlock, p: PaymentInput, *, agent_id: int) -> regie_reads.QuittanceRef:
    """What a later item of the batch with the same UUID is compared with (no query: the row was just written)."""
    return regie_reads.QuittanceRef(
        id=quittance.pk,
        regie_id=block.regie_id,
        exercice=block.exercice,
        series=block.series,
        number=quittance.number,
        block_id=p.block_id,
        agent_id=agent_id,
        redevable_id=p.redevable_id,
        payer_name=quittance.payer_name,
        tax_id=p.tax_id,
        base=p.base,
        rate=quittance.rate,
        amount_dh=quittance.amount_dh,
        period=p.period.strip(),
        payment_method=p.payment_method,
        day=quittance.day,
        client_uuid=p.client_uuid,
        collected_at=p.collected_at,
    )


def _block_closed(block: DeviceBlock) -> bool:
    """Returned by the device, or closed by the régisseur (a lost phone) on the régie's side."""
    if block.closed_at is not None:
        return True
    ref = regie_reads.block_ref(block_id=block.block_id)
    return ref is None or ref.closed_at is not None


@transaction.atomic
def payments_upload(*, device_id: int, payments: list[PaymentInput | InvalidItem]) -> BatchResult:
    """Record a batch of payments taken offline. Per item: created, duplicate (same UUID, same payment: the
    quittance already made; `extra.late` when its day was closed before the sync and it was booked into the next
    open day, `extra.day`) or refused (code and message: NUMBER_OUTSIDE_BLOCK, NUMBER_ALREADY_USED, DAY_LOCKED,
    CLIENT_UUID_REUSED, AMOUNT_MISMATCH, INVALID_PAYMENT…). Refused items are kept (RefusedPayment) with what the
    device sent; a number refused as outside the collector's block is also an incident for the régisseur (once
    per payment, however often the device sends it again).

    One transaction. The régie issues the batch's quittances in one call (quittances_issue_batch: its context
    read once, one INSERT, a savepoint per row only when an upload racing this one took a number or a UUID), so
    a refused payment never takes the others with it."""
    started = time.monotonic()
    device = Device.objects.select_related("collector").get(pk=device_id)
    collector = device.collector
    # Blocks of any of this collector's devices (a re-registered phone still syncs its old outbox).
    blocks = {b.block_id: b for b in DeviceBlock.objects.filter(device__collector_id=collector.pk)}
    known = regie_reads.quittances_by_client_uuids(
        client_uuids=[p.client_uuid for p in payments if isinstance(p, PaymentInput)]
    )
    results: dict[int, ItemResult] = {}
    pending: list[tuple[int, PaymentInput | InvalidItem]] = list(enumerate(payments))
    while pending:
        # A UUID twice in the batch: the first is issued, the next compared with it in the following round.
        later: list[tuple[int, PaymentInput | InvalidItem]] = []
        issue: list[tuple[int, PaymentInput]] = []
        seen: set[uuid.UUID] = set()
        for index, p in pending:
            if isinstance(p, InvalidItem):
                results[index] = _refused(p.client_uuid, exceptions.InvalidPayment(extra={"fields": p.errors}))
            elif (ref := known.get(p.client_uuid)) is not None:
                results[index] = _known(ref, p, agent_id=collector.pk)
            elif p.client_uuid in seen:
                later.append((index, p))
            elif p.block_id not in blocks:
                # Not a block of this collector's devices: to the régie, a number outside the collector's block.
                err = regie_exceptions.NumberOutsideBlock(extra={"number": p.number, "block_id": p.block_id})
                results[index] = _refused(str(p.client_uuid), err)
            else:
                seen.add(p.client_uuid)
                issue.append((index, p))
        outcomes = regie_services.quittances_issue_batch(
            actor=collector, items=[_block_quittance(blocks[p.block_id], p) for _, p in issue]
        )
        # A number or UUID taken meanwhile may be this very payment, sent again while its first upload was in
        # flight: answered as a repeat when it is the same.
        raced = regie_reads.quittances_by_client_uuids(
            client_uuids=[
                p.client_uuid
                for (_, p), outcome in zip(issue, outcomes, strict=True)
                if isinstance(outcome, regie_exceptions.NumberAlreadyUsed | regie_exceptions.ClientUuidTaken)
            ]
        )
        for (index, p), outcome in zip(issue, outcomes, strict=True):
            block = blocks[p.block_id]
            if isinstance(outcome, DomainError):
                if isinstance(outcome, regie_exceptions.NumberOutsideBlock) and _block_closed(block):
                    outcome.extra = {**outcome.extra, "stale_block": True}
                ref = raced.get(p.client_uuid)
                results[index] = (
                    _known(ref, p, agent_id=collector.pk) if ref is not None else _refused(str(p.client_uuid), outcome)
                )
                continue
            known[p.client_uuid] = _created(outcome, block, p, agent_id=collector.pk)
            results[index] = ItemResult(
                uuid=str(p.client_uuid),
                status=ItemStatus.CREATED,
                quittance_id=outcome.pk,
                number=outcome.number,
                series=block.series,
                exercice=block.exercice,
                amount_dh=outcome.amount_dh,
                extra=_late(p, day=outcome.day),
            )
        pending = later
    ordered = [results[index] for index in range(len(payments))]
    _record_incidents(collector=collector, blocks=blocks, payments=payments, results=ordered)
    batch = SyncBatch.objects.create(
        device=device,
        items=len(ordered),
        created=sum(r.status == ItemStatus.CREATED for r in ordered),
        duplicates=sum(r.status == ItemStatus.DUPLICATE for r in ordered),
        refused=sum(r.status == ItemStatus.REFUSED for r in ordered),
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    RefusedPayment.objects.bulk_create(
        [
            RefusedPayment(
                batch=batch,
                client_uuid=_uuid_or_nil(r.uuid),
                number=p.number if isinstance(p, PaymentInput) else None,
                block_id=p.block_id if isinstance(p, PaymentInput) else None,
                code=r.code or "",
                message=r.message or "",
                payload=p.raw,
            )
            for p, r in zip(payments, ordered, strict=True)
            if r.status == ItemStatus.REFUSED
        ]
    )
    Device.objects.filter(pk=device.pk).update(last_sync_at=timezone.now())
    return BatchResult(batch.pk, ordered, batch.created, batch.duplicates, batch.refused)


def _record_incidents(
    *,
    collector: Any,
    blocks: dict[int, DeviceBlock],
    payments: list[PaymentInput | InvalidItem],
    results: list[ItemResult],
) -> None:
    """A payment refused for its number (a returned or closed block, a colleague's block, past the block's end)
    is cash taken on a receipt the stub book does not hold: a stale_block incident for the régisseur, keyed by
    the payment's UUID so that a device sending it again adds nothing."""
    for p, r in zip(payments, results, strict=True):
        if not isinstance(p, PaymentInput) or r.code != regie_exceptions.NumberOutsideBlock.code:
            continue
        day = timezone.localdate(p.collected_at)
        regie_id = _regie_of(collector=collector, blocks=blocks, block_id=p.block_id, day=day)
        if regie_id is None:
            continue
        regie_services.incident_record(
            actor=collector,
            regie_id=regie_id,
            day=day,
            kind="stale_block",
            agent=collector,
            amount_dh=p.amount_dh,
            data={
                "client_uuid": str(p.client_uuid),
                "block_id": p.block_id,
                "number": p.number,
                "stale_block": bool(r.extra.get("stale_block")),
                "collected_at": p.collected_at.isoformat(),
            },
            key=f"payment:{p.client_uuid}",
        )


def _regie_of(*, collector: Any, blocks: dict[int, DeviceBlock], block_id: int, day: dt.date) -> int | None:
    """The régie a refused number belongs to: its block's, else the collector's."""
    if block_id in blocks:
        return blocks[block_id].regie_id
    ref = regie_reads.block_ref(block_id=block_id)
    if ref is not None:
        return ref.regie_id
    if blocks:
        return next(iter(blocks.values())).regie_id
    regies = regie_reads.regies_for_collector(user_id=collector.pk, on=day)
    return regies[0].id if regies else None


def _uuid_or_nil(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except (ValueError, TypeError):
        return uuid.UUID(int=0)


# --- the day's close and cancellations ---------------------------------------------------------------------


def day_close(*, device_id: int, regie_id: int, day: dt.date, counted_dh: Decimal, note: str = "") -> Any:
    """The collector's close of the day (cash counted → the versement slip to the régisseur; the day is then
    locked for them; a difference is recorded as an incident by the régie). Returns the régie's Versement."""
    device = Device.objects.select_related("collector").get(pk=device_id)
    return regie_services.day_close(
        actor=device.collector, regie_id=regie_id, day=day, counted_dh=counted_dh, agent=device.collector, note=note
    )


def cancellation_request(*, actor: Any, reason: str, quittance_id: int | None = None, client_uuid: Any = None) -> Any:
    """Ask the régisseur to cancel one of the collector's own quittances (by id or by the device's UUID); the
    régisseur approves or rejects it on the web. Raises QuittanceNotYours (404) for anyone else's."""
    if quittance_id is not None:
        ref = regie_reads.quittance_ref(quittance_id=quittance_id)
    elif client_uuid is not None:
        ref = regie_reads.quittance_by_client_uuid(client_uuid=client_uuid)
    else:
        ref = None
    if ref is None or ref.agent_id != actor.pk:
        raise exceptions.QuittanceNotYours()
    return regie_services.cancellation_request(quittance_id=ref.id, requested_by=actor, reason=reason)
