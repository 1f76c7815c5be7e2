"""One dossier in full (parcels, pieces, events, consultations, documents), the services consulted, the
consultations overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from .. import exceptions, rules
from ..models import (
    ALLOWED_TRANSITIONS,
    KIND_LABELS,
    Consultation,
    ConsultedService,
    Decision,
    DocumentKind,
    Dossier,
    Event,
    IssuedDocument,
    Parcel,
    PieceReceipt,
    SittingItem,
    Status,
)
from ..rules import elapsed_days, requirements_in_force
from .desk import DossierRow, _require_reader, _row


@dataclass(frozen=True)
class ParcelView:
    title_number: str
    address: str
    latitude: Decimal
    longitude: Decimal
    area_m2: Decimal


@dataclass(frozen=True)
class PieceView:
    code: str
    label_fr: str
    label_ar: str
    received_on: dt.date | None


@dataclass(frozen=True)
class EventView:
    on: dt.date
    at: dt.datetime
    from_status: str
    to_status: str
    to_label: str
    by: str
    note: str
    missing: list[str]


@dataclass(frozen=True)
class ConsultationView:
    id: int
    service: str
    service_ar: str
    sent_on: dt.date
    deadline: dt.date
    returned_on: dt.date | None
    avis: str
    avis_note: str
    late: bool


@dataclass(frozen=True)
class DocumentView:
    id: int
    kind: str
    kind_label: str
    version: int
    number: str
    code: str
    issued_on: dt.date
    superseded: bool
    consultation_id: int | None


@dataclass(frozen=True)
class DossierDetail:
    row: DossierRow
    dossier: Dossier
    kind_fr: str
    kind_ar: str
    code: str
    elapsed_days: int
    parcels: list[ParcelView]
    pieces: list[PieceView]
    missing: list[str]
    events: list[EventView]
    consultations: list[ConsultationView]
    decision: Decision | None
    documents: list[DocumentView]
    sittings: list[str]
    allowed: frozenset[str] = field(default_factory=frozenset)


def _consultation_view(c: Consultation, today: dt.date) -> ConsultationView:
    late = (c.returned_on or today) > c.deadline
    return ConsultationView(
        id=c.pk,
        service=c.service.name_fr,
        service_ar=c.service.name_ar,
        sent_on=c.sent_on,
        deadline=c.deadline,
        returned_on=c.returned_on,
        avis=c.avis,
        avis_note=c.avis_note,
        late=late,
    )


def _document_views(qs: QuerySet[IssuedDocument]) -> list[DocumentView]:
    return [
        DocumentView(
            id=d.pk,
            kind=d.kind,
            kind_label=str(DocumentKind(d.kind).label),
            version=d.version,
            number=d.number,
            code=d.code,
            issued_on=d.issued_on,
            superseded=hasattr(d, "replaced_by"),
            consultation_id=d.consultation_id,
        )
        for d in qs.select_related("replaced_by").order_by("kind", "version", "id")
    ]


def dossier_get(*, viewer: Any, dossier_id: int) -> DossierDetail:
    """One dossier with its parcels, pieces, history, consultations, decision and documents. Raises
    DossierNotFound (missing, or not readable by the viewer: the same 404)."""
    _require_reader(viewer)
    d = Dossier.objects.select_related("instructor").filter(pk=dossier_id).first()
    if d is None:
        raise exceptions.DossierNotFound()
    today = rules.today()
    received = {
        p.requirement.code: p.received_on for p in PieceReceipt.objects.filter(dossier=d).select_related("requirement")
    }
    pieces = [
        PieceView(code=r.code, label_fr=r.label_fr, label_ar=r.label_ar, received_on=received.get(r.code))
        for r in requirements_in_force(kind=d.kind, on=d.deposited_on)
    ]
    return DossierDetail(
        row=_row(d, today),
        dossier=d,
        kind_fr=KIND_LABELS[d.kind][1],
        kind_ar=KIND_LABELS[d.kind][2],
        code=d.code,
        elapsed_days=elapsed_days(dossier=d, on=today),
        parcels=[
            ParcelView(
                title_number=p.title_number,
                address=p.address,
                latitude=p.latitude,
                longitude=p.longitude,
                area_m2=p.area_m2,
            )
            for p in Parcel.objects.filter(dossier=d)
        ],
        pieces=pieces,
        missing=[p.code for p in pieces if p.received_on is None],
        events=[
            EventView(
                on=e.on,
                at=e.at,
                from_status=e.from_status,
                to_status=e.to_status,
                to_label=str(Status(e.to_status).label),
                by=e.by.get_username(),
                note=e.note,
                missing=list(e.missing),
            )
            for e in Event.objects.filter(dossier=d).select_related("by").order_by("id")
        ],
        consultations=[
            _consultation_view(c, today)
            for c in Consultation.objects.filter(dossier=d).select_related("service").order_by("id")
        ],
        decision=Decision.objects.filter(dossier=d).first(),
        documents=_document_views(IssuedDocument.objects.filter(Q(dossier=d) | Q(consultation__dossier=d)).distinct()),
        sittings=[i.sitting.reference for i in SittingItem.objects.filter(dossier=d).select_related("sitting")],
        allowed=ALLOWED_TRANSITIONS[d.status],
    )


def services_list() -> list[ConsultedService]:
    """The services a dossier may be sent to for consultation."""
    return list(ConsultedService.objects.order_by("name_fr"))


def consultations_late(*, viewer: Any, limit: int = 100) -> list[tuple[str, ConsultationView]]:
    """Consultations whose answer is overdue (not returned by the deadline), oldest deadline first."""
    _require_reader(viewer)
    today = rules.today()
    qs = (
        Consultation.objects.filter(returned_on__isnull=True, deadline__lt=today)
        .select_related("service", "dossier")
        .order_by("deadline", "id")[:limit]
    )
    return [(c.dossier.reference, _consultation_view(c, today)) for c in qs]
