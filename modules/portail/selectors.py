"""Reads of the citizen portal. Who sees what is decided here: a citizen reads only their own requests (by their
session's citizen id), a visitor with a tracking number reads a status only with the matching CIN or récépissé
code (and never a name), staff read by role. No tenant filter: the schema isolates communes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jamaa.modules.courrier import selectors as courrier_selectors
from jamaa.modules.etatcivil import selectors as etatcivil_selectors
from jamaa.platform.kernel import files
from jamaa.platform.kernel import portal as kernel_portal

from . import exceptions, figures, permissions
from .models import (
    FINAL_STATUSES,
    Citizen,
    OnlineRequest,
    Publication,
    PublicationKind,
    PublicService,
    RequestAttachment,
    RequestEvent,
    RequestStatus,
)

_REFERENCE_PREFIX = "A-"


@dataclass(frozen=True)
class CitizenView:
    id: int
    email: str
    phone: str
    display_name: str
    cin: str
    cin_verified: bool


def citizen_get(*, citizen_id: int | None) -> CitizenView | None:
    """The signed-in citizen, or None (no id, or an id this commune does not have)."""
    if citizen_id is None:
        return None
    c = Citizen.objects.filter(pk=citizen_id).first()
    if c is None:
        return None
    return CitizenView(
        id=c.pk,
        email=c.email or "",
        phone=c.phone or "",
        display_name=c.display_name,
        cin=c.cin,
        cin_verified=c.cin_verified_at is not None,
    )


@dataclass(frozen=True)
class EventLine:
    status: str
    status_label: str
    note: str
    at: dt.datetime


@dataclass(frozen=True)
class RequestLine:
    id: int
    reference: str
    kind: str
    kind_fr: str
    kind_ar: str
    status: str
    status_label: str
    submitted_on: dt.date
    deadline: dt.date
    late: bool
    public_note: str
    document_ready: bool
    document_code: str


def _kind_labels(code: str) -> tuple[str, str]:
    kind = kernel_portal.request_kind(code=code)
    return (kind.label_fr, kind.label_ar) if kind else (code, code)


def _line(r: OnlineRequest, today: dt.date) -> RequestLine:
    fr, ar = _kind_labels(r.kind)
    return RequestLine(
        id=r.pk,
        reference=r.reference,
        kind=r.kind,
        kind_fr=fr,
        kind_ar=ar,
        status=r.status,
        status_label=str(RequestStatus(r.status).label),
        submitted_on=timezone.localdate(r.created_at),
        deadline=r.deadline,
        late=r.status not in FINAL_STATUSES and r.deadline < today,
        public_note=r.public_note,
        document_ready=r.status == RequestStatus.ISSUED and r.document_id is not None,
        document_code=r.document_code if r.status == RequestStatus.ISSUED else "",
    )


def citizen_requests(*, citizen_id: int) -> list[RequestLine]:
    """The citizen's own requests, newest first."""
    today = timezone.localdate()
    return [_line(r, today) for r in OnlineRequest.objects.filter(citizen_id=citizen_id)[:200]]


@dataclass(frozen=True)
class CitizenRequestDetail:
    line: RequestLine
    events: tuple[EventLine, ...]
    details: dict[str, str]
    attachments: tuple[str, ...]


def _events(r: OnlineRequest) -> tuple[EventLine, ...]:
    return tuple(
        EventLine(status=e.status, status_label=str(RequestStatus(e.status).label), note=e.note, at=e.at)
        for e in r.events.all()
    )


def citizen_request_get(*, citizen_id: int, request_id: int) -> CitizenRequestDetail:
    """One of the citizen's requests. Raises RequestNotFound for another citizen's (the same 404 as a missing one)."""
    r = OnlineRequest.objects.filter(pk=request_id, citizen_id=citizen_id).first()
    if r is None:
        raise exceptions.RequestNotFound()
    return CitizenRequestDetail(
        line=_line(r, timezone.localdate()),
        events=_events(r),
        details={k: str(v) for k, v in r.details.items()},
        attachments=tuple(a.name for a in r.attachments.all()),
    )


