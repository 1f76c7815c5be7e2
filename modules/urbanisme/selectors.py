"""Reads of the urbanisme module. Visibility ("who may see what") is decided here (`viewer=`), never in views:
the module's agents and signatories read every dossier of the commune; anyone else reads none (the same 404 as a
missing one). The portal reads a dossier's status by its number and the code of its récépissé
(`dossier_public_status`, no personal data)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from jamaa.platform.kernel import files

from . import exceptions, permissions
from .models import (
    ALLOWED_TRANSITIONS,
    CLOCK_RUNNING,
    KIND_LABELS,
    OPEN_STATUSES,
    Consultation,
    ConsultedService,
    Decision,
    DocumentKind,
    Dossier,
    Event,
    IssuedDocument,
    Kind,
    Parcel,
    PieceReceipt,
    Sitting,
    SittingItem,
    Status,
)
from .rules import elapsed_days, requirements_in_force


def _today() -> dt.date:
    return timezone.localdate()


def _require_reader(viewer: Any) -> None:
    if not permissions.may_read(viewer):
        raise exceptions.DossierNotFound()


@dataclass(frozen=True)
class DossierRow:
    id: int
    reference: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    subject: str
    petitioner: str
    deposited_on: dt.date
    due_on: dt.date | None
    days_left: int | None
    late: bool
    instructor: str


def _row(d: Dossier, today: dt.date) -> DossierRow:
    late = d.due_on is not None and d.status in CLOCK_RUNNING and d.due_on < today
    return DossierRow(
        id=d.pk,
        reference=d.reference,
        kind=d.kind,
        kind_label=str(Kind(d.kind).label),
        status=d.status,
        status_label=str(Status(d.status).label),
        subject=d.subject,
        petitioner=d.petitioner_name,
        deposited_on=d.deposited_on,
        due_on=d.due_on,
        days_left=(d.due_on - today).days if d.due_on is not None and d.status in CLOCK_RUNNING else None,
        late=late,
        instructor=d.instructor.get_username() if d.instructor_id and d.instructor else "",
    )


_ROW_FIELDS = (
    "id",
    "kind",
    "year",
    "number",
    "status",
    "subject",
    "petitioner_name",
    "deposited_on",
    "due_on",
    "instructor__username",
)


def _rows(qs: QuerySet[Dossier]) -> list[DossierRow]:
    """Rows straight from the values (no model instances: the desk and the dashboard list a hundred at a time)."""
    today = _today()
    kinds = {k: str(label) for k, label in Kind.choices}
    statuses = {k: str(label) for k, label in Status.choices}
    rows = []
    for pk, kind, year, number, status, subject, petitioner, deposited_on, due_on, instructor in qs.values_list(
        *_ROW_FIELDS
    ):
        running = due_on is not None and status in CLOCK_RUNNING
        rows.append(
            DossierRow(
                id=pk,
                reference=f"{KIND_LABELS[kind][0]}-{year}/{number:06d}",
                kind=kind,
                kind_label=kinds[kind],
                status=status,
                status_label=statuses[status],
                subject=subject,
                petitioner=petitioner,
                deposited_on=deposited_on,
                due_on=due_on,
                days_left=(due_on - today).days if running else None,
                late=running and due_on < today,
                instructor=instructor or "",
            )
        )
    return rows


def dossier_list(
    *, viewer: Any, status: str | None = None, kind: str | None = None, q: str = "", limit: int = 100
) -> list[DossierRow]:
    """Dossiers, newest first, filtered by status, kind, or a reference / petitioner / CIN / title number."""
    if not permissions.may_read(viewer):
        return []
    qs = Dossier.objects.all()
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    q = q.strip()
    if q:
        number = q.rsplit("/", 1)[-1]
        cond = Q(petitioner_name__icontains=q) | Q(petitioner_cin__iexact=q) | Q(subject__icontains=q)
        cond |= Q(parcels__title_number__iexact=q) | Q(courrier_reference__iexact=q)
        if number.isdigit():
            cond |= Q(number=int(number))
        qs = qs.filter(cond).distinct()
    return _rows(qs.order_by("-deposited_at", "-id")[:limit])


def desk(*, viewer: Any, limit: int = 100) -> list[DossierRow]:
    """The instructor's desk: the viewer's open dossiers, the nearest deadline first (stopped clocks last)."""
    if not permissions.may_read(viewer):
        return []
    qs = Dossier.objects.filter(instructor_id=viewer.pk, status__in=OPEN_STATUSES).order_by("due_on", "id")
    return _rows(qs[:limit])


def to_take(*, viewer: Any, limit: int = 50) -> list[DossierRow]:
    """Deposited dossiers no instructor has taken yet, oldest first."""
    if not permissions.may_read(viewer):
        return []
    return _rows(
        Dossier.objects.filter(status=Status.DEPOSITED, instructor__isnull=True).order_by("due_on", "id")[:limit]
    )


@dataclass(frozen=True)
class LateBoard:
    open_count: int
    late_count: int
    stopped_count: int
    by_instructor: list[tuple[str, int]]
    late: list[DossierRow]


_BOARD_SQL = """
WITH open_dossiers AS (
    SELECT d.id, d.kind, d.year, d.number, d.status, d.subject, d.petitioner_name, d.deposited_on, d.due_on,
           d.instructor_id
    FROM {dossier} d WHERE d.status = ANY(%(statuses)s)
)
SELECT
    (SELECT coalesce(json_agg(g), '[]') FROM (
        SELECT u.username,
               count(*) FILTER (WHERE o.status <> 'incomplete') AS open,
               count(*) FILTER (WHERE o.status <> 'incomplete' AND o.due_on < %(today)s) AS late,
               count(*) FILTER (WHERE o.status = 'incomplete') AS stopped
        FROM open_dossiers o LEFT JOIN {user} u ON u.id = o.instructor_id GROUP BY u.username) g),
    (SELECT coalesce(json_agg(r), '[]') FROM (
        SELECT o.id, o.kind, o.year, o.number, o.status, o.subject, o.petitioner_name, o.deposited_on, o.due_on,
               u.username
        FROM open_dossiers o LEFT JOIN {user} u ON u.id = o.instructor_id
        WHERE o.status <> 'incomplete' AND o.due_on < %(today)s
        ORDER BY o.due_on, o.id LIMIT %(limit)s) r)
