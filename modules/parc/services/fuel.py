"""Writes of the parc automobile: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers come from the kernel's gapless counter, drawn in the transaction that writes the record: voucher books
per year (`parc:book`), their vouchers as one consecutive block of the year's series (`parc:voucher`), mission
orders per year (`parc:mission`). A refused write gives its numbers back. The SQL triggers of migration 0002 are
the last word (odometer only up, a voucher used once on its own vehicle, no overlapping assignment or mission);
the checks here come first so that the refusal says why in the user's language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    Fuel,
    ReadingSource,
    Service,
    State,
    Voucher,
    VoucherBook,
    VoucherCancellation,
    VoucherStatus,
    VoucherUse,
)
from ._common import (
    _clean,
    _code,
    _guarded,
    _require,
    _vehicle,
)
from .fleet import odometer_record

# --- fuel vouchers -----------------------------------------------------------------------------------------------


@transaction.atomic
def book_issue(
    *,
    actor: Any,
    count: int,
    face_value: Decimal,
    vehicle_id: int | None = None,
    service_id: int | None = None,
    fuel: str = "",
    supplier: str = "",
    issued_on: dt.date | None = None,
) -> VoucherBook:
    """A stub book of `count` vouchers for one vehicle or one service: the book's number and its vouchers' block
    come from the counter in this transaction (no gap, no duplicate, whoever issues at the same time). Raises
    NotAllowed, Invalid, VehicleNotFound, ServiceNotFound, VehicleReformed."""
    _require(permissions.is_manager, actor)
    if (vehicle_id is None) == (service_id is None):
        raise exceptions.Invalid(extra={"fields": {"vehicle_id": ["a vehicle or a service"]}})
    if not 1 <= count <= 100:
        raise exceptions.Invalid(extra={"fields": {"count": ["1..100"]}})
    if face_value is None or face_value <= 0:
        raise exceptions.Invalid(extra={"fields": {"face_value": ["positive"]}})
    vehicle = service = None
    if vehicle_id is not None:
        vehicle = _vehicle(vehicle_id)
        if vehicle.state == State.REFORMED:
            raise exceptions.VehicleReformed()
        fuel = fuel or vehicle.fuel
    else:
        service = Service.objects.filter(pk=service_id).first() if service_id is not None else None
        if service is None:
            raise exceptions.ServiceNotFound()
    fuel = fuel or Fuel.DIESEL
    if fuel not in Fuel.values:
        raise exceptions.Invalid(extra={"fields": {"fuel": ["invalid"]}})
    day = issued_on or timezone.localdate()
    year = day.year
    # Drawn last, just before the inserts: the counter rows stay locked only until this transaction ends.
    number = counter_next(key="parc:book", year=year)
    first = counter_next(key="parc:voucher", year=year, count=count)
    book = VoucherBook.objects.create(
        year=year,
        number=number,
        vehicle=vehicle,
        service=service,
        fuel=fuel,
        face_value=face_value,
        first_number=first,
        count=count,
        supplier=supplier.strip(),
        issued_on=day,
        created_by=actor,
    )
    Voucher.objects.bulk_create([Voucher(book=book, year=year, number=first + i, code=_code()) for i in range(count)])
    audit_record(
        actor=actor,
        action="parc.book.issued",
        target=book,
        data={
            "number": book.reference,
            "first": first,
            "count": count,
            "vehicle_id": vehicle_id,
            "service_id": service_id,
        },
    )
    return book


VOUCHER_REFERENCE = re.compile(r"^\s*(?:B-?)?(?:(\d{4})\s*/\s*)?0*(\d{1,9})\s*$", re.IGNORECASE)


def voucher_resolve(*, reference: str) -> Voucher:
    """The voucher `B-2026/000012`, `2026/12` or `12` (this year). Raises VoucherNotFound. Reads only."""
    match = VOUCHER_REFERENCE.match(reference or "")
    if match is None:
        raise exceptions.VoucherNotFound()
    year = int(match.group(1)) if match.group(1) else timezone.localdate().year
    voucher = Voucher.objects.filter(year=year, number=int(match.group(2))).first()
    if voucher is None:
        raise exceptions.VoucherNotFound()
    return voucher


@dataclass(frozen=True, kw_only=True)
class FillInput:
    voucher_id: int
    vehicle_id: int
    used_on: dt.date
    station: str
    odometer: int
    litres: Decimal | None = None
    amount: Decimal | None = None
    full_tank: bool = False


@transaction.atomic
def voucher_use(*, actor: Any, data: FillInput) -> VoucherUse:
    """Record the fill a voucher paid for: once (a second use, even at the same instant, is refused), on the
    book's vehicle or a vehicle of the book's service, with the odometer (which becomes the vehicle's reading).
    The amount defaults to the voucher's face value. A fill on a reformed vehicle is recorded (the fuel was
    delivered) and flagged by the report. Raises NotAllowed, VoucherNotFound, VehicleNotFound,
    VoucherUnavailable, VoucherOtherVehicle, OdometerLower, Invalid."""
    _require(permissions.is_garage, actor)
    voucher = Voucher.objects.select_for_update().select_related("book").filter(pk=data.voucher_id).first()
    if voucher is None:
        raise exceptions.VoucherNotFound()
    if voucher.status != VoucherStatus.ISSUED:
        raise exceptions.VoucherUnavailable(extra={"status": voucher.status})
    vehicle = _vehicle(data.vehicle_id)
    book = voucher.book
    if (book.vehicle_id is not None and book.vehicle_id != vehicle.pk) or (
        book.service_id is not None and book.service_id != vehicle.service_id
    ):
        raise exceptions.VoucherOtherVehicle(extra={"fields": {"vehicle_id": []}})
    if data.litres is not None and data.litres <= 0:
        raise exceptions.Invalid(extra={"fields": {"litres": ["positive"]}})
    if data.amount is not None and data.amount <= 0:
        raise exceptions.Invalid(extra={"fields": {"amount": ["positive"]}})
    amount = data.amount if data.amount is not None else book.face_value
    use = VoucherUse(
        voucher=voucher,
        vehicle=vehicle,
        used_on=data.used_on,
        station=data.station.strip(),
        litres=data.litres,
        amount=amount,
        odometer=data.odometer,
        full_tank=data.full_tank,
        created_by=actor,
    )
    _clean(use, exclude=["created_by", "voucher"])
    _guarded(use.save, exceptions.VoucherUnavailable)
    odometer_record(
        actor=actor, vehicle_id=vehicle.pk, value=data.odometer, read_on=data.used_on, source=ReadingSource.FUEL
    )
    audit_record(
        actor=actor,
        action="parc.voucher.used",
        target=voucher,
        data={"vehicle": vehicle.plate, "litres": str(data.litres or ""), "amount": str(amount), "km": data.odometer},
    )
    return use


@transaction.atomic
def voucher_cancel(*, actor: Any, voucher_id: int, reason: str) -> VoucherCancellation:
    """Cancel an unused voucher by a counter-entry (the voucher stays, numbered, with its cancellation). Raises
    NotAllowed, VoucherNotFound, VoucherUnavailable, Invalid (no reason)."""
    _require(permissions.is_manager, actor)
    voucher = Voucher.objects.select_for_update().filter(pk=voucher_id).first()
    if voucher is None:
        raise exceptions.VoucherNotFound()
    reason = reason.strip()
    if not reason:
        raise exceptions.Invalid(extra={"fields": {"reason": ["required"]}})
    if voucher.status != VoucherStatus.ISSUED:
        raise exceptions.VoucherUnavailable(extra={"status": voucher.status})
    cancellation = VoucherCancellation(voucher=voucher, reason=reason[:300], created_by=actor)
    _guarded(cancellation.save, exceptions.VoucherUnavailable)
    audit_record(actor=actor, action="parc.voucher.cancelled", target=voucher, reason=reason)
    return cancellation
