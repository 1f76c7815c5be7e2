"""Writes of the parc automobile: reference lists, vehicles, assignments, documents, odometer, maintenance, mission
orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    STATE_TRANSITIONS,
    Assignment,
    ConsumptionThreshold,
    DocumentKind,
    Driver,
    ExpiryNotice,
    Fuel,
    Kind,
    Maintenance,
    MaintenanceKind,
    MissionOrder,
    MissionStatus,
    OdometerReading,
    ReadingSource,
    Service,
    State,
    StateChange,
    Vehicle,
    VehicleDocument,
)
from ._common import (
    EXPIRY_STAGES,
    _clean,
    _code,
    _guarded,
    _require,
    _vehicle,
    last_odometer,
    plate_arabic,
    plate_normalize,
)

# --- reference lists ---------------------------------------------------------------------------------------------


@transaction.atomic
def service_create(*, actor: Any, name_fr: str, name_ar: str = "") -> Service:
    """A service vehicles and books belong to. Raises NotAllowed, Invalid (empty or taken name)."""
    _require(permissions.is_manager, actor)
    service = Service(name_fr=name_fr.strip(), name_ar=name_ar.strip())
    _clean(service)
    if Service.objects.filter(name_fr__iexact=service.name_fr).exists():
        raise exceptions.Invalid(extra={"fields": {"name_fr": ["taken"]}})
    service.save()
    audit_record(actor=actor, action="parc.service.created", target=service, data={"name": service.name_fr})
    return service


@transaction.atomic
def driver_create(*, actor: Any, name: str, name_ar: str = "", licence: str = "", phone: str = "") -> Driver:
    """A driver (who may hold no account). Raises NotAllowed, Invalid."""
    _require(permissions.is_manager, actor)
    driver = Driver(name=name.strip(), name_ar=name_ar.strip(), licence=licence.strip().upper(), phone=phone.strip())
    _clean(driver)
    driver.save()
    audit_record(actor=actor, action="parc.driver.created", target=driver, data={"name": driver.name})
    return driver


@transaction.atomic
def threshold_set(*, actor: Any, kind: str, max_l_per_100km: Decimal) -> ConsumptionThreshold:
    """The consumption beyond which a vehicle of `kind` is flagged. Raises NotAllowed, Invalid."""
    _require(permissions.is_manager, actor)
    if kind not in Kind.values or max_l_per_100km <= 0:
        raise exceptions.Invalid(extra={"fields": {"max_l_per_100km": ["invalid"]}})
    row, _created = ConsumptionThreshold.objects.update_or_create(
        kind=kind, defaults={"max_l_per_100km": max_l_per_100km}
    )
    audit_record(actor=actor, action="parc.threshold.set", target=row, data={"kind": kind, "max": str(max_l_per_100km)})
    return row


# --- vehicles ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VehicleInput:
    plate: str
    kind: str
    service_id: int
    plate_ar: str = ""
    brand: str = ""
    model: str = ""
    fuel: str = Fuel.DIESEL
    tank_litres: int | None = None
    odometer: int | None = None


@transaction.atomic
def vehicle_create(*, actor: Any, data: VehicleInput) -> Vehicle:
    """Record a vehicle (plate in both scripts: the Arabic one derived when not given) and its first reading.
    Raises NotAllowed, Invalid, PlateTaken, ServiceNotFound."""
    _require(permissions.is_manager, actor)
    plate = plate_normalize(data.plate)
    plate_ar = data.plate_ar.strip() or plate_arabic(plate)
    service = Service.objects.filter(pk=data.service_id).first()
    if service is None:
        raise exceptions.ServiceNotFound()
    if not plate_ar:
        raise exceptions.Invalid(extra={"fields": {"plate_ar": ["required"]}})
    vehicle = Vehicle(
        plate=plate,
        plate_ar=plate_ar,
        kind=data.kind,
        brand=data.brand.strip(),
        model=data.model.strip(),
        fuel=data.fuel,
        tank_litres=data.tank_litres,
        service=service,
        created_by=actor,
    )
    _clean(vehicle, exclude=["created_by"])
    if Vehicle.objects.filter(plate=plate).exists():
        raise exceptions.PlateTaken()
    _guarded(vehicle.save, exceptions.PlateTaken)
    audit_record(actor=actor, action="parc.vehicle.created", target=vehicle, data={"plate": plate})
    if data.odometer:
        odometer_record(actor=actor, vehicle_id=vehicle.pk, value=data.odometer, read_on=timezone.localdate())
    return vehicle


@transaction.atomic
def vehicle_state_change(*, actor: Any, vehicle_id: int, state: str, reason: str, on: dt.date | None = None) -> Vehicle:
    """In service ⇄ in repair, either → reformed (final), with a reason. Raises NotAllowed, VehicleNotFound,
    StateRefused, Invalid; writes the state change and an audit row."""
    _require(permissions.is_manager, actor)
    vehicle = _vehicle(vehicle_id, lock=True)
    reason = reason.strip()
    if not reason:
        raise exceptions.Invalid(extra={"fields": {"reason": ["required"]}})
    if state not in STATE_TRANSITIONS.get(vehicle.state, ()):
        raise exceptions.StateRefused(extra={"from": vehicle.state, "to": state})
    day = on or timezone.localdate()
    StateChange.objects.create(
        vehicle=vehicle, from_state=vehicle.state, to_state=state, on=day, reason=reason, by=actor
    )
    vehicle.state = state
    vehicle.reformed_on = day if state == State.REFORMED else None
    vehicle.save(update_fields=["state", "reformed_on"])
    audit_record(actor=actor, action="parc.vehicle.state_changed", target=vehicle, reason=reason, data={"state": state})
    return vehicle


# --- assignments -------------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_start(
    *, actor: Any, vehicle_id: int, driver_id: int, start_on: dt.date, end_on: dt.date | None = None, note: str = ""
) -> Assignment:
    """Give a vehicle to a driver from a day (to a day, or open). Raises NotAllowed, VehicleNotFound,
    DriverNotFound, VehicleReformed, Invalid, AssignmentOverlap (also when two managers race: the exclusion
    constraint settles it)."""
    _require(permissions.is_manager, actor)
    vehicle = _vehicle(vehicle_id, lock=True)
    if vehicle.state == State.REFORMED:
        raise exceptions.VehicleReformed()
    driver = Driver.objects.filter(pk=driver_id).first()
    if driver is None:
        raise exceptions.DriverNotFound()
    if end_on is not None and end_on < start_on:
        raise exceptions.Invalid(extra={"fields": {"end_on": ["before start"]}})
    overlap = Assignment.objects.filter(vehicle=vehicle).filter(
        models.Q(end_on__isnull=True) | models.Q(end_on__gte=start_on)
    )
    if end_on is not None:
        overlap = overlap.filter(start_on__lte=end_on)
    if overlap.exists():
        raise exceptions.AssignmentOverlap()
    assignment = Assignment(
        vehicle=vehicle, driver=driver, start_on=start_on, end_on=end_on, note=note.strip(), created_by=actor
    )
    _guarded(assignment.save, exceptions.AssignmentOverlap)
    audit_record(
        actor=actor,
        action="parc.assignment.started",
        target=assignment,
        data={"vehicle": vehicle.plate, "driver": driver.name, "from": str(start_on), "to": str(end_on or "")},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: Any, assignment_id: int, end_on: dt.date) -> Assignment:
    """Close an open assignment on a day (once). Raises NotAllowed, Invalid, AssignmentEnded."""
    _require(permissions.is_manager, actor)
    assignment = Assignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None:
        raise exceptions.VehicleNotFound()
    if assignment.end_on is not None:
        raise exceptions.AssignmentEnded()
    if end_on < assignment.start_on:
        raise exceptions.Invalid(extra={"fields": {"end_on": ["before start"]}})
    assignment.end_on = end_on
    assignment.ended_by = actor
    assignment.save(update_fields=["end_on", "ended_by"])
    audit_record(actor=actor, action="parc.assignment.ended", target=assignment, data={"to": str(end_on)})
    return assignment


# --- documents with expiry ---------------------------------------------------------------------------------------


@transaction.atomic
def document_add(
    *,
    actor: Any,
    vehicle_id: int,
    kind: str,
    valid_from: dt.date,
    valid_until: dt.date,
    reference: str = "",
    issuer: str = "",
    amount: Decimal | None = None,
) -> VehicleDocument:
    """An insurance, technical inspection or vignette (a renewal is a new one). Raises NotAllowed,
    VehicleNotFound, Invalid."""
    _require(permissions.is_manager, actor)
    vehicle = _vehicle(vehicle_id)
    if kind not in DocumentKind.values:
        raise exceptions.Invalid(extra={"fields": {"kind": ["invalid"]}})
    if valid_until < valid_from:
        raise exceptions.Invalid(extra={"fields": {"valid_until": ["before start"]}})
    document = VehicleDocument(
        vehicle=vehicle,
        kind=kind,
        reference=reference.strip(),
        issuer=issuer.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
        amount=amount,
        created_by=actor,
    )
    _clean(document, exclude=["created_by"])
    document.save()
    audit_record(
        actor=actor, action="parc.document.added", target=document, data={"kind": kind, "until": str(valid_until)}
    )
    return document


def expiry_announce(*, today: dt.date | None = None) -> list[int]:
    """Announce (once per stage: 30 days, 7 days, lapsed) each vehicle's latest document of each kind that lapses
    soon, for vehicles not reformed; returns the notices' ids. Run by the beat in every commune."""
    day = today or timezone.localdate()
    created: list[int] = []
    latest: dict[tuple[int, str], VehicleDocument] = {}
    documents = VehicleDocument.objects.exclude(vehicle__state=State.REFORMED).order_by("valid_until", "id")
    for document in documents.filter(valid_until__lte=day + dt.timedelta(days=max(EXPIRY_STAGES))):
        latest[(document.vehicle_id, document.kind)] = document
    # a renewal (a later document of the same kind) silences the old one
    renewed = {
        (v, k)
        for v, k in VehicleDocument.objects.filter(valid_until__gt=day + dt.timedelta(days=max(EXPIRY_STAGES)))
        .exclude(vehicle__state=State.REFORMED)
        .values_list("vehicle_id", "kind")
    }
    for key, document in latest.items():
        if key in renewed:
            continue
        left = (document.valid_until - day).days
        stage = next((s for s in sorted(EXPIRY_STAGES) if left <= s), None)
        if stage is None:
            continue
        with transaction.atomic():
            notice, made = ExpiryNotice.objects.get_or_create(document=document, days_before=stage)
            if made:
                audit_record(
                    actor=None,
                    action="parc.document.expiry_announced",
                    target=document,
                    data={"vehicle_id": document.vehicle_id, "kind": document.kind, "days_left": left},
                )
                created.append(notice.pk)
    return created