"""


def late_dashboard(*, viewer: Any, limit: int = 100) -> LateBoard:
    """Open dossiers past their legal delay (the clock running, due day passed), most overdue first, with counts
    per instructor; dossiers whose clock is stopped (incomplete) are counted apart. One statement: every statement
    costs a round trip more here (the tenant's search_path is set before each), and the board is read often."""
    _require_reader(viewer)
    today = _today()
    sql = _BOARD_SQL.format(dossier=Dossier._meta.db_table, user=get_user_model()._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"statuses": [*CLOCK_RUNNING, Status.INCOMPLETE], "today": today, "limit": limit})
        row = cursor.fetchone()
    groups, late = (json.loads(v) if isinstance(v, str) else v for v in row)
    kinds = {k: str(label) for k, label in Kind.choices}
    statuses = {k: str(label) for k, label in Status.choices}
    rows = []
    for r in late:
        due = dt.date.fromisoformat(r["due_on"])
        rows.append(
            DossierRow(
                id=r["id"],
                reference=f"{KIND_LABELS[r['kind']][0]}-{r['year']}/{r['number']:06d}",
                kind=r["kind"],
                kind_label=kinds[r["kind"]],
                status=r["status"],
                status_label=statuses[r["status"]],
                subject=r["subject"],
                petitioner=r["petitioner_name"],
                deposited_on=dt.date.fromisoformat(r["deposited_on"]),
                due_on=due,
                days_left=(due - today).days,
                late=True,
                instructor=r["username"] or "",
            )
        )
    by_instructor = sorted(((g["username"] or "", g["late"]) for g in groups if g["late"]), key=lambda x: (-x[1], x[0]))
    return LateBoard(
        open_count=sum(g["open"] for g in groups),
        late_count=sum(g["late"] for g in groups),
        stopped_count=sum(g["stopped"] for g in groups),
        by_instructor=by_instructor[:20],
        late=rows,
    )


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
    today = _today()
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
    today = _today()
    qs = (
        Consultation.objects.filter(returned_on__isnull=True, deadline__lt=today)
        .select_related("service", "dossier")
        .order_by("deadline", "id")[:limit]
    )
    return [(c.dossier.reference, _consultation_view(c, today)) for c in qs]


