"""Reads of the parc automobile: vehicles, documents, mission orders and the logbook."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from .. import exceptions, permissions
from ..models import (
    STATE_TRANSITIONS,
    Assignment,
    DocumentKind,
    ExpiryNotice,
    Kind,
    Maintenance,
    MaintenanceKind,
    MissionOrder,
    MissionStatus,
    OdometerReading,
    ReadingSource,
    State,
    StateChange,
    Vehicle,
    VehicleDocument,
    VoucherUse,
)
from ._common import EXPIRY_WINDOW_DAYS, _ar, _visible
from .fuel import BookRow, book_list

# --- vehicles ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VehicleRow:
    id: int
    plate: str
    plate_ar: str
    kind: str
    kind_label: str
    brand: str
    model: str
    fuel: str
    service_id: int
    service: str
    state: str
    state_label: str
    driver: str
    odometer: int | None
    tank_litres: int | None
    reformed_on: dt.date | None


def _rows(vehicles: list[Vehicle]) -> list[VehicleRow]:
    today = timezone.localdate()
    ids = [v.pk for v in vehicles]
    odometers = dict(
        OdometerReading.objects.filter(vehicle_id__in=ids)
        .values("vehicle_id")
        .annotate(m=Max("value"))
        .values_list("vehicle_id", "m")
    )
    drivers = {
        a.vehicle_id: a.driver.name
        for a in Assignment.objects.filter(vehicle_id__in=ids, start_on__lte=today)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=today))
        .select_related("driver")
    }
    return [
        VehicleRow(
            id=v.pk,
            plate=v.plate,
            plate_ar=v.plate_ar,
            kind=v.kind,
            kind_label=str(Kind(v.kind).label),
            brand=v.brand,
            model=v.model,
            fuel=v.fuel,
            service_id=v.service_id,
            service=_ar(v.service.name_fr, v.service.name_ar),
            state=v.state,
            state_label=str(State(v.state).label),
            driver=drivers.get(v.pk, ""),
            odometer=odometers.get(v.pk),
            tank_litres=v.tank_litres,
            reformed_on=v.reformed_on,
        )
        for v in vehicles
    ]


def vehicle_list(*, viewer: Any, state: str | None = None, q: str = "") -> list[VehicleRow]:
    """The parc's vehicles by plate (a state, a plate fragment). Empty without a role."""
    if not permissions.is_agent(viewer):
        return []
    qs = Vehicle.objects.select_related("service")
    if state:
        qs = qs.filter(state=state)
    if q.strip():
        qs = qs.filter(Q(plate__icontains=q.strip()) | Q(plate_ar__icontains=q.strip()))
    return _rows(list(qs))