# --- odometer and maintenance ------------------------------------------------------------------------------------


@transaction.atomic
def odometer_record(
    *, actor: Any, vehicle_id: int, value: int, read_on: dt.date, source: str = ReadingSource.MANUAL
) -> OdometerReading:
    """A kilometre reading: never zero, never lower than the last one (the refusal gives it). Raises NotAllowed,
    VehicleNotFound, Invalid, OdometerLower."""
    _require(permissions.is_garage, actor)
    vehicle = _vehicle(vehicle_id, lock=True)
    if value is None or value <= 0:
        raise exceptions.Invalid(extra={"fields": {"odometer": ["positive"]}})
    last = last_odometer(vehicle_id=vehicle.pk)
    if last is not None and value < last:
        raise exceptions.OdometerLower(last=last)
    reading = OdometerReading(vehicle=vehicle, value=value, read_on=read_on, source=source, created_by=actor)
    _guarded(reading.save, lambda: exceptions.OdometerLower(last=last_odometer(vehicle_id=vehicle.pk) or 0))
    audit_record(actor=actor, action="parc.odometer.recorded", target=reading, data={"km": value, "source": source})
    return reading


@transaction.atomic
def maintenance_record(
    *,
    actor: Any,
    vehicle_id: int,
    kind: str,
    description: str,
    amount: Decimal,
    odometer: int,
    done_on: dt.date,
    supplier: str = "",
) -> Maintenance:
    """A service or a repair (type, supplier, amount, odometer — never zero, never below the last reading, which
    it becomes). Raises NotAllowed, VehicleNotFound, Invalid, OdometerLower."""
    _require(permissions.is_garage, actor)
    vehicle = _vehicle(vehicle_id, lock=True)
    if kind not in MaintenanceKind.values:
        raise exceptions.Invalid(extra={"fields": {"kind": ["invalid"]}})
    if not odometer or odometer <= 0:
        raise exceptions.Invalid(extra={"fields": {"odometer": ["positive"]}})
    record = Maintenance(
        vehicle=vehicle,
        kind=kind,
        description=description.strip(),
        supplier=supplier.strip(),
        amount=amount,
        odometer=odometer,
        done_on=done_on,
        created_by=actor,
    )
    _clean(record, exclude=["created_by"])
    odometer_record(
        actor=actor, vehicle_id=vehicle.pk, value=odometer, read_on=done_on, source=ReadingSource.MAINTENANCE
    )
    record.save()
    audit_record(
        actor=actor, action="parc.maintenance.recorded", target=record, data={"kind": kind, "amount": str(amount)}
    )
    return record