# --------------------------------------------------------------------------------------------- commission


@dataclass(frozen=True)
class ItemView:
    id: int
    position: int
    dossier_id: int
    reference: str
    subject: str
    petitioner: str
    kind_label: str
    consultations: list[ConsultationView]
    avis: str
    avis_note: str


@dataclass(frozen=True)
class SittingView:
    id: int
    reference: str
    day: dt.date
    place: str
    status: str
    members_present: str
    minutes_note: str
    items: list[ItemView]
    documents: list[DocumentView]


def sittings_list(*, viewer: Any, limit: int = 50) -> list[Sitting]:
    """The commission's sittings, newest first."""
    if not permissions.may_read(viewer):
        return []
    return list(Sitting.objects.order_by("-day", "-number")[:limit])


def sitting_get(*, viewer: Any, sitting_id: int) -> SittingView:
    """A sitting with its agenda (each dossier with its consultations' avis) and its minutes. Raises
    SittingNotFound."""
    if not permissions.may_read(viewer):
        raise exceptions.SittingNotFound()
    s = Sitting.objects.filter(pk=sitting_id).first()
    if s is None:
        raise exceptions.SittingNotFound()
    today = _today()
    items = []
    for i in SittingItem.objects.filter(sitting=s).select_related("dossier").order_by("position"):
        consultations = [
            _consultation_view(c, today)
            for c in Consultation.objects.filter(dossier_id=i.dossier_id).select_related("service").order_by("id")
        ]
        items.append(
            ItemView(
                id=i.pk,
                position=i.position,
                dossier_id=i.dossier_id,
                reference=i.dossier.reference,
                subject=i.dossier.subject,
                petitioner=i.dossier.petitioner_name,
                kind_label=str(Kind(i.dossier.kind).label),
                consultations=consultations,
                avis=i.avis,
                avis_note=i.avis_note,
            )
        )
    return SittingView(
        id=s.pk,
        reference=s.reference,
        day=s.day,
        place=s.place,
        status=s.status,
        members_present=s.members_present,
        minutes_note=s.minutes_note,
        items=items,
        documents=_document_views(IssuedDocument.objects.filter(sitting=s)),
    )


def ready_for_commission(*, viewer: Any, limit: int = 100) -> list[DossierRow]:
    """Dossiers that may go on a sitting's agenda (under instruction or consultations)."""
    if not permissions.may_read(viewer):
        return []
    qs = Dossier.objects.filter(status__in=(Status.INSTRUCTION, Status.CONSULTATION)).order_by("due_on", "id")
    return _rows(qs[:limit])


# ---------------------------------------------------------------------------------------------- for the portal


@dataclass(frozen=True)
class DossierPublicStatus:
    """What a petitioner (the portal) may read with the number and code of the récépissé: no personal data."""

    reference: str
    kind: str
    deposited_on: dt.date
    status: str
    missing_pieces: tuple[str, ...]
    due_on: dt.date | None
    decided_on: dt.date | None
    delivered_on: dt.date | None
    tax_dh: Decimal | None


def dossier_public_status(*, kind: str, number: int, year: int, code: str) -> DossierPublicStatus | None:
    """The status of a dossier for its petitioner, given its number and the code printed on the récépissé (both
    needed). None when no dossier matches."""
    d = Dossier.objects.filter(kind=kind, year=year, number=number, code=code.strip().upper()).first()
    if d is None:
        return None
    missing: tuple[str, ...] = ()
    if d.status == Status.INCOMPLETE:
        received = set(PieceReceipt.objects.filter(dossier=d).values_list("requirement__code", flat=True))
        missing = tuple(
            r.label_fr for r in requirements_in_force(kind=d.kind, on=d.deposited_on) if r.code not in received
        )
    return DossierPublicStatus(
        reference=d.reference,
        kind=d.kind,
        deposited_on=d.deposited_on,
        status=d.status,
        missing_pieces=missing,
        due_on=d.due_on,
        decided_on=d.decided_on,
        delivered_on=d.delivered_on,
        tax_dh=d.tax_dh,
    )


# ---------------------------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class DocumentContent:
    """What a document prints (documents.render_document lays it out): a bilingual title, the number, the holder,
    rows (label fr, value, label ar), an optional table and bilingual paragraphs."""

    kind: str
    title_fr: str
    title_ar: str
    number: str
    holder: str
    rows: list[tuple[str, str, str]]
    table_head: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)
    paragraphs: list[tuple[str, str]] = field(default_factory=list)


