"""Reads of the recruitment exams. Visibility: the managers see everything; the public sees the announcements
(`concours_announced`, for the commune's portal) and the published lists (names and ranks, no marks of others)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import exceptions, permissions, ranking
from .models import Appointment, Candidature, Concours, Mark, Paper, ResultEntry, ResultList, Status


@dataclass(frozen=True)
class ConcoursRow:
    id: int
    reference: str
    title_fr: str
    title_ar: str
    grade_fr: str
    grade_ar: str
    echelle: int
    posts: int
    reserved_resistant: int
    reserved_disabled: int
    announced_on: dt.date
    applications_until: dt.date
    exam_date: dt.date
    age_min: int
    age_max: int
    documents_required: str
    status: str
    status_label: str
    applications: int


@dataclass(frozen=True)
class CandidatureRow:
    id: int
    number: int
    cin: str
    name_fr: str
    name_ar: str
    birth_date: dt.date
    diploma: str
    quota: str
    eligible: bool | None
    reason: str
    anonymous_code: str
    centre: str
    room: str
    seat: int | None
    convocation_code: str
    written_marks: dict[int, Decimal]
    written: Decimal | None
    needs_third: bool
    oral: Decimal | None
    agent_id: int | None
    act_reference: str


@dataclass(frozen=True)
class ResultLine:
    candidature_id: int
    number: int
    name_fr: str
    name_ar: str
    kind: str
    rank: int
    seat_quota: str
    written: Decimal
    oral: Decimal
    total: Decimal
    appointed: bool


@dataclass(frozen=True)
class ResultListView:
    id: int
    version: int
    published_at: dt.datetime
    valid_until: dt.date
    main: list[ResultLine]
    waiting: list[ResultLine]


@dataclass(frozen=True)
class ConcoursDetail:
    concours: ConcoursRow
    candidatures: list[CandidatureRow]
    lists: list[ResultListView]


def _row(c: Concours, applications: int) -> ConcoursRow:
    seats = ranking.reserved_seats(c.posts, c.quota_resistant_pct, c.quota_disabled_pct)
    return ConcoursRow(
        id=c.pk,
        reference=c.reference,
        title_fr=c.title_fr,
        title_ar=c.title_ar,
        grade_fr=c.grade_fr,
        grade_ar=c.grade_ar,
        echelle=c.echelle,
        posts=c.posts,
        reserved_resistant=seats["resistant"],
        reserved_disabled=seats["disabled"],
        announced_on=c.announced_on,
        applications_until=c.applications_until,
        exam_date=c.exam_date,
        age_min=c.age_min,
        age_max=c.age_max,
        documents_required=c.documents_required,
        status=c.status,
        status_label=str(c.get_status_display()),
        applications=applications,
    )


def concours_list(*, viewer: Any) -> list[ConcoursRow]:
    """Every concours, newest exam first (managers); empty for anyone else."""
    if not permissions.is_manager(viewer):
        return []
    return [_row(c, c.candidatures.count()) for c in Concours.objects.all()]


def concours_announced() -> list[ConcoursRow]:
    """The concours announced or open for applications, for the commune's portal (public: no applicant data)."""
    return [_row(c, 0) for c in Concours.objects.filter(status__in=[Status.ANNOUNCED, Status.OPEN])]


def _lines(result: ResultList, appointed: set[int]) -> tuple[list[ResultLine], list[ResultLine]]:
    entries = ResultEntry.objects.filter(result_list=result).select_related("candidature").order_by("kind", "rank")
    lines = [
        ResultLine(
            e.candidature_id,
            e.candidature.number,
            e.candidature.name_fr,
            e.candidature.name_ar,
            e.kind,
            e.rank,
            e.seat_quota,
            e.written,
            e.oral,
            e.total,
            e.candidature_id in appointed,
        )
        for e in entries
    ]
    return [x for x in lines if x.kind == "main"], [x for x in lines if x.kind == "waiting"]


def _lists(concours: Concours) -> list[ResultListView]:
    appointed = set(Appointment.objects.filter(candidature__concours=concours).values_list("candidature_id", flat=True))
    views = []
    for r in ResultList.objects.filter(concours=concours).order_by("-version"):
        main, waiting = _lines(r, appointed)
        views.append(ResultListView(r.pk, r.version, r.published_at, r.valid_until, main, waiting))
    return views


def concours_get(*, viewer: Any, concours_id: int) -> ConcoursDetail:
    """A concours with its applications (marks, seats, appointments) and its published lists. Raises
    ConcoursNotFound (missing, or not a manager)."""
    concours = Concours.objects.filter(pk=concours_id).first()
    if concours is None or not permissions.is_manager(viewer):
        raise exceptions.ConcoursNotFound()
    marks: dict[int, dict[str, dict[int, Decimal]]] = {}
    for m in Mark.objects.filter(candidature__concours=concours):
        marks.setdefault(m.candidature_id, {}).setdefault(m.paper, {})[m.corrector] = m.score
    appointments = {a.candidature_id: a for a in Appointment.objects.filter(candidature__concours=concours)}
    rows = []
    for c in concours.candidatures.order_by("number"):
        written_marks = marks.get(c.pk, {}).get(Paper.WRITTEN, {})
        appointment = appointments.get(c.pk)
        rows.append(
            CandidatureRow(
                id=c.pk,
                number=c.number,
                cin=c.cin,
                name_fr=c.name_fr,
                name_ar=c.name_ar,
                birth_date=c.birth_date,
                diploma=c.diploma,
                quota=c.quota,
                eligible=c.eligible,
                reason=c.eligibility_reason,
                anonymous_code=c.anonymous_code,
                centre=c.centre,
                room=c.room,
                seat=c.seat,
                convocation_code=c.convocation_code,
                written_marks=written_marks,
                written=ranking.written_mark(written_marks),
                needs_third=1 in written_marks
                and 2 in written_marks
                and 3 not in written_marks
                and ranking.needs_third(written_marks[1], written_marks[2]),
                oral=marks.get(c.pk, {}).get(Paper.ORAL, {}).get(1),
                agent_id=appointment.agent_id if appointment else None,
                act_reference=appointment.act_reference if appointment else "",
            )
        )
    return ConcoursDetail(_row(concours, len(rows)), rows, _lists(concours))


def candidature_get(*, viewer: Any, candidature_id: int) -> tuple[ConcoursRow, CandidatureRow]:
    """One application with its concours (for its convocation). Raises CandidatureNotFound."""
    c = Candidature.objects.filter(pk=candidature_id).first()
    if c is None or not permissions.is_manager(viewer):
        raise exceptions.CandidatureNotFound()
    detail = concours_get(viewer=viewer, concours_id=c.concours_id)
    return detail.concours, next(r for r in detail.candidatures if r.id == c.pk)


def results_published(*, concours_id: int) -> ResultListView | None:
    """The latest published lists of a concours (public), or None."""
    concours = Concours.objects.filter(pk=concours_id).first()
    if concours is None:
        return None
    lists = _lists(concours)
    return lists[0] if lists else None
