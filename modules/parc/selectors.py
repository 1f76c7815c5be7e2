"""Reads of the parc automobile. Visibility is decided here (`viewer=`): both roles read the whole parc; anyone
else reads nothing (the same 404 as a missing object). Frozen dataclasses out, never querysets.

Consumption (`vehicle_consumption`): between two full fills, the litres of every fill after the first one up to
and including the second, over the distance between their odometers (the usual "plein à plein" method). Anomalies
(`vehicle_anomalies`): a segment beyond the vehicle kind's threshold, a fill larger than the tank, a reading that
implies an impossible distance (more than MAX_KM_PER_DAY per day since the previous reading, or a higher reading
dated before an earlier one), a fill on a reformed vehicle."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import get_language_bidi

from . import exceptions, permissions
from .models import (
    STATE_TRANSITIONS,
    Assignment,
    ConsumptionThreshold,
    DocumentKind,
    Driver,
    ExpiryNotice,
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
    Voucher,
    VoucherBook,
    VoucherStatus,
    VoucherUse,
)

MAX_KM_PER_DAY = 1000
"""A reading further than this per day since the previous one is an impossible distance."""
EXPIRY_WINDOW_DAYS = 30


def _visible(viewer: Any) -> None:
    if not permissions.is_agent(viewer):
        raise exceptions.VehicleNotFound()


def _ar(fr: str, ar: str) -> str:
    return ar if get_language_bidi() and ar else fr


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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
class BookRow:
    id: int
    reference: str
    holder: str
    vehicle_id: int | None
    service_id: int | None
    fuel: str
    face_value: Decimal
    first: str
    last: str
    count: int
    issued: int
    used: int
    cancelled: int
    issued_on: dt.date


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


# --- reference lists ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def services_list(*, viewer: Any) -> list[Choice]:
    if not permissions.is_agent(viewer):
        return []
    return [Choice(s.pk, _ar(s.name_fr, s.name_ar)) for s in Service.objects.all()]


def drivers_list(*, viewer: Any) -> list[Choice]:
    if not permissions.is_agent(viewer):
        return []
    return [Choice(d.pk, _ar(d.name, d.name_ar)) for d in Driver.objects.all()]


def thresholds(*, viewer: Any) -> dict[str, Decimal]:
    """Litres per 100 km beyond which a fill is flagged, per kind."""
    if not permissions.is_agent(viewer):
        return {}
    return dict(ConsumptionThreshold.objects.values_list("kind", "max_l_per_100km"))


# --- voucher books -----------------------------------------------------------------------------------------------


def _book_row(b: VoucherBook, counts: dict[str, int]) -> BookRow:
    holder = (
        b.vehicle.plate
        if b.vehicle_id and b.vehicle
        else (_ar(b.service.name_fr, b.service.name_ar) if b.service else "")
    )
    return BookRow(
        id=b.pk,
        reference=b.reference,
        holder=holder,
        vehicle_id=b.vehicle_id,
        service_id=b.service_id,
        fuel=b.fuel,
        face_value=b.face_value,
        first=f"B-{b.year}/{b.first_number:06d}",
        last=f"B-{b.year}/{b.first_number + b.count - 1:06d}",
        count=b.count,
        issued=counts.get(VoucherStatus.ISSUED, 0),
        used=counts.get(VoucherStatus.USED, 0),
        cancelled=counts.get(VoucherStatus.CANCELLED, 0),
        issued_on=b.issued_on,
    )


def book_list(*, viewer: Any) -> list[BookRow]:
    """Every voucher book, newest first, with how many vouchers are issued, used, cancelled."""
    if not permissions.is_agent(viewer):
        return []
    books = list(VoucherBook.objects.select_related("vehicle", "service"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for book_id, status, n in _status_counts([b.pk for b in books]):
        counts[book_id][status] = n
    return [_book_row(b, counts[b.pk]) for b in books]


def _status_counts(book_ids: list[int]) -> list[tuple[int, str, int]]:
    return [
        (r["book_id"], r["status"], r["n"])
        for r in Voucher.objects.filter(book_id__in=book_ids).values("book_id", "status").annotate(n=Count("id"))
    ]


@dataclass(frozen=True)
class VoucherRow:
    id: int
    reference: str
    number: int
    year: int
    code: str
    status: str
    status_label: str
    plate: str
    used_on: dt.date | None
    station: str
    litres: Decimal | None
    amount: Decimal | None
    odometer: int | None
    full_tank: bool
    cancel_reason: str


@dataclass(frozen=True)
class BookDetail:
    book: BookRow
    vouchers: list[VoucherRow]
    supplier: str
    vehicles: list[Choice]  # the vehicles its vouchers may be used on


def _voucher_row(v: Voucher) -> VoucherRow:
    use = getattr(v, "use", None) if v.status == VoucherStatus.USED else None
    cancellation = getattr(v, "cancellation", None) if v.status == VoucherStatus.CANCELLED else None
    return VoucherRow(
        id=v.pk,
        reference=v.reference,
        number=v.number,
        year=v.year,
        code=v.code,
        status=v.status,
        status_label=str(VoucherStatus(v.status).label),
        plate=use.vehicle.plate if use else "",
        used_on=use.used_on if use else None,
        station=use.station if use else "",
        litres=use.litres if use else None,
        amount=use.amount if use else None,
        odometer=use.odometer if use else None,
        full_tank=use.full_tank if use else False,
        cancel_reason=cancellation.reason if cancellation else "",
    )


def book_get(*, viewer: Any, book_id: int) -> BookDetail:
    """A book and its vouchers in number order. Raises BookNotFound."""
    if not permissions.is_agent(viewer):
        raise exceptions.BookNotFound()
    book = VoucherBook.objects.select_related("vehicle", "service").filter(pk=book_id).first()
    if book is None:
        raise exceptions.BookNotFound()
    vouchers = list(Voucher.objects.filter(book=book).select_related("use__vehicle", "cancellation").order_by("number"))
    counts: dict[str, int] = defaultdict(int)
    for v in vouchers:
        counts[v.status] += 1
    if book.vehicle_id:
        vehicles = [Choice(book.vehicle.pk, book.vehicle.plate)] if book.vehicle else []
    else:
        vehicles = [Choice(v.pk, v.plate) for v in Vehicle.objects.filter(service_id=book.service_id or 0)]
    return BookDetail(
        book=_book_row(book, counts),
        vouchers=[_voucher_row(v) for v in vouchers],
        supplier=book.supplier,
        vehicles=vehicles,
    )


@dataclass(frozen=True)
class VoucherDetail:
    voucher: VoucherRow
    book_id: int
    book_reference: str
    holder: str
    face_value: Decimal
    fuel: str
    vehicles: list[Choice]


def voucher_get(*, viewer: Any, voucher_id: int) -> VoucherDetail:
    """A voucher, its book and the vehicles it may be used on. Raises VoucherNotFound."""
    if not permissions.is_agent(viewer):
        raise exceptions.VoucherNotFound()
    v = (
        Voucher.objects.select_related("book__vehicle", "book__service", "use__vehicle", "cancellation")
        .filter(pk=voucher_id)
        .first()
    )
    if v is None:
        raise exceptions.VoucherNotFound()
    book = book_get(viewer=viewer, book_id=v.book_id)
    return VoucherDetail(
        voucher=_voucher_row(v),
        book_id=v.book_id,
        book_reference=book.book.reference,
        holder=book.book.holder,
        face_value=v.book.face_value,
        fuel=v.book.fuel,
        vehicles=book.vehicles,
    )


def voucher_find(*, viewer: Any, reference: str) -> int:
    """The id of the voucher `B-2026/000012`, `2026/12` or `12` (this year). Raises VoucherNotFound."""
    if not permissions.is_agent(viewer):
        raise exceptions.VoucherNotFound()
    from .services import voucher_resolve

    return voucher_resolve(reference=reference).pk


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


# --- consumption and anomalies -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """From one full fill to the next: distance, litres put in after the first, litres per 100 km."""

    vehicle_id: int
    start_km: int
    end_km: int
    end_on: dt.date
    distance: int
    litres: Decimal | None
    l_per_100km: Decimal | None
    threshold: Decimal | None

    @property
    def excessive(self) -> bool:
        return self.l_per_100km is not None and self.threshold is not None and self.l_per_100km > self.threshold


@dataclass(frozen=True)
class Anomaly:
    vehicle_id: int
    plate: str
    on: dt.date
    code: str  # consumption | tank | distance | reformed
    detail: str


def _fills(vehicle_ids: list[int]) -> dict[int, list[VoucherUse]]:
    out: dict[int, list[VoucherUse]] = defaultdict(list)
    for f in (
        VoucherUse.objects.filter(vehicle_id__in=vehicle_ids)
        .select_related("voucher")
        .order_by("odometer", "used_on", "id")
    ):
        out[f.vehicle_id].append(f)
    return out


def consumption_segments(fills: list[VoucherUse], *, vehicle_id: int, threshold: Decimal | None) -> list[Segment]:
    """Full fill to full fill: litres of the fills after the first up to and including the next full one, per
    100 km of the distance between them. A segment with a fill of unknown litres has no consumption."""
    segments: list[Segment] = []
    start: VoucherUse | None = None
    litres = Decimal(0)
    unknown = False
    for f in fills:
        if start is not None:
            if f.litres is None:
                unknown = True
            else:
                litres += f.litres
        if f.full_tank:
            if start is not None:
                distance = f.odometer - start.odometer
                per_100 = None if unknown or distance <= 0 else _q2(litres * 100 / distance)
                segments.append(
                    Segment(
                        vehicle_id=vehicle_id,
                        start_km=start.odometer,
                        end_km=f.odometer,
                        end_on=f.used_on,
                        distance=distance,
                        litres=None if unknown else litres,
                        l_per_100km=per_100,
                        threshold=threshold,
                    )
                )
            start, litres, unknown = f, Decimal(0), False
    return segments


def _anomalies(vehicles: list[Vehicle], limits: dict[str, Decimal]) -> tuple[list[Segment], list[Anomaly]]:
    ids = [v.pk for v in vehicles]
    fills = _fills(ids)
    readings: dict[int, list[OdometerReading]] = defaultdict(list)
    for r in OdometerReading.objects.filter(vehicle_id__in=ids).order_by("value", "id"):
        readings[r.vehicle_id].append(r)
    segments: list[Segment] = []
    anomalies: list[Anomaly] = []
    for v in vehicles:
        threshold = limits.get(v.kind)
        own = consumption_segments(fills[v.pk], vehicle_id=v.pk, threshold=threshold)
        segments += own
        for s in own:
            if s.excessive:
                anomalies.append(
                    Anomaly(
                        v.pk,
                        v.plate,
                        s.end_on,
                        "consumption",
                        f"{s.l_per_100km} L/100 km > {threshold} ({s.start_km}–{s.end_km} km)",
                    )
                )
        for f in fills[v.pk]:
            if v.tank_litres and f.litres is not None and f.litres > v.tank_litres:
                anomalies.append(
                    Anomaly(
                        v.pk, v.plate, f.used_on, "tank", f"{f.litres} L > {v.tank_litres} L ({f.voucher.reference})"
                    )
                )
            if v.reformed_on is not None and f.used_on >= v.reformed_on:
                anomalies.append(
                    Anomaly(v.pk, v.plate, f.used_on, "reformed", f"{f.voucher.reference} · {v.reformed_on:%d/%m/%Y}")
                )
        previous: OdometerReading | None = None
        for r in readings[v.pk]:
            if previous is not None:
                days = (r.read_on - previous.read_on).days
                km = r.value - previous.value
                if days < 0 or km > MAX_KM_PER_DAY * max(days, 1):
                    anomalies.append(
                        Anomaly(
                            v.pk, v.plate, r.read_on, "distance", f"{previous.value} → {r.value} km, {max(days, 0)} d"
                        )
                    )
            previous = r
    anomalies.sort(key=lambda a: (a.on, a.plate, a.code))
    return segments, anomalies


def vehicle_anomalies(*, viewer: Any, vehicle_id: int) -> tuple[list[Segment], list[Anomaly]]:
    """A vehicle's consumption segments and anomalies. Raises VehicleNotFound."""
    _visible(viewer)
    vehicle = Vehicle.objects.filter(pk=vehicle_id).first()
    if vehicle is None:
        raise exceptions.VehicleNotFound()
    return _anomalies([vehicle], thresholds(viewer=viewer))