def citizen_document_pdf(*, citizen_id: int, request_id: int, base_url: str) -> tuple[str, bytes]:
    """(file name, PDF) of the document issued for one of the citizen's requests. Raises RequestNotFound (another
    citizen's request, or no document yet)."""
    r = OnlineRequest.objects.filter(pk=request_id, citizen_id=citizen_id, status=RequestStatus.ISSUED).first()
    if r is None or r.document_id is None:
        raise exceptions.RequestNotFound()
    pdf = etatcivil_selectors.document_render(document_id=r.document_id, base_url=base_url)
    return f"{r.reference.replace('/', '-')}.pdf", pdf


@dataclass(frozen=True)
class Tracking:
    """What anyone holding the number and the CIN (or the récépissé code) reads: no name, no text."""

    reference: str
    kind_fr: str
    kind_ar: str
    status: str
    status_label: str
    submitted_on: dt.date
    deadline: dt.date
    late: bool
    events: tuple[tuple[str, str, dt.date], ...]  # (status, label, day)
    document_code: str
    mail_status: str  # the bureau d'ordre's status of the letter


def _parse_reference(text: str) -> tuple[int, int] | None:
    """(year, number) of "A-2026/000012", "2026/12" or "12/2026"."""
    raw = text.strip().upper().removeprefix(_REFERENCE_PREFIX)
    parts = raw.split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    a, b = int(parts[0]), int(parts[1])
    year, number = (a, b) if a > 1900 and len(parts[0]) == 4 else (b, a)
    if not 1900 < year < 3000 or number < 1:
        return None
    return year, number


# The lookup's one statement, written once (no query compiled per lookup): the unique (mail_year, mail_number)
# index finds the row, the CIN or récépissé code is checked on it, the history (status, local day) comes along.
_TRACK_SQL = """
SELECT r.id, r.kind, r.mail_year, r.mail_number, r.mail_code, r.reference, r.status, r.deadline, r.document_id,
       r.document_code, r.public_note, r.created_at,
       COALESCE((SELECT json_agg(json_build_object('status', e.status, 'day', (e.at AT TIME ZONE %(tz)s)::date)
                                 ORDER BY e.at, e.id)
                 FROM {event} e WHERE e.request_id = r.id), '[]') AS history
FROM {request} r
WHERE r.mail_year = %(year)s AND r.mail_number = %(number)s
  AND ((r.cin = %(proof)s AND r.cin <> '') OR r.mail_code = %(proof)s)
LIMIT 1
"""


def tracking_query(*, year: int, number: int, proof: str) -> tuple[str, dict[str, Any]]:
    """(SQL, parameters) of the tracking lookup (see _TRACK_SQL)."""
    sql = _TRACK_SQL.format(request=OnlineRequest._meta.db_table, event=RequestEvent._meta.db_table)
    params = {"year": year, "number": number, "proof": proof, "tz": timezone.get_current_timezone_name()}
    return sql, params


def request_track(*, reference: str, secret: str) -> Tracking | None:
    """A request's status by its number and the CIN given with it, or the code printed on its récépissé. None when
    nothing matches both (the same answer for a wrong number and a wrong CIN)."""
    parsed = _parse_reference(reference)
    proof = "".join(secret.split()).upper()
    if parsed is None or not proof:
        return None
    year, number = parsed
    sql, params = tracking_query(year=year, number=number, proof=proof)
    r = next(iter(OnlineRequest.objects.raw(sql, params)), None)
    if r is None:
        return None
    line = _line(r, timezone.localdate())
    mail = courrier_selectors.mail_public_status(number=r.mail_number, year=r.mail_year, code=r.mail_code)
    labels = dict(RequestStatus.choices)
    return Tracking(
        reference=r.reference,
        kind_fr=line.kind_fr,
        kind_ar=line.kind_ar,
        status=r.status,
        status_label=line.status_label,
        submitted_on=line.submitted_on,
        deadline=r.deadline,
        late=line.late,
        events=tuple(
            (e["status"], str(labels.get(e["status"], e["status"])), dt.date.fromisoformat(e["day"]))
            for e in r.history  # type: ignore[attr-defined]
        ),
        document_code=line.document_code,
        mail_status=mail.status if mail else "",
    )