# --- mission orders ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MissionInput:
    agent_name: str
    vehicle_id: int
    destination: str
    purpose: str
    depart_on: dt.date
    return_on: dt.date
    agent_function: str = ""
    driver_id: int | None = None


@transaction.atomic
def mission_issue(*, actor: Any, data: MissionInput) -> MissionOrder:
    """Issue a mission order: numbered (gapless per year) in this transaction, with its verification code and the
    vehicle's last reading as the start. Raises NotAllowed, VehicleNotFound, DriverNotFound, VehicleReformed,
    Invalid, MissionOverlap."""
    _require(permissions.is_manager, actor)
    vehicle = _vehicle(data.vehicle_id, lock=True)
    if vehicle.state == State.REFORMED:
        raise exceptions.VehicleReformed()
    driver = None
    if data.driver_id is not None:
        driver = Driver.objects.filter(pk=data.driver_id).first()
        if driver is None:
            raise exceptions.DriverNotFound()
    if data.return_on < data.depart_on:
        raise exceptions.Invalid(extra={"fields": {"return_on": ["before departure"]}})
    busy = MissionOrder.objects.filter(
        vehicle=vehicle, depart_on__lte=data.return_on, return_on__gte=data.depart_on
    ).exclude(status=MissionStatus.CANCELLED)
    if busy.exists():
        raise exceptions.MissionOverlap()
    mission = MissionOrder(
        year=0,
        number=0,
        code=_code(),
        agent_name=data.agent_name.strip(),
        agent_function=data.agent_function.strip(),
        vehicle=vehicle,
        driver=driver,
        destination=data.destination.strip(),
        purpose=data.purpose.strip(),
        depart_on=data.depart_on,
        return_on=data.return_on,
        start_odometer=last_odometer(vehicle_id=vehicle.pk),
        created_by=actor,
    )
    _clean(mission, exclude=["created_by", "year", "number"])
    mission.year = timezone.localdate().year
    mission.number = counter_next(key="parc:mission", year=mission.year)
    _guarded(mission.save, exceptions.MissionOverlap)
    audit_record(
        actor=actor,
        action="parc.mission.issued",
        target=mission,
        data={"number": mission.reference, "vehicle": vehicle.plate, "destination": mission.destination},
    )
    return mission