@dataclass(frozen=True)
class DocumentRow:
    id: int
    vehicle_id: int
    plate: str
    kind: str
    kind_label: str
    reference: str
    issuer: str
    valid_from: dt.date
    valid_until: dt.date
    days_left: int

    @property
    def lapsed(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= EXPIRY_WINDOW_DAYS


@dataclass(frozen=True)
class AssignmentRow:
    id: int
    driver: str
    start_on: dt.date
    end_on: dt.date | None


@dataclass(frozen=True)
class MaintenanceRow:
    id: int
    kind: str
    kind_label: str
    description: str
    supplier: str
    amount: Decimal
    odometer: int
    done_on: dt.date


@dataclass(frozen=True)
class VehicleDetail:
    vehicle: VehicleRow
    next_states: list[tuple[str, str]]
    documents: list[DocumentRow]
    assignments: list[AssignmentRow]
    open_assignment_id: int | None
    maintenances: list[MaintenanceRow]
    books: list[BookRow]


def _document_row(d: VehicleDocument, today: dt.date) -> DocumentRow:
    return DocumentRow(
        id=d.pk,
        vehicle_id=d.vehicle_id,
        plate=d.vehicle.plate,
        kind=d.kind,
        kind_label=str(DocumentKind(d.kind).label),
        reference=d.reference,
        issuer=d.issuer,
        valid_from=d.valid_from,
        valid_until=d.valid_until,
        days_left=(d.valid_until - today).days,
    )


def _current_documents(documents: list[VehicleDocument], today: dt.date) -> list[DocumentRow]:
    """The latest document of each (vehicle, kind)."""
    latest: dict[tuple[int, str], VehicleDocument] = {}
    for d in sorted(documents, key=lambda d: (d.valid_until, d.pk)):
        latest[(d.vehicle_id, d.kind)] = d
    return sorted((_document_row(d, today) for d in latest.values()), key=lambda r: (r.valid_until, r.plate))


def vehicle_get(*, viewer: Any, vehicle_id: int) -> VehicleDetail:
    """One vehicle with its current documents, assignments, maintenance and books. Raises VehicleNotFound."""
    _visible(viewer)
    vehicle = Vehicle.objects.select_related("service").filter(pk=vehicle_id).first()
    if vehicle is None:
        raise exceptions.VehicleNotFound()
    today = timezone.localdate()
    row = _rows([vehicle])[0]
    assignments = list(Assignment.objects.filter(vehicle=vehicle).select_related("driver"))
    open_id = next((a.pk for a in assignments if a.end_on is None), None)
    books = [b for b in book_list(viewer=viewer) if b.vehicle_id == vehicle.pk or b.service_id == vehicle.service_id]
    return VehicleDetail(
        vehicle=row,
        next_states=[(s, str(State(s).label)) for s in STATE_TRANSITIONS[vehicle.state]],
        documents=_current_documents(
            list(VehicleDocument.objects.filter(vehicle=vehicle).select_related("vehicle")), today
        ),
        assignments=[
            AssignmentRow(id=a.pk, driver=a.driver.name, start_on=a.start_on, end_on=a.end_on) for a in assignments
        ],
        open_assignment_id=open_id,
        maintenances=[
            MaintenanceRow(
                id=m.pk,
                kind=m.kind,
                kind_label=str(MaintenanceKind(m.kind).label),
                description=m.description,
                supplier=m.supplier,
                amount=m.amount,
                odometer=m.odometer,
                done_on=m.done_on,
            )
            for m in Maintenance.objects.filter(vehicle=vehicle)
        ],
        books=books,
    )


def documents_expiring(*, viewer: Any, within_days: int = EXPIRY_WINDOW_DAYS) -> list[DocumentRow]:
    """The current documents of vehicles in use that lapse within `within_days` (or have lapsed), soonest first."""
    if not permissions.is_agent(viewer):
        return []
    today = timezone.localdate()
    documents = list(VehicleDocument.objects.exclude(vehicle__state=State.REFORMED).select_related("vehicle"))
    return [d for d in _current_documents(documents, today) if d.days_left <= within_days]


@dataclass(frozen=True)
class Notice:
    plate: str
    kind_label: str
    valid_until: dt.date
    days_before: int
    at: dt.datetime


def expiry_notices(*, viewer: Any, limit: int = 20) -> list[Notice]:
    """The beat's latest announcements of lapsing documents."""
    if not permissions.is_agent(viewer):
        return []
    return [
        Notice(
            plate=n.document.vehicle.plate,
            kind_label=str(DocumentKind(n.document.kind).label),
            valid_until=n.document.valid_until,
            days_before=n.days_before,
            at=n.announced_at,
        )
        for n in ExpiryNotice.objects.select_related("document__vehicle")[:limit]
    ]


# --- mission orders ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MissionRow:
    id: int
    reference: str
    year: int
    number: int
    code: str
    agent_name: str
    agent_function: str
    vehicle_id: int
    plate: str
    plate_ar: str
    driver: str
    destination: str
    purpose: str
    depart_on: dt.date
    return_on: dt.date
    status: str
    status_label: str
    start_odometer: int | None
    end_odometer: int | None
    cancel_reason: str
    issued_at: dt.datetime


def _mission_row(m: MissionOrder) -> MissionRow:
    return MissionRow(
        id=m.pk,
        reference=m.reference,
        year=m.year,
        number=m.number,
        code=m.code,
        agent_name=m.agent_name,
        agent_function=m.agent_function,
        vehicle_id=m.vehicle_id,
        plate=m.vehicle.plate,
        plate_ar=m.vehicle.plate_ar,
        driver=m.driver.name if m.driver else "",
        destination=m.destination,
        purpose=m.purpose,
        depart_on=m.depart_on,
        return_on=m.return_on,
        status=m.status,
        status_label=str(MissionStatus(m.status).label),
        start_odometer=m.start_odometer,
        end_odometer=m.end_odometer,
        cancel_reason=m.cancel_reason,
        issued_at=m.created_at,
    )


def mission_list(*, viewer: Any, status: str | None = None, vehicle_id: int | None = None) -> list[MissionRow]:
    """Mission orders, newest first."""
    if not permissions.is_agent(viewer):
        return []
    qs = MissionOrder.objects.select_related("vehicle", "driver")
    if status:
        qs = qs.filter(status=status)
    if vehicle_id is not None:
        qs = qs.filter(vehicle_id=vehicle_id)
    return [_mission_row(m) for m in qs[:500]]


def mission_get(*, viewer: Any, mission_id: int) -> MissionRow:
    """One mission order. Raises MissionNotFound."""
    if not permissions.is_agent(viewer):
        raise exceptions.MissionNotFound()
    m = MissionOrder.objects.select_related("vehicle", "driver").filter(pk=mission_id).first()
    if m is None:
        raise exceptions.MissionNotFound()
    return _mission_row(m)


# --- the vehicle logbook -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    on: dt.date
    what: str
    detail: str
    odometer: int | None
    at: dt.datetime


def vehicle_logbook(*, viewer: Any, vehicle_id: int) -> tuple[VehicleRow, list[LogLine]]:
    """The carnet de bord: assignments, missions, fills, readings, maintenance and state changes, newest first.
    Raises VehicleNotFound."""
    from django.utils.translation import gettext as _

    _visible(viewer)
    vehicle = Vehicle.objects.select_related("service").filter(pk=vehicle_id).first()
    if vehicle is None:
        raise exceptions.VehicleNotFound()
    lines: list[LogLine] = []
    for a in Assignment.objects.filter(vehicle=vehicle).select_related("driver"):
        until = f" → {a.end_on:%d/%m/%Y}" if a.end_on else ""
        lines.append(LogLine(a.start_on, _("Assignment"), f"{a.driver.name}{until}", None, a.created_at))
    for m in MissionOrder.objects.filter(vehicle=vehicle):
        lines.append(
            LogLine(
                m.depart_on,
                _("Mission order"),
                f"{m.reference} · {m.destination} · {MissionStatus(m.status).label}",
                m.start_odometer,
                m.created_at,
            )
        )
    for f in VoucherUse.objects.filter(vehicle=vehicle).select_related("voucher"):
        litres = f"{f.litres} L" if f.litres is not None else ""
        full = " · " + _("full") if f.full_tank else ""
        lines.append(
            LogLine(
                f.used_on,
                _("Fuel"),
                f"{f.voucher.reference} · {f.station} · {litres} {f.amount} DH{full}",
                f.odometer,
                f.created_at,
            )
        )
    for r in OdometerReading.objects.filter(vehicle=vehicle, source=ReadingSource.MANUAL):
        lines.append(LogLine(r.read_on, _("Odometer reading"), "", r.value, r.created_at))
    for mt in Maintenance.objects.filter(vehicle=vehicle):
        lines.append(
            LogLine(
                mt.done_on,
                str(MaintenanceKind(mt.kind).label),
                f"{mt.description} · {mt.supplier} · {mt.amount} DH",
                mt.odometer,
                mt.created_at,
            )
        )
    for c in StateChange.objects.filter(vehicle=vehicle):
        lines.append(
            LogLine(
                c.on, _("State"), f"{State(c.from_state).label} → {State(c.to_state).label} · {c.reason}", None, c.at
            )
        )
    lines.sort(key=lambda line: (line.on, line.at), reverse=True)
    return _rows([vehicle])[0], lines