def _dossier_rows(d: Dossier) -> list[tuple[str, str, str]]:
    parcels = list(Parcel.objects.filter(dossier=d))
    rows = [
        ("Dossier", d.reference, "الملف"),
        ("Nature", f"{KIND_LABELS[d.kind][1]} / {KIND_LABELS[d.kind][2]}", "النوع"),
        ("Pétitionnaire", d.petitioner_name, "صاحب الطلب"),
        ("CIN / ICE", d.petitioner_cin or d.petitioner_ice, "ب.ت.و / ت.م.م"),
        ("Objet", d.subject, "الموضوع"),
    ]
    if d.architect_name:
        rows.append(("Architecte", d.architect_name, "المهندس المعماري"))
    for p in parcels:
        rows.append(
            (
                "Parcelle",
                f"TF {p.title_number} — {p.area_m2} m² — {p.latitude}, {p.longitude} {p.address}".strip(),
                "القطعة",
            )
        )
    if d.built_area_m2:
        rows.append(("Surface bâtie", f"{d.built_area_m2} m² — {d.floors} niveau(x)", "المساحة المبنية"))
    return rows


def document_content(
    *, kind: str, dossier_id: int | None = None, consultation_id: int | None = None, sitting_id: int | None = None
) -> DocumentContent | None:
    """The content of a document to issue, or None when the dossier is not at the step that document needs (a
    permit before delivery, an arrêté before signing, minutes before the sitting is held)."""
    if kind == DocumentKind.RECEIPT:
        d = Dossier.objects.get(pk=dossier_id or 0)
        missing = [
            r
            for r in requirements_in_force(kind=d.kind, on=d.deposited_on)
            if not PieceReceipt.objects.filter(dossier=d, requirement__code=r.code).exists()
        ]
        rows = _dossier_rows(d) + [
            ("Déposé le", d.deposited_on.strftime("%d/%m/%Y"), "تاريخ الإيداع"),
            ("Bureau d'ordre", d.courrier_reference, "مكتب الضبط"),
            ("Délai légal", f"{d.delay_days} jours", "الأجل القانوني"),
            ("Code de suivi", d.code, "رمز التتبع"),
        ]
        table = [[r.label_fr, r.label_ar] for r in missing]
        return DocumentContent(
            kind=kind,
            title_fr="Récépissé de dépôt",
            title_ar="وصل الإيداع",
            number=d.reference,
            holder=d.petitioner_name,
            rows=rows,
            table_head=["Pièces manquantes", "الوثائق الناقصة"] if table else [],
            table=table,
        )
    if kind == DocumentKind.CONSULTATION:
        c = Consultation.objects.select_related("service", "dossier").get(pk=consultation_id or 0)
        rows = [("Destinataire", f"{c.service.name_fr} / {c.service.name_ar}", "إلى")] + _dossier_rows(c.dossier)
        rows += [
            ("Envoyé le", c.sent_on.strftime("%d/%m/%Y"), "تاريخ الإرسال"),
            ("Avis attendu avant le", c.deadline.strftime("%d/%m/%Y"), "الرأي قبل"),
        ]
        return DocumentContent(
            kind=kind,
            title_fr="Demande d'avis",
            title_ar="طلب إبداء الرأي",
            number=f"{c.dossier.reference}-C{c.pk}",
            holder=c.service.name_fr,
            rows=rows,
            paragraphs=[
                (
                    "Nous avons l'honneur de vous soumettre le dossier ci-dessus pour avis.",
                    "يشرفنا أن نعرض عليكم الملف أعلاه قصد إبداء الرأي.",
                )
            ],
        )
    if kind == DocumentKind.MINUTES:
        s = Sitting.objects.get(pk=sitting_id or 0)
        if s.status != "held":
            return None
        items = SittingItem.objects.filter(sitting=s).select_related("dossier").order_by("position")
        return DocumentContent(
            kind=kind,
            title_fr="Procès-verbal de la commission",
            title_ar="محضر اللجنة",
            number=s.reference,
            holder=s.place or "Commission",
            rows=[
                ("Séance du", s.day.strftime("%d/%m/%Y"), "جلسة"),
                ("Lieu", s.place, "المكان"),
                ("Membres présents", s.members_present.replace("\n", ", "), "الأعضاء الحاضرون"),
            ],
            table_head=["N°", "Dossier", "Pétitionnaire", "Avis"],
            table=[
                [
                    str(i.position),
                    i.dossier.reference,
                    i.dossier.petitioner_name,
                    {
                        "favourable": "Favorable / موافق",
                        "unfavourable": "Défavorable / غير موافق",
                        "adjourned": "Ajourné / مؤجل",
                    }.get(i.avis, i.avis)
                    + (f" — {i.avis_note}" if i.avis_note else ""),
                ]
                for i in items
            ],
            paragraphs=[(s.minutes_note, "")] if s.minutes_note else [],
        )
    d = Dossier.objects.get(pk=dossier_id or 0)
    decision = Decision.objects.filter(dossier=d).first()
    if kind == DocumentKind.ARRETE:
        if decision is None:
            return None
        outcome = ("accorde", "يمنح") if decision.granted else ("refuse", "يرفض")
        rows = [
            ("Arrêté n°", decision.reference, "قرار رقم"),
            *_dossier_rows(d),
            ("Signé le", decision.signed_on.strftime("%d/%m/%Y"), "وقع في"),
            ("Signataire", decision.signatory, "الموقع"),
        ]
        return DocumentContent(
            kind=kind,
            title_fr="Arrêté",
            title_ar="قرار",
            number=decision.reference,
            holder=d.petitioner_name,
            rows=rows,
            paragraphs=[
                (
                    f"Le Président du Conseil communal {outcome[0]} la demande ci-dessus (décret 2-13-424).",
                    f"رئيس المجلس الجماعي {outcome[1]} الطلب أعلاه (المرسوم 2.13.424).",
                ),
                *([(decision.conditions, "")] if decision.conditions else []),
            ],
        )
    if kind == DocumentKind.PERMIT:
        if decision is None or not decision.granted or d.status not in (Status.DELIVERED, Status.CERTIFIED):
            return None
        rows = [
            (KIND_LABELS[d.kind][1], d.reference, KIND_LABELS[d.kind][2]),
            *_dossier_rows(d),
            ("Arrêté", f"{decision.reference} du {decision.signed_on.strftime('%d/%m/%Y')}", "القرار"),
            ("Taxe (quittance)", f"{d.tax_dh} DH — {d.tax_quittance or '—'}", "الرسم (وصل الأداء)"),
            ("Délivré le", d.delivered_on.strftime("%d/%m/%Y") if d.delivered_on else "", "سلم في"),
        ]
        return DocumentContent(
            kind=kind,
            title_fr=KIND_LABELS[d.kind][1],
            title_ar=KIND_LABELS[d.kind][2],
            number=d.reference,
            holder=d.petitioner_name,
            rows=rows,
        )
    return None