# --- staff: the desk ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskLine:
    line: RequestLine
    citizen_name: str
    cin: str
    cin_verified: bool


@dataclass(frozen=True)
class DeskDetail:
    line: RequestLine
    citizen_id: int
    citizen_name: str
    contact: str
    cin: str
    cin_verified: bool
    details: dict[str, str]
    events: tuple[EventLine, ...]
    attachments: tuple[tuple[int, str, str, int], ...]  # (id, name, content type, size)
    allowed: tuple[str, ...]  # statuses it may move to by hand
    mail_id: int


def desk_list(*, viewer: Any, status: str = "", kind: str = "", open_only: bool = True) -> list[DeskLine]:
    """Requests for the portal's agents, oldest deadline first. Raises NotAnAgent."""
    if not permissions.is_agent(viewer):
        raise exceptions.NotAnAgent()
    qs = OnlineRequest.objects.select_related("citizen").order_by("deadline", "id")
    if status:
        qs = qs.filter(status=status)
    elif open_only:
        qs = qs.exclude(status__in=FINAL_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    today = timezone.localdate()
    return [
        DeskLine(
            line=_line(r, today),
            citizen_name=r.citizen.display_name,
            cin=r.cin or r.citizen.cin,
            cin_verified=r.citizen.cin_verified_at is not None,
        )
        for r in qs[:300]
    ]


def desk_get(*, viewer: Any, request_id: int) -> DeskDetail:
    """One request with the citizen's contact, for an agent. Raises NotAnAgent, RequestNotFound."""
    if not permissions.is_agent(viewer):
        raise exceptions.NotAnAgent()
    r = OnlineRequest.objects.select_related("citizen").filter(pk=request_id).first()
    if r is None:
        raise exceptions.RequestNotFound()
    from .models import ALLOWED_TRANSITIONS

    return DeskDetail(
        line=_line(r, timezone.localdate()),
        citizen_id=r.citizen_id,
        citizen_name=r.citizen.display_name,
        contact=r.citizen.email or r.citizen.phone or "",
        cin=r.cin or r.citizen.cin,
        cin_verified=r.citizen.cin_verified_at is not None,
        details={k: str(v) for k, v in r.details.items()},
        events=_events(r),
        attachments=tuple((a.pk, a.name, a.content_type, a.size) for a in r.attachments.all()),
        allowed=tuple(s for s in ALLOWED_TRANSITIONS.get(r.status, ()) if s != RequestStatus.ISSUED),
        mail_id=r.mail_id,
    )


def desk_attachment(*, viewer: Any, attachment_id: int) -> tuple[str, str, bytes]:
    """(name, content type, bytes) of a citizen's piece, for an agent. Raises NotAnAgent, RequestNotFound."""
    if not permissions.is_agent(viewer):
        raise exceptions.NotAnAgent()
    a = RequestAttachment.objects.filter(pk=attachment_id).first()
    if a is None:
        raise exceptions.RequestNotFound()
    return a.name, a.content_type, files.tenant_read(a.stored_name)


# --- the public face ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationView:
    id: int
    kind: str
    title_fr: str
    title_ar: str
    body_fr: str
    body_ar: str
    published_on: dt.date
    session_date: dt.date | None
    number: str
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    outcome: str


def _publication(p: Publication) -> PublicationView:
    return PublicationView(
        id=p.pk,
        kind=p.kind,
        title_fr=p.title_fr,
        title_ar=p.title_ar,
        body_fr=p.body_fr,
        body_ar=p.body_ar,
        published_on=timezone.localdate(p.published_at),
        session_date=p.session_date,
        number=p.number,
        votes_for=p.votes_for,
        votes_against=p.votes_against,
        votes_abstain=p.votes_abstain,
        outcome=p.outcome,
    )


def publications(*, kind: str = "", limit: int = 20) -> list[PublicationView]:
    """Published (not withdrawn) news or council decisions, newest first."""
    qs = Publication.objects.filter(withdrawn_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return [_publication(p) for p in qs[:limit]]


def publication_get(*, publication_id: int) -> PublicationView:
    """One published item. Raises PublicationNotFound (also when withdrawn)."""
    p = Publication.objects.filter(pk=publication_id, withdrawn_at__isnull=True).first()
    if p is None:
        raise exceptions.PublicationNotFound()
    return _publication(p)


@dataclass(frozen=True)
class ServiceView:
    id: int
    name_fr: str
    name_ar: str
    hours_fr: str
    hours_ar: str
    place_fr: str
    place_ar: str
    phone: str
    position: int


def public_services() -> list[ServiceView]:
    return [
        ServiceView(
            id=s.pk,
            name_fr=s.name_fr,
            name_ar=s.name_ar,
            hours_fr=s.hours_fr,
            hours_ar=s.hours_ar,
            place_fr=s.place_fr,
            place_ar=s.place_ar,
            phone=s.phone,
            position=s.position,
        )
        for s in PublicService.objects.all()
    ]


def request_kinds(*, enabled: Iterable[str]) -> list[kernel_portal.RequestKind]:
    """The kinds of online requests this commune offers (none without the bureau d'ordre, which numbers them)."""
    enabled = list(enabled)
    return kernel_portal.request_kinds(enabled=enabled) if "courrier" in enabled else []


def document_kinds() -> list[tuple[str, str, str]]:
    """(kind, French, Arabic) of the documents whose code the public verification page checks."""
    from jamaa.platform.kernel import verification

    return [(k, v.label_fr, v.label_ar) for k, v in verification.kinds().items()]


# --- open data ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetTable:
    dataset: kernel_portal.Dataset
    rows: list[dict[str, kernel_portal.Value]]
    fresh: bool = True  # False: the previous snapshot, served while it is recomputed (not to be cached)


def dataset_table(*, code: str, enabled: Iterable[str]) -> DatasetTable:
    """A dataset's published rows (the commune's snapshot, see figures.py), checked against its schema when
    computed. Raises DatasetNotFound (unknown, or its module disabled)."""
    enabled = list(enabled)
    ds = kernel_portal.dataset(code=code, enabled=enabled)
    if ds is None:
        raise exceptions.DatasetNotFound()
    found = figures.published(enabled=enabled, codes=[code])
    return DatasetTable(dataset=ds, rows=found.rows[code], fresh=found.fresh)


def dataset_tables(*, enabled: Iterable[str]) -> list[DatasetTable]:
    """Every enabled dataset's published rows, by code (the transparency page): one read of the snapshot."""
    enabled = list(enabled)
    found = figures.published(enabled=enabled)
    return [
        DatasetTable(dataset=ds, rows=found.rows[ds.code], fresh=found.fresh)
        for ds in kernel_portal.datasets(enabled=enabled)
    ]


def _plain(value: kernel_portal.Value) -> str | int | float | None:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dataset_csv(*, table: DatasetTable) -> str:
    """The CSV file: UTF-8, a header of the schema's field names, ISO dates, a dot as decimal separator."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in table.dataset.fields])
    for row in table.rows:
        writer.writerow(["" if row[f.name] is None else str(_plain(row[f.name])) for f in table.dataset.fields])
    return out.getvalue()


def dataset_json(*, table: DatasetTable, commune: str) -> dict[str, Any]:
    """The JSON file: the dataset's code, licence, schema and rows."""
    ds = table.dataset
    return {
        "dataset": ds.code,
        "publisher": commune,
        "title": ds.title_fr,
        "title_ar": ds.title_ar,
        "licence": {"name": kernel_portal.LICENCE_NAME, "url": kernel_portal.LICENCE_URL},
        "fields": kernel_portal.table_schema(ds)["fields"],
        "rows": [{k: _plain(v) for k, v in row.items()} for row in table.rows],
    }


def catalogue(*, enabled: Iterable[str], base_url: str, commune_fr: str, commune_ar: str) -> dict[str, Any]:
    """The commune's DCAT catalogue (JSON-LD): each dataset with its CSV and JSON distributions, schema and
    licence, at stable URLs."""
    data = []
    for ds in kernel_portal.datasets(enabled=list(enabled)):
        url = f"{base_url}/portail/data/{ds.code}"
        data.append(
            {
                "@type": "dcat:Dataset",
                "@id": url + "/",
                "dct:identifier": ds.code,
                "dct:title": [{"@language": "fr", "@value": ds.title_fr}, {"@language": "ar", "@value": ds.title_ar}],
                "dct:description": [
                    {"@language": "fr", "@value": ds.description_fr},
                    {"@language": "ar", "@value": ds.description_ar},
                ],
                "dcat:keyword": list(ds.keywords),
                "dcat:theme": ds.theme,
                "dct:license": kernel_portal.LICENCE_URL,
                "dct:conformsTo": url + ".schema.json",
                "dcat:distribution": [
                    {"@type": "dcat:Distribution", "dcat:downloadURL": url + ".csv", "dcat:mediaType": "text/csv"},
                    {
                        "@type": "dcat:Distribution",
                        "dcat:downloadURL": url + ".json",
                        "dcat:mediaType": "application/json",
                    },
                ],
            }
        )
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"},
        "@type": "dcat:Catalog",
        "@id": f"{base_url}/portail/data/catalog.json",
        "dct:title": [
            {"@language": "fr", "@value": f"Données ouvertes — {commune_fr}"},
            {"@language": "ar", "@value": f"البيانات المفتوحة — {commune_ar}"},
        ],
        "dct:publisher": commune_fr,
        "dct:license": kernel_portal.LICENCE_URL,
        "dcat:dataset": data,
    }


def dataset_schema(*, code: str, enabled: Iterable[str]) -> dict[str, Any]:
    """The dataset's documented schema: its Table Schema (CSV) and JSON Schema (JSON file). Raises
    DatasetNotFound."""
    ds = kernel_portal.dataset(code=code, enabled=list(enabled))
    if ds is None:
        raise exceptions.DatasetNotFound()
    return {"table_schema": kernel_portal.table_schema(ds), "json_schema": kernel_portal.json_schema(ds)}


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


# --- elected officials ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    label_fr: str
    label_ar: str
    value: int | Decimal
    late: int
    unit: str
    url: str


def dashboard(*, viewer: Any, enabled: Iterable[str], today: dt.date | None = None) -> list[IndicatorLine]:
    """Every enabled module's indicators for the month of `today`, the portal's first. Raises NotAnAgent when the
    viewer is not an elected official (nor the administrator)."""
    if not permissions.is_elected(viewer):
        raise exceptions.NotAnAgent()
    today = today or timezone.localdate()
    lines = []
    for ind in kernel_portal.indicators(enabled=list(enabled)):
        v = ind.compute(today)
        lines.append(
            IndicatorLine(
                code=ind.code,
                label_fr=ind.label_fr,
                label_ar=ind.label_ar,
                value=v.value,
                late=v.late,
                unit=v.unit,
                url=v.url,
            )
        )
    return lines


def publication_kinds() -> list[tuple[str, str]]:
    return [(str(k), str(k.label)) for k in PublicationKind]
