"""Reads of the parc automobile: voucher books, vouchers, consumption, anomalies and the monthly report.
Visibility is decided here (`viewer=`): both roles read the whole parc; anyone
else reads nothing (the same 404 as a missing object). Frozen dataclasses out, never querysets.

Consumption (`consumption_segments`): between two full fills, the litres of every fill after the first one up to
and including the second, over the distance between their odometers (the usual "plein à plein" method). Anomalies
(`vehicle_anomalies`): a segment beyond the vehicle kind's threshold, a fill larger than the tank, a reading that
implies an impossible distance (more than MAX_KM_PER_DAY per day since the previous reading, or a higher reading
dated before an earlier one), a fill on a reformed vehicle."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count

from .. import exceptions, permissions
from ..models import (
    OdometerReading,
    Vehicle,
    Voucher,
    VoucherBook,
    VoucherStatus,
    VoucherUse,
)
from ._common import MAX_KM_PER_DAY, Choice, _ar, _q2, _visible, thresholds

# --- voucher books -----------------------------------------------------------------------------------------------


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
    from ..services import voucher_resolve

    return voucher_resolve(reference=reference).pk


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