def _open_mission(mission_id: int) -> MissionOrder:
    mission = MissionOrder.objects.select_for_update().filter(pk=mission_id).first()
    if mission is None:
        raise exceptions.MissionNotFound()
    if mission.status != MissionStatus.ISSUED:
        raise exceptions.MissionClosed()
    return mission


@transaction.atomic
def mission_complete(
    *, actor: Any, mission_id: int, end_odometer: int, returned_on: dt.date | None = None
) -> MissionOrder:
    """Close a mission on the vehicle's return: the odometer (not below the last reading) is recorded. Raises
    NotAllowed, MissionNotFound, MissionClosed, OdometerLower, Invalid."""
    _require(permissions.is_garage, actor)
    mission = _open_mission(mission_id)
    odometer_record(
        actor=actor,
        vehicle_id=mission.vehicle_id,
        value=end_odometer,
        read_on=returned_on or timezone.localdate(),
        source=ReadingSource.MISSION,
    )
    mission.status = MissionStatus.COMPLETED
    mission.end_odometer = end_odometer
    mission.closed_at = timezone.now()
    mission.closed_by = actor
    mission.save(update_fields=["status", "end_odometer", "closed_at", "closed_by"])
    audit_record(actor=actor, action="parc.mission.completed", target=mission, data={"km": end_odometer})
    return mission


@transaction.atomic
def mission_cancel(*, actor: Any, mission_id: int, reason: str) -> MissionOrder:
    """Cancel an issued mission order, with a reason (its number stays, cancelled). Raises NotAllowed,
    MissionNotFound, MissionClosed, Invalid."""
    _require(permissions.is_manager, actor)
    mission = _open_mission(mission_id)
    reason = reason.strip()
    if not reason:
        raise exceptions.Invalid(extra={"fields": {"reason": ["required"]}})
    mission.status = MissionStatus.CANCELLED
    mission.cancel_reason = reason[:300]
    mission.closed_at = timezone.now()
    mission.closed_by = actor
    mission.save(update_fields=["status", "cancel_reason", "closed_at", "closed_by"])
    audit_record(actor=actor, action="parc.mission.cancelled", target=mission, reason=reason)
    return mission