@dataclass(frozen=True)
class StoredDocument:
    name: str
    content: bytes


def document_get(*, viewer: Any, document_id: int) -> StoredDocument:
    """The stored PDF of an issued document, as issued. Raises DocumentNotFound."""
    if not permissions.may_read(viewer):
        raise exceptions.DocumentNotFound()
    d = IssuedDocument.objects.filter(pk=document_id).first()
    if d is None:
        raise exceptions.DocumentNotFound()
    try:
        content = files.tenant_read(d.file)
    except (files.TenantFileError, FileNotFoundError):
        raise exceptions.DocumentNotFound() from None
    return StoredDocument(name=f"{d.kind}-{d.number.replace('/', '-')}-v{d.version}.pdf", content=content)


def display_register(*, viewer: Any, year: int) -> list[DossierRow]:
    """The public display register: permits granted (signed, delivered, certified) in the year, by decision."""
    _require_reader(viewer)
    qs = Dossier.objects.filter(decision__year=year, decision__granted=True).order_by("decision__number")
    return _rows(qs)


# ----------------------------------------------------------------------------------------- Rokhas exchange

EXPORT_FIELDS = (
    "reference",
    "rokhas_reference",
    "kind",
    "year",
    "number",
    "status",
    "subject",
    "petitioner_kind",
    "petitioner_name",
    "petitioner_cin",
    "petitioner_rc",
    "petitioner_ice",
    "architect_name",
    "use",
    "built_area_m2",
    "floors",
    "housing_units",
    "size",
    "deposited_on",
    "due_on",
    "decided_on",
    "delivered_on",
    "decision",
    "tax_dh",
    "tax_quittance",
    "parcels",
)