@dataclass(frozen=True)
class ReportLine:
    service_id: int
    service: str
    fills: int
    litres: Decimal
    amount: Decimal
    distance: int
    l_per_100km: Decimal | None
    anomalies: int
    bar: int  # width of the chart's bar, 0..100 (litres relative to the largest service)


@dataclass(frozen=True)
class VehicleLine:
    vehicle_id: int
    plate: str
    service: str
    fills: int
    litres: Decimal
    amount: Decimal
    distance: int
    l_per_100km: Decimal | None
    anomalies: int


@dataclass(frozen=True)
class FuelReport:
    year: int
    month: int
    lines: list[ReportLine]
    vehicles: list[VehicleLine]
    anomalies: list[Anomaly]
    total_litres: Decimal
    total_amount: Decimal
    total_fills: int
    extra: dict[str, Any] = field(default_factory=dict)


def fuel_report(*, viewer: Any, year: int, month: int) -> FuelReport:
    """The month's fuel per service (fills, litres, amount, distance and L/100 km over the full-to-full segments
    ending in the month, anomalies) and per vehicle, with the month's anomalies. Empty without a role."""
    if not permissions.is_agent(viewer) or not 1 <= month <= 12:
        return FuelReport(year, month, [], [], [], Decimal(0), Decimal(0), 0)
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    vehicles = list(
        Vehicle.objects.select_related("service").filter(fills__used_on__gte=start, fills__used_on__lt=end).distinct()
    )
    segments, anomalies = _anomalies(vehicles, thresholds(viewer=viewer))
    anomalies = [a for a in anomalies if start <= a.on < end]
    month_fills = list(VoucherUse.objects.filter(used_on__gte=start, used_on__lt=end).select_related("vehicle"))
    per_vehicle: dict[int, list[VoucherUse]] = defaultdict(list)
    for f in month_fills:
        per_vehicle[f.vehicle_id].append(f)
    seg_by_vehicle: dict[int, list[Segment]] = defaultdict(list)
    for s in segments:
        if start <= s.end_on < end:
            seg_by_vehicle[s.vehicle_id].append(s)
    anomalies_by_vehicle: dict[int, int] = defaultdict(int)
    for a in anomalies:
        anomalies_by_vehicle[a.vehicle_id] += 1

    def ratio(segs: list[Segment]) -> tuple[int, Decimal | None]:
        known = [s for s in segs if s.litres is not None and s.distance > 0]
        distance = sum(s.distance for s in segs)
        km = sum(s.distance for s in known)
        litres = sum((s.litres or Decimal(0) for s in known), Decimal(0))
        return distance, (_q2(litres * 100 / km) if km else None)

    vehicle_lines = []
    for v in sorted(vehicles, key=lambda v: v.plate):
        fills = per_vehicle.get(v.pk, [])
        distance, per_100 = ratio(seg_by_vehicle[v.pk])
        vehicle_lines.append(
            VehicleLine(
                vehicle_id=v.pk,
                plate=v.plate,
                service=_ar(v.service.name_fr, v.service.name_ar),
                fills=len(fills),
                litres=sum((f.litres or Decimal(0) for f in fills), Decimal(0)),
                amount=sum((f.amount or Decimal(0) for f in fills), Decimal(0)),
                distance=distance,
                l_per_100km=per_100,
                anomalies=anomalies_by_vehicle[v.pk],
            )
        )
    by_service: dict[int, list[Vehicle]] = defaultdict(list)
    for v in vehicles:
        by_service[v.service_id].append(v)
    lines = []
    for service_id, members in by_service.items():
        fills = [f for v in members for f in per_vehicle.get(v.pk, [])]
        distance, per_100 = ratio([s for v in members for s in seg_by_vehicle[v.pk]])
        lines.append(
            ReportLine(
                service_id=service_id,
                service=_ar(members[0].service.name_fr, members[0].service.name_ar),
                fills=len(fills),
                litres=sum((f.litres or Decimal(0) for f in fills), Decimal(0)),
                amount=sum((f.amount or Decimal(0) for f in fills), Decimal(0)),
                distance=distance,
                l_per_100km=per_100,
                anomalies=sum(anomalies_by_vehicle[v.pk] for v in members),
                bar=0,
            )
        )
    top = max((line.litres for line in lines), default=Decimal(0))
    lines = [
        ReportLine(**{**line.__dict__, "bar": int(line.litres * 100 / top) if top else 0})
        for line in sorted(lines, key=lambda line: line.service)
    ]
    return FuelReport(
        year=year,
        month=month,
        lines=lines,
        vehicles=vehicle_lines,
        anomalies=anomalies,
        total_litres=sum((line.litres for line in lines), Decimal(0)),
        total_amount=sum((line.amount for line in lines), Decimal(0)),
        total_fills=sum(line.fills for line in lines),
    )


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
