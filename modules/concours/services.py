"""Writes of the recruitment exams: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

A concours moves one state at a time (announced → open → closed → screening → convocations → written → oral →
final → appointments; SQL trigger). Candidate numbers come from the kernel counter (key `concours:<id>:candidat`,
the exam's year), drawn in the application's transaction. Anonymous codes and seats are given once, at the
convocations. Marks are append-only and accepted only at their paper's stage (SQL): once the concours moves on,
they are locked. Each publication of the final lists writes a new, append-only version. An appointment opens the
agent in RH through `rh.services.agent_recruit` (with its recruitment arrêté)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from jamaa.modules.rh import selectors as rh_selectors
from jamaa.modules.rh import services as rh_services
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from . import exceptions, permissions, ranking
from .models import (
    Appointment,
    Candidature,
    Concours,
    ListKind,
    Mark,
    Paper,
    Quota,
    ResultEntry,
    ResultList,
    Status,
)

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
LIST_VALIDITY_DAYS = 183  # 6 months


@dataclass(frozen=True, kw_only=True)
class ConcoursInput:
    title_fr: str
    title_ar: str
    grade_code: str
    posts: int
    announced_on: dt.date
    applications_until: dt.date
    exam_date: dt.date
    service: str = ""
    quota_resistant_pct: int = 25
    quota_disabled_pct: int = 7
    age_min: int = 18
    age_max: int = 40
    documents_required: str = ""


@dataclass(frozen=True, kw_only=True)
class ApplicationInput:
    cin: str
    first_name_fr: str
    last_name_fr: str
    first_name_ar: str
    last_name_ar: str
    birth_date: dt.date
    diploma: str
    quota: str = Quota.GENERAL
    email: str = ""
    phone: str = ""


def _require(actor: Any) -> None:
    if not permissions.is_manager(actor):
        raise exceptions.NotAManager()


def _code(n: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(n))


def _fields(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _locked(concours_id: int) -> Concours:
    concours = Concours.objects.select_for_update().filter(pk=concours_id).first()
    if concours is None:
        raise exceptions.ConcoursNotFound()
    return concours


def _at(concours: Concours, *statuses: str) -> None:
    if concours.status not in statuses:
        raise exceptions.WrongStage(extra={"status": concours.status, "expected": list(statuses)})


def _move(actor: Any, concours: Concours, to: str) -> None:
    concours.status = to
    concours.save(update_fields=["status"])
    audit_record(actor=actor, action=f"concours.concours.{to}", target=concours)


@transaction.atomic
def concours_announce(*, actor: Any, data: ConcoursInput) -> Concours:
    """Announce a concours for an RH grade (its names and échelle kept as a snapshot). Raises NotAManager,
    ConcoursInvalid; audited."""
    _require(actor)
    grade = next((g for g in rh_selectors.grade_options() if g.code == data.grade_code), None)
    if grade is None:
        raise exceptions.ConcoursInvalid(extra={"fields": {"grade_code": ["unknown"]}})
    concours = Concours(
        title_fr=data.title_fr.strip(),
        title_ar=data.title_ar.strip(),
        grade_code=grade.code,
        grade_fr=grade.name_fr,
        grade_ar=grade.name_ar,
        echelle=grade.echelle,
        service=data.service.strip(),
        posts=data.posts,
        quota_resistant_pct=data.quota_resistant_pct,
        quota_disabled_pct=data.quota_disabled_pct,
        announced_on=data.announced_on,
        applications_until=data.applications_until,
        exam_date=data.exam_date,
        age_min=data.age_min,
        age_max=data.age_max,
        documents_required=data.documents_required.strip(),
        created_by=actor,
    )
    try:
        concours.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise exceptions.ConcoursInvalid(extra=_fields(exc)) from None
    concours.save()
    audit_record(actor=actor, action="concours.concours.announced", target=concours, data={"posts": data.posts})
    return concours


SIMPLE_STEPS = {
    Status.ANNOUNCED: Status.OPEN,
    Status.OPEN: Status.CLOSED,
    Status.CLOSED: Status.SCREENING,
    Status.CONVOCATIONS: Status.WRITTEN,
}


@transaction.atomic
def concours_advance(*, actor: Any, concours_id: int) -> Concours:
    """Move to the next state where no other act is needed: announced → open → closed → screening, convocations →
    written (the papers are sat: marks entry opens), written → oral (every present paper marked). Raises
    NotAManager, ConcoursNotFound, WrongStage, MarksMissing; audited."""
    _require(actor)
    concours = _locked(concours_id)
    if concours.status == Status.WRITTEN:
        missing = [c.number for c in _present(concours) if _written(c) is None]
        if missing:
            raise exceptions.MarksMissing(extra={"candidates": missing})
        _move(actor, concours, Status.ORAL)
        return concours
    to = SIMPLE_STEPS.get(Status(concours.status))
    if to is None:
        raise exceptions.WrongStage(extra={"status": concours.status})
    _move(actor, concours, to)
    return concours


@transaction.atomic
def application_register(*, actor: Any, concours_id: int, data: ApplicationInput) -> Candidature:
    """Register an application while applications are open, numbered in the concours' series. Raises NotAManager,
    ConcoursNotFound, WrongStage, ApplicationInvalid, DuplicateApplication (one per CIN: the unique index decides,
    even at the same instant); audited."""
    _require(actor)
    concours = Concours.objects.filter(pk=concours_id).first()
    if concours is None:
        raise exceptions.ConcoursNotFound()
    _at(concours, Status.OPEN)
    cin = data.cin.strip().upper()
    if data.quota not in Quota.values:
        raise exceptions.ApplicationInvalid(extra={"fields": {"quota": ["invalid"]}})
    candidature = Candidature(
        concours=concours,
        number=1,
        cin=cin,
        first_name_fr=data.first_name_fr.strip(),
        last_name_fr=data.last_name_fr.strip(),
        first_name_ar=data.first_name_ar.strip(),
        last_name_ar=data.last_name_ar.strip(),
        birth_date=data.birth_date,
        diploma=data.diploma.strip(),
        quota=data.quota,
        email=data.email.strip(),
        phone=data.phone.strip(),
        registered_by=actor,
    )
    try:
        candidature.full_clean(exclude=["concours", "registered_by", "number"], validate_unique=False)
    except ValidationError as exc:
        raise exceptions.ApplicationInvalid(extra=_fields(exc)) from None
    if not cin:
        raise exceptions.ApplicationInvalid(extra={"fields": {"cin": ["required"]}})
    candidature.number = counter_next(key=f"concours:{concours.pk}:candidat", year=concours.exam_date.year)
    try:
        with transaction.atomic():
            candidature.save()
    except IntegrityError:
        raise exceptions.DuplicateApplication(extra={"fields": {"cin": ["duplicate"]}}) from None
    audit_record(actor=actor, action="concours.application.registered", target=candidature, data={"cin": cin})
    return candidature


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


@transaction.atomic
def application_screen(*, actor: Any, candidature_id: int, eligible: bool, reason: str = "") -> Candidature:
    """Record whether an application is eligible, once, during screening; an ineligible one needs its reason, and
    an age outside the limits on the exam's day is ineligible whatever is asked. Raises NotAManager,
    CandidatureNotFound, WrongStage, ApplicationInvalid; audited."""
    _require(actor)
    candidature = Candidature.objects.select_for_update().filter(pk=candidature_id).first()
    if candidature is None:
        raise exceptions.CandidatureNotFound()
    concours = Concours.objects.get(pk=candidature.concours_id)
    _at(concours, Status.SCREENING)
    if candidature.eligible is not None:
        raise exceptions.AlreadyScreened()
    age = _age(candidature.birth_date, concours.exam_date)
    if eligible and not concours.age_min <= age <= concours.age_max:
        raise exceptions.ApplicationInvalid(
            extra={"fields": {"eligible": [f"age {age}: outside {concours.age_min}–{concours.age_max}"]}}
        )
    if not eligible and not reason.strip():
        raise exceptions.ApplicationInvalid(extra={"fields": {"reason": ["required"]}})
    candidature.eligible = eligible
    candidature.eligibility_reason = reason.strip()[:300]
    candidature.screened_by, candidature.screened_at = actor, timezone.now()
    candidature.save(update_fields=["eligible", "eligibility_reason", "screened_by", "screened_at"])
    audit_record(actor=actor, action="concours.application.screened", target=candidature, data={"eligible": eligible})
    return candidature


@transaction.atomic
def convocations_issue(*, actor: Any, concours_id: int, centre: str, room_size: int = 20) -> Concours:
    """Give each eligible candidate, by number, an anonymous code and a seat (rooms of `room_size`) at the
    centre, and move to convocations. Every application must be screened. Raises NotAManager, ConcoursNotFound,
    WrongStage, NotScreened, ConcoursInvalid; audited."""
    _require(actor)
    concours = _locked(concours_id)
    _at(concours, Status.SCREENING)
    if not centre.strip() or room_size < 1:
        raise exceptions.ConcoursInvalid(extra={"fields": {"centre": ["required"]}})
    unscreened = list(concours.candidatures.filter(eligible__isnull=True).values_list("number", flat=True))
    if unscreened:
        raise exceptions.NotScreened(extra={"candidates": unscreened})
    used: set[str] = set()
    for i, c in enumerate(concours.candidatures.filter(eligible=True).order_by("number")):
        code = _code(6)
        while code in used:
            code = _code(6)
        used.add(code)
        c.anonymous_code = code
        c.convocation_code = _code(10)
        c.centre = centre.strip()
        c.room = f"{i // room_size + 1}"
        c.seat = i % room_size + 1
        c.save(update_fields=["anonymous_code", "convocation_code", "centre", "room", "seat"])
    _move(actor, concours, Status.CONVOCATIONS)
    return concours


@transaction.atomic
def written_mark_enter(*, actor: Any, concours_id: int, code: str, corrector: int, score: Decimal) -> Mark:
    """A written paper's mark by its anonymous code (corrector 1 or 2; 3 only when 1 and 2 are more than 4 points
    apart). Raises NotAManager, ConcoursNotFound, WrongStage, MarkInvalid; audited."""
    _require(actor)
    concours = _locked(concours_id)
    _at(concours, Status.WRITTEN)
    candidature = concours.candidatures.filter(anonymous_code=code.strip().upper(), eligible=True).first()
    if candidature is None:
        raise exceptions.MarkInvalid(extra={"fields": {"code": ["unknown"]}})
    if corrector not in (1, 2, 3) or not Decimal(0) <= score <= Decimal(20):
        raise exceptions.MarkInvalid(extra={"fields": {"score": ["0–20, corrector 1–3"]}})
    marks = _marks(candidature, Paper.WRITTEN)
    if corrector in marks:
        raise exceptions.MarkInvalid(extra={"fields": {"corrector": ["already marked"]}})
    if corrector == 3 and not (1 in marks and 2 in marks and ranking.needs_third(marks[1], marks[2])):
        raise exceptions.MarkInvalid(extra={"fields": {"corrector": ["a third corrector only on a gap"]}})
    mark = Mark.objects.create(
        candidature=candidature, paper=Paper.WRITTEN, corrector=corrector, score=score, entered_by=actor
    )
    # the audit names the anonymous code, not the candidate: correction stays anonymous
    audit_record(
        actor=actor,
        action="concours.mark.written",
        data={"code": candidature.anonymous_code, "corrector": corrector, "score": str(score), "concours": concours.pk},
    )
    return mark


@transaction.atomic
def oral_mark_enter(*, actor: Any, candidature_id: int, score: Decimal) -> Mark:
    """The oral mark of a candidate admitted to the oral (written ≥ 10), once. Raises NotAManager,
    CandidatureNotFound, WrongStage, MarkInvalid; audited."""
    _require(actor)
    candidature = Candidature.objects.filter(pk=candidature_id).first()
    if candidature is None:
        raise exceptions.CandidatureNotFound()
    _at(Concours.objects.get(pk=candidature.concours_id), Status.ORAL)
    written = _written(candidature)
    if written is None or written < ranking.ORAL_MIN:
        raise exceptions.MarkInvalid(extra={"fields": {"candidature_id": ["not admitted to the oral"]}})
    if not Decimal(0) <= score <= Decimal(20) or _marks(candidature, Paper.ORAL):
        raise exceptions.MarkInvalid(extra={"fields": {"score": ["0–20, once"]}})
    mark = Mark.objects.create(candidature=candidature, paper=Paper.ORAL, corrector=1, score=score, entered_by=actor)
    audit_record(actor=actor, action="concours.mark.oral", target=candidature, data={"score": str(score)})
    return mark


def _marks(candidature: Candidature, paper: str) -> dict[int, Decimal]:
    return {m.corrector: m.score for m in Mark.objects.filter(candidature=candidature, paper=paper)}


def _written(candidature: Candidature) -> Decimal | None:
    return ranking.written_mark(_marks(candidature, Paper.WRITTEN))


def _present(concours: Concours) -> list[Candidature]:
    """Eligible candidates with at least one written mark (the others were absent)."""
    return [c for c in concours.candidatures.filter(eligible=True) if Mark.objects.filter(candidature=c).exists()]


@transaction.atomic
def results_publish(*, actor: Any, concours_id: int) -> ResultList:
    """Compute and publish the final lists (ranking.final_lists) as a new locked version, valid 6 months; the
    first publication closes the oral (→ final). Raises NotAManager, ConcoursNotFound, WrongStage, MarksMissing."""
    _require(actor)
    concours = _locked(concours_id)
    _at(concours, Status.ORAL, Status.FINAL)
    scored = []
    missing = []
    for c in _present(concours):
        written = _written(c)
        if written is None or written < ranking.ORAL_MIN:
            continue
        oral = _marks(c, Paper.ORAL).get(1)
        if oral is None:
            missing.append(c.number)
            continue
        scored.append(ranking.Scored(c.pk, c.number, c.birth_date, c.quota, written, oral))
    if missing:
        raise exceptions.MarksMissing(extra={"candidates": missing})
    placed = ranking.final_lists(
        scored,
        posts=concours.posts,
        resistant_pct=concours.quota_resistant_pct,
        disabled_pct=concours.quota_disabled_pct,
    )
    version = (
        ResultList.objects.filter(concours=concours).order_by("-version").values_list("version", flat=True).first() or 0
    ) + 1
    result = ResultList.objects.create(
        concours=concours,
        version=version,
        published_by=actor,
        valid_until=timezone.localdate() + dt.timedelta(days=LIST_VALIDITY_DAYS),
        entries_count=len(placed),
    )
    ResultEntry.objects.bulk_create(
        ResultEntry(
            result_list=result,
            candidature_id=p.candidature_id,
            kind=p.kind,
            rank=p.rank,
            seat_quota=p.seat_quota,
            written=p.written,
            oral=p.oral,
            total=p.total,
        )
        for p in placed
    )
    if concours.status == Status.ORAL:
        _move(actor, concours, Status.FINAL)
    audit_record(actor=actor, action="concours.results.published", target=result, data={"version": version})
    return result


@transaction.atomic
def appointment_make(
    *, actor: Any, candidature_id: int, recruited_on: dt.date | None = None, user_id: int | None = None
) -> Appointment:
    """Appoint a laureate of the latest published main list: RH opens the agent with the recruitment arrêté (the
    actor needs RH's role too). Raises NotAManager, CandidatureNotFound, WrongStage, NotALaureate,
    AlreadyAppointed, and RH's refusals (a CIN that already has an agent file: DuplicateCin); audited."""
    _require(actor)
    candidature = Candidature.objects.select_for_update().filter(pk=candidature_id).first()
    if candidature is None:
        raise exceptions.CandidatureNotFound()
    concours = _locked(candidature.concours_id)
    _at(concours, Status.FINAL, Status.APPOINTMENTS)
    if Appointment.objects.filter(candidature=candidature).exists():
        raise exceptions.AlreadyAppointed()
    latest = ResultList.objects.filter(concours=concours).order_by("-version").first()
    on_main = (
        latest is not None
        and ResultEntry.objects.filter(result_list=latest, candidature=candidature, kind=ListKind.MAIN).exists()
    )
    if not on_main:
        raise exceptions.NotALaureate()
    recruited = rh_services.agent_recruit(
        actor=actor,
        data=rh_services.AgentInput(
            cin=candidature.cin,
            first_name_fr=candidature.first_name_fr,
            last_name_fr=candidature.last_name_fr,
            first_name_ar=candidature.first_name_ar,
            last_name_ar=candidature.last_name_ar,
            birth_date=candidature.birth_date,
            grade_code=concours.grade_code,
            recruited_on=recruited_on or timezone.localdate(),
            diplomas=candidature.diploma,
            phone=candidature.phone,
            email=candidature.email,
            service=concours.service,
            user_id=user_id,
            reference_fr=f"concours n° {concours.reference}, liste principale",
            reference_ar=f"مباراة رقم {concours.reference}، اللائحة الرئيسية",
        ),
    )
    appointment = Appointment.objects.create(
        candidature=candidature,
        agent_id=recruited.agent_id,
        act_reference=recruited.act_reference,
        appointed_by=actor,
    )
    if concours.status == Status.FINAL:
        _move(actor, concours, Status.APPOINTMENTS)
    audit_record(
        actor=actor,
        action="concours.appointment.made",
        target=appointment,
        data={"agent": recruited.agent_id, "act": recruited.act_reference},
    )
    return appointment