def _export_record(d: Dossier, parcels: list[Parcel], decision: str) -> dict[str, Any]:
    return {
        "reference": d.reference,
        "rokhas_reference": d.rokhas_reference,
        "kind": d.kind,
        "year": d.year,
        "number": d.number,
        "status": d.status,
        "subject": d.subject,
        "petitioner_kind": d.petitioner_kind,
        "petitioner_name": d.petitioner_name,
        "petitioner_cin": d.petitioner_cin,
        "petitioner_rc": d.petitioner_rc,
        "petitioner_ice": d.petitioner_ice,
        "architect_name": d.architect_name,
        "use": d.use,
        "built_area_m2": str(d.built_area_m2),
        "floors": d.floors,
        "housing_units": d.housing_units,
        "size": d.size,
        "deposited_on": d.deposited_on.isoformat(),
        "due_on": d.due_on.isoformat() if d.due_on else "",
        "decided_on": d.decided_on.isoformat() if d.decided_on else "",
        "delivered_on": d.delivered_on.isoformat() if d.delivered_on else "",
        "decision": decision,
        "tax_dh": "" if d.tax_dh is None else str(d.tax_dh),
        "tax_quittance": d.tax_quittance,
        "parcels": [
            {
                "title_number": p.title_number,
                "address": p.address,
                "latitude": str(p.latitude),
                "longitude": str(p.longitude),
                "area_m2": str(p.area_m2),
            }
            for p in parcels
        ],
    }


def export_records(*, viewer: Any, year: int) -> Iterator[dict[str, Any]]:
    """The year's dossiers in the exchange format (docs/modules/urbanisme.md, "Rokhas exchange")."""
    _require_reader(viewer)
    qs = Dossier.objects.filter(year=year).order_by("kind", "number").prefetch_related("parcels")
    decisions = dict(Decision.objects.filter(dossier__year=year).values_list("dossier_id", "year"))
    numbers = {
        k: f"AR-{y}/{n:05d}"
        for k, y, n in Decision.objects.filter(dossier__year=year).values_list("dossier_id", "year", "number")
    }
    del decisions
    for d in qs.iterator(chunk_size=500):
        yield _export_record(d, list(d.parcels.all()), numbers.get(d.pk, ""))


def export_json(*, viewer: Any, year: int) -> str:
    return json.dumps(
        {"format": "jamaa-urbanisme/1", "year": year, "dossiers": list(export_records(viewer=viewer, year=year))},
        ensure_ascii=False,
        indent=1,
    )


def export_csv(*, viewer: Any, year: int) -> str:
    """One line per dossier; parcels as `title|area|lat|lon` joined by `;`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    for r in export_records(viewer=viewer, year=year):
        parcels = ";".join(f"{p['title_number']}|{p['area_m2']}|{p['latitude']}|{p['longitude']}" for p in r["parcels"])
        writer.writerow([parcels if k == "parcels" else r[k] for k in EXPORT_FIELDS])
    return out.getvalue()


# ------------------------------------------------------------------------------------------- form choices


@dataclass(frozen=True)
class PieceChoice:
    kind: str
    code: str
    label_fr: str
    label_ar: str


def piece_choices(*, on: dt.date | None = None) -> list[PieceChoice]:
    """Every kind's required pieces in force on `on` (today), for the deposit form."""
    day = on or _today()
    return [
        PieceChoice(kind=k, code=r.code, label_fr=r.label_fr, label_ar=r.label_ar)
        for k in Kind.values
        for r in requirements_in_force(kind=k, on=day)
    ]


def delivered_permits(*, viewer: Any, limit: int = 200) -> list[tuple[int, str]]:
    """Delivered building permits an occupancy permit or a conformity certificate may follow (id, label)."""
    if not permissions.may_read(viewer):
        return []
    qs = Dossier.objects.filter(kind=Kind.CONSTRUIRE, status=Status.DELIVERED).order_by("-decided_on", "-id")
    return [(d.pk, f"{d.reference} — {d.petitioner_name}") for d in qs[:limit]]
