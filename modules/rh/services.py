"""Writes of human resources: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Arrêtés are numbered gapless per year by the kernel counter (key `rh:arrete`, the year of signature), drawn in the
transaction that writes the act: concurrent issues get consecutive numbers, a refused one gives its number back.
Matricules come from the counter `rh:matricule` (year 0: one series for ever). A career moves only by an act: every
act that changes grade, échelon or position appends a CareerEntry referring to it (append-only in SQL).

Leave: `days_used` of a LeaveBalance counts pending and approved annual leave; the request adds its days with one
UPDATE whose CHECK (`days_used <= days_entitled`) is the database's refusal: a balance never goes below zero,
whatever runs at the same time (tests/modules/rh/test_leave_concurrency.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from . import exceptions, holidays, permissions
from .models import (
    LEAVE_TRANSITIONS,
    Act,
    ActKind,
    Agent,
    CareerEntry,
    Grade,
    LeaveBalance,
    LeaveKind,
    LeaveRequest,
    LeaveStatus,
    Position,
    Rating,
    ReligiousHoliday,
)

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SICK_CEILINGS: dict[str, tuple[int, int | None]] = {
    # kind: (ceiling in calendar days, window in days: None = the whole career)
    LeaveKind.SICK_SHORT: (180, 365),  # 6 months over any 12 months
    LeaveKind.SICK_MEDIUM: (3 * 365, None),  # 3 years
    LeaveKind.SICK_LONG: (5 * 365, None),  # 5 years
}
CAREER_KINDS = {
    ActKind.RECRUITMENT,
    ActKind.TITULARISATION,
    ActKind.ADVANCEMENT,
    ActKind.PROMOTION,
    ActKind.POSITION,
    ActKind.CORRECTION,
}
KIND_OBJECT: dict[str, tuple[str, str]] = {
    ActKind.RECRUITMENT: ("Recrutement", "توظيف"),
    ActKind.TITULARISATION: ("Titularisation", "ترسيم"),
    ActKind.ADVANCEMENT: ("Avancement d'échelon", "الترقي في الرتبة"),
    ActKind.PROMOTION: ("Promotion de grade", "الترقي في الدرجة"),
    ActKind.POSITION: ("Changement de position", "تغيير الوضعية"),
    ActKind.SANCTION: ("Sanction disciplinaire", "عقوبة تأديبية"),
    ActKind.CORRECTION: ("Rectification", "تصحيح"),
}


@dataclass(frozen=True, kw_only=True)
class AgentInput:
    """An agent's file at recruitment, and the recruitment arrêté's terms."""

    cin: str
    first_name_fr: str
    last_name_fr: str
    first_name_ar: str
    last_name_ar: str
    birth_date: dt.date
    grade_code: str
    recruited_on: dt.date
    birth_place: str = ""
    diplomas: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    service: str = ""
    echelon: int = 1
    user_id: int | None = None
    reference_fr: str = ""  # what the recruitment follows (e.g. "concours n° 3/2026"), printed on the arrêté
    reference_ar: str = ""


@dataclass(frozen=True, kw_only=True)
class ActInput:
    """An arrêté on an agent. Career kinds give the new grade / échelon / position (unchanged ones may be left
    empty: the current value is kept); a correction names the act it corrects."""

    agent_id: int
    kind: str
    effective_date: dt.date
    grade_code: str = ""
    echelon: int | None = None
    position: str = ""
    service: str | None = None
    object_fr: str = ""
    object_ar: str = ""
    corrects_act_id: int | None = None
    signed_on: dt.date | None = None


def _require_hr(actor: Any) -> None:
    if not permissions.is_agent(actor):
        raise exceptions.NotAnAgent()


def _open_self_service(user: Any) -> None:
    """The linked account sees the module's card (it leads to their own file)."""
    user.groups.add(Group.objects.get_or_create(name=permissions.SELF_SERVICE)[0])


def _fields(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _grade(code: str) -> Grade:
    grade = Grade.objects.filter(code=code).first()
    if grade is None:
        raise exceptions.CareerInvalid(extra={"fields": {"grade_code": ["unknown"]}})
    return grade


def _current(agent: Agent) -> CareerEntry | None:
    return CareerEntry.objects.filter(agent=agent).order_by("-effective_date", "-id").first()


def _write_act(
    *,
    actor: Any,
    agent: Agent,
    kind: str,
    signed_on: dt.date,
    effective_date: dt.date,
    object_fr: str,
    object_ar: str,
    grade: Grade | None = None,
    echelon: int | None = None,
    position: str = "",
    corrects: Act | None = None,
) -> Act:
    """The act with its number, drawn here, in the caller's transaction (no gap on a rollback)."""
    act = Act(
        year=signed_on.year,
        number=counter_next(key="rh:arrete", year=signed_on.year),
        kind=kind,
        agent=agent,
        signed_on=signed_on,
        effective_date=effective_date,
        object_fr=object_fr,
        object_ar=object_ar,
        grade=grade,
        echelle=grade.echelle if grade is not None else None,
        echelon=echelon,
        position=position,
        corrects=corrects,
        code=_new_code(),
        created_by=actor,
    )
    act.full_clean(exclude=["agent", "created_by", "grade", "corrects"])
    act.save()
    audit_record(actor=actor, action=f"rh.act.{kind}", target=act, data={"number": act.reference, "agent": agent.pk})
    return act


@dataclass(frozen=True)
class Recruited:
    agent_id: int
    act_id: int
    act_reference: str


@transaction.atomic
def agent_recruit(*, actor: Any, data: AgentInput) -> Recruited:
    """Open an agent file with its recruitment arrêté, first career entry (activity, échelon given) and this
    year's leave balance. Raises NotAnAgent, AgentInvalid, DuplicateCin, CareerInvalid. Draws a matricule and an
    arrêté number; audited."""
    _require_hr(actor)
    cin = data.cin.strip().upper()
    if Agent.objects.filter(cin=cin).exists():
        raise exceptions.DuplicateCin(extra={"fields": {"cin": ["duplicate"]}})
    grade = _grade(data.grade_code)
    if not 1 <= data.echelon <= grade.max_echelon:
        raise exceptions.CareerInvalid(extra={"fields": {"echelon": [f"1–{grade.max_echelon}"]}})
    user = None
    if data.user_id is not None:
        user = get_user_model().objects.filter(pk=data.user_id).first()
        if user is None or Agent.objects.filter(user=user).exists():
            raise exceptions.AgentInvalid(extra={"fields": {"user_id": ["unknown or already linked"]}})
    agent = Agent(
        matricule=1,
        cin=cin,
        first_name_fr=data.first_name_fr.strip(),
        last_name_fr=data.last_name_fr.strip(),
        first_name_ar=data.first_name_ar.strip(),
        last_name_ar=data.last_name_ar.strip(),
        birth_date=data.birth_date,
        birth_place=data.birth_place.strip(),
        diplomas=data.diplomas.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        address=data.address.strip(),
        service=data.service.strip(),
        user=user,
        recruited_on=data.recruited_on,
        created_by=actor,
    )
    try:
        agent.full_clean(exclude=["matricule", "created_by", "user", "cin"])
    except ValidationError as exc:
        raise exceptions.AgentInvalid(extra=_fields(exc)) from None
    if not cin or len(cin) > 12:
        raise exceptions.AgentInvalid(extra={"fields": {"cin": ["required, 12 characters at most"]}})
    agent.matricule = counter_next(key="rh:matricule", year=0)
    try:
        with transaction.atomic():
            agent.save()
    except IntegrityError:  # two recruitments of one CIN at once: the unique index decides
        raise exceptions.DuplicateCin(extra={"fields": {"cin": ["duplicate"]}}) from None
    reference_fr = f" ({data.reference_fr})" if data.reference_fr else ""
    reference_ar = f" ({data.reference_ar})" if data.reference_ar else ""
    act = _write_act(
        actor=actor,
        agent=agent,
        kind=ActKind.RECRUITMENT,
        signed_on=timezone.localdate(),
        effective_date=data.recruited_on,
        object_fr=f"Recrutement en qualité de {grade.name_fr}, échelle {grade.echelle}, échelon {data.echelon}"
        + reference_fr,
        object_ar=f"توظيف بصفة {grade.name_ar}، السلم {grade.echelle}، الرتبة {data.echelon}" + reference_ar,
        grade=grade,
        echelon=data.echelon,
        position=Position.ACTIVITY,
    )
    CareerEntry.objects.create(
        agent=agent,
        effective_date=data.recruited_on,
        grade=grade,
        echelle=grade.echelle,
        echelon=data.echelon,
        position=Position.ACTIVITY,
        service=agent.service,
        act=act,
        recorded_by=actor,
    )
    LeaveBalance.objects.get_or_create(agent=agent, year=data.recruited_on.year)
    if user is not None:
        _open_self_service(user)
    audit_record(actor=actor, action="rh.agent.recruited", target=agent, data={"cin": cin, "act": act.reference})
    return Recruited(agent_id=agent.pk, act_id=act.pk, act_reference=act.reference)


@transaction.atomic
def act_issue(*, actor: Any, data: ActInput) -> Act:
    """Issue an arrêté on an agent; a career kind appends the career entry it orders (a correction: an entry for
    the corrected act's date, referring to it). Raises NotAnAgent, AgentNotFound, CareerInvalid. Draws a number."""
    _require_hr(actor)
    agent = Agent.objects.select_for_update().filter(pk=data.agent_id).first()
    if agent is None:
        raise exceptions.AgentNotFound()
    if data.kind not in ActKind.values or data.kind == ActKind.RECRUITMENT:
        raise exceptions.CareerInvalid(extra={"fields": {"kind": ["invalid"]}})
    current = _current(agent)
    if current is None:
        raise exceptions.CareerInvalid(extra={"fields": {"agent_id": ["no career"]}})
    corrects = None
    corrected_entry = None
    effective = data.effective_date
    if data.kind == ActKind.CORRECTION:
        if data.corrects_act_id is None:
            raise exceptions.CareerInvalid(extra={"fields": {"corrects_act_id": ["required"]}})
        corrects = Act.objects.filter(pk=data.corrects_act_id, agent=agent).first()
        if corrects is None:
            raise exceptions.CareerInvalid(extra={"fields": {"corrects_act_id": ["unknown"]}})
        corrected_entry = CareerEntry.objects.filter(act=corrects).order_by("-id").first()
        if corrected_entry is None:
            raise exceptions.CareerInvalid(extra={"fields": {"corrects_act_id": ["not a career act"]}})
        effective = corrected_entry.effective_date
        base: CareerEntry = corrected_entry
    else:
        base = current
        if data.effective_date < current.effective_date:
            raise exceptions.CareerInvalid(extra={"fields": {"effective_date": ["before the current step"]}})
    grade = _grade(data.grade_code) if data.grade_code else base.grade
    echelon = data.echelon if data.echelon is not None else base.echelon
    position = data.position or base.position
    service = data.service if data.service is not None else base.service
    if position not in Position.values:
        raise exceptions.CareerInvalid(extra={"fields": {"position": ["invalid"]}})
    if not 1 <= echelon <= grade.max_echelon:
        raise exceptions.CareerInvalid(extra={"fields": {"echelon": [f"1–{grade.max_echelon}"]}})
    if data.kind == ActKind.ADVANCEMENT and (grade != current.grade or echelon != current.echelon + 1):
        raise exceptions.CareerInvalid(extra={"fields": {"echelon": ["one step up in the same grade"]}})
    if data.kind == ActKind.PROMOTION and grade.echelle < current.echelle:
        raise exceptions.CareerInvalid(extra={"fields": {"grade_code": ["a promotion does not go down"]}})
    if data.kind == ActKind.POSITION and position == current.position and service == current.service:
        raise exceptions.CareerInvalid(extra={"fields": {"position": ["unchanged"]}})
    default_fr, default_ar = KIND_OBJECT[data.kind]
    career = data.kind in CAREER_KINDS
    act = _write_act(
        actor=actor,
        agent=agent,
        kind=data.kind,
        signed_on=data.signed_on or timezone.localdate(),
        effective_date=effective,
        object_fr=data.object_fr.strip() or default_fr,
        object_ar=data.object_ar.strip() or default_ar,
        grade=grade if career else None,
        echelon=echelon if career else None,
        position=position if career else "",
        corrects=corrects,
    )
    if career:
        CareerEntry.objects.create(
            agent=agent,
            effective_date=effective,
            grade=grade,
            echelle=grade.echelle,
            echelon=echelon,
            position=position,
            service=service,
            act=act,
            corrects=corrected_entry,
            recorded_by=actor,
        )
        if service != agent.service and data.kind != ActKind.CORRECTION:
            Agent.objects.filter(pk=agent.pk).update(service=service)
    return act


@transaction.atomic
def agent_contacts_update(*, actor: Any, agent_id: int, phone: str, email: str, address: str) -> Agent:
    """Change an agent's contacts (identity and career never change here). Raises NotAnAgent, AgentNotFound,
    AgentInvalid; audited with the old values."""
    _require_hr(actor)
    agent = Agent.objects.select_for_update().filter(pk=agent_id).first()
    if agent is None:
        raise exceptions.AgentNotFound()
    before = {"phone": agent.phone, "email": agent.email, "address": agent.address}
    agent.phone, agent.email, agent.address = phone.strip(), email.strip(), address.strip()
    try:
        agent.full_clean(exclude=["created_by", "user"])
    except ValidationError as exc:
        raise exceptions.AgentInvalid(extra=_fields(exc)) from None
    agent.save(update_fields=["phone", "email", "address"])
    audit_record(actor=actor, action="rh.agent.contacts_changed", target=agent, data={"before": before})
    return agent


@transaction.atomic
def agent_user_link(*, actor: Any, agent_id: int, user_id: int) -> Agent:
    """Link an agent file to a user account (self-service), once. Raises NotAnAgent, AgentNotFound, AgentInvalid."""
    _require_hr(actor)
    agent = Agent.objects.select_for_update().filter(pk=agent_id).first()
    if agent is None:
        raise exceptions.AgentNotFound()
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or agent.user_id is not None or Agent.objects.filter(user=user).exists():
        raise exceptions.AgentInvalid(extra={"fields": {"user_id": ["unknown or already linked"]}})
    agent.user = user
    agent.save(update_fields=["user"])
    _open_self_service(user)
    audit_record(actor=actor, action="rh.agent.user_linked", target=agent, data={"user": user.pk})
    return agent


# --- holidays and leave ---------------------------------------------------------------------------------------


def holidays_prepare(*, year: int) -> list[ReligiousHoliday]:
    """The religious holidays of a year, creating the expected ones (Umm al-Qura days) that are missing. Writes
    rows the first time a year is asked for; idempotent."""
    for h in holidays.religious_expected(year):
        ReligiousHoliday.objects.get_or_create(
            year=year,
            key=h.key,
            defaults={"name_fr": h.name_fr, "name_ar": h.name_ar, "hijri": h.hijri, "day": h.day, "length": h.length},
        )
    return list(ReligiousHoliday.objects.filter(year=year))


@transaction.atomic
def holiday_confirm(*, actor: Any, holiday_id: int, day: dt.date) -> ReligiousHoliday:
    """Confirm a religious holiday on the day announced (the expected day or one near it), once. Raises
    NotAnAgent, HolidayNotFound, HolidayConfirmed, LeaveInvalid (more than 2 days from the expected day); audited."""
    _require_hr(actor)
    holiday = ReligiousHoliday.objects.select_for_update().filter(pk=holiday_id).first()
    if holiday is None:
        raise exceptions.HolidayNotFound()
    if holiday.confirmed_at is not None:
        raise exceptions.HolidayConfirmed()
    if abs((day - holiday.day).days) > 2:
        raise exceptions.LeaveInvalid(extra={"fields": {"day": ["within 2 days of the expected day"]}})
    before = holiday.day
    holiday.day, holiday.confirmed_by, holiday.confirmed_at = day, actor, timezone.now()
    holiday.save(update_fields=["day", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor,
        action="rh.holiday.confirmed",
        target=holiday,
        data={"key": holiday.key, "expected": before.isoformat(), "day": day.isoformat()},
    )
    return holiday


def days_off(*, start: dt.date, end: dt.date) -> set[dt.date]:
    """Every public holiday between start and end (fixed ones, and the religious table, prepared if missing)."""
    off: set[dt.date] = set()
    for year in range(start.year - 1, end.year + 1):
        off |= {day for day, _fr, _ar in holidays.fixed_holidays(year)}
        off |= holidays.days_off((h.day, h.length) for h in holidays_prepare(year=year))
    return off


def leave_working_days(*, start: dt.date, end: dt.date) -> int:
    """The working days of a leave (weekends and public holidays not counted). Prepares the year's holidays."""
    return holidays.working_days(start, end, days_off(start=start, end=end))


def _may_request(actor: Any, agent: Agent) -> bool:
    return permissions.is_agent(actor) or (agent.user_id is not None and agent.user_id == actor.pk)


@transaction.atomic
def leave_request(
    *, actor: Any, agent_id: int, kind: str, start: dt.date, end: dt.date, reason: str = ""
) -> LeaveRequest:
    """Ask for leave (the HR service for any agent, an agent for themself). Annual leave counts working days and
    takes them from the year's balance at once (given back on refusal or cancellation); sick leave counts calendar
    days within its ceiling. Raises AgentNotFound, LeaveInvalid, LeaveOverlap, BalanceExceeded, SickLeaveCeiling."""
    # The agent's row lock orders one agent's requests (the overlap check); the balance's CHECK is the last word.
    agent = Agent.objects.select_for_update().filter(pk=agent_id).first()
    if agent is None or not _may_request(actor, agent):
        raise exceptions.AgentNotFound()
    if kind not in LeaveKind.values:
        raise exceptions.LeaveInvalid(extra={"fields": {"kind": ["invalid"]}})
    if end < start:
        raise exceptions.LeaveInvalid(extra={"fields": {"end": ["before the start"]}})
    active = [LeaveStatus.PENDING, LeaveStatus.APPROVED]
    if LeaveRequest.objects.filter(agent=agent, status__in=active, start__lte=end, end__gte=start).exists():
        raise exceptions.LeaveOverlap()
    if kind == LeaveKind.ANNUAL:
        if start.year != end.year:
            raise exceptions.LeaveInvalid(extra={"fields": {"end": ["annual leave stays within one year"]}})
        days = leave_working_days(start=start, end=end)
        if days == 0:
            raise exceptions.LeaveInvalid(extra={"fields": {"end": ["no working day"]}})
        balance, _ = LeaveBalance.objects.get_or_create(agent=agent, year=start.year)
        try:
            with transaction.atomic():
                LeaveBalance.objects.filter(pk=balance.pk).update(days_used=F("days_used") + days)
        except IntegrityError:
            balance.refresh_from_db()
            raise exceptions.BalanceExceeded(extra={"remaining": balance.remaining, "asked": days}) from None
    else:
        days = (end - start).days + 1
        ceiling, window = SICK_CEILINGS[kind]
        taken = LeaveRequest.objects.filter(agent=agent, kind=kind, status__in=active)
        if window is not None:
            taken = taken.filter(end__gt=end - dt.timedelta(days=window))
        used = taken.aggregate(total=Sum("days"))["total"] or 0
        if used + days > ceiling:
            raise exceptions.SickLeaveCeiling(extra={"ceiling_days": ceiling, "used_days": used, "asked": days})
    leave = LeaveRequest.objects.create(
        agent=agent,
        kind=kind,
        start=start,
        end=end,
        days=days,
        year=start.year,
        reason=reason.strip()[:300],
        requested_by=actor,
    )
    audit_record(
        actor=actor, action="rh.leave.requested", target=leave, data={"kind": kind, "days": days, "agent": agent.pk}
    )
    return leave


def _give_back(leave: LeaveRequest) -> None:
    if leave.kind == LeaveKind.ANNUAL:
        LeaveBalance.objects.filter(agent_id=leave.agent_id, year=leave.year).update(
            days_used=F("days_used") - leave.days
        )


def _move(leave: LeaveRequest, to: str) -> None:
    if to not in LEAVE_TRANSITIONS[leave.status]:
        raise exceptions.TransitionRefused(extra={"from": leave.status, "to": to})


@transaction.atomic
def leave_decide(*, actor: Any, leave_id: int, approve: bool, note: str = "") -> LeaveRequest:
    """Approve or refuse a pending request (the HR service); a refusal gives the days back. Raises NotAnAgent,
    LeaveNotFound, TransitionRefused; audited."""
    _require_hr(actor)
    leave = LeaveRequest.objects.select_for_update().filter(pk=leave_id).first()
    if leave is None:
        raise exceptions.LeaveNotFound()
    to = LeaveStatus.APPROVED if approve else LeaveStatus.REFUSED
    _move(leave, to)
    if not approve:
        _give_back(leave)
    leave.status, leave.decided_by, leave.decided_at = to, actor, timezone.now()
    leave.decision_note = note.strip()[:300]
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action=f"rh.leave.{to}", target=leave, data={"days": leave.days})
    return leave


@transaction.atomic
def leave_cancel(*, actor: Any, leave_id: int) -> LeaveRequest:
    """Cancel a pending request (its agent or the HR service) or an approved one not yet started (the HR
    service); the days come back. Raises LeaveNotFound, TransitionRefused; audited."""
    leave = LeaveRequest.objects.select_for_update().select_related("agent").filter(pk=leave_id).first()
    if leave is None or not _may_request(actor, leave.agent):
        raise exceptions.LeaveNotFound()
    _move(leave, LeaveStatus.CANCELLED)
    hr = permissions.is_agent(actor)
    if leave.status == LeaveStatus.APPROVED and (not hr or leave.start <= timezone.localdate()):
        raise exceptions.TransitionRefused(extra={"from": leave.status, "to": LeaveStatus.CANCELLED})
    _give_back(leave)
    leave.status, leave.decided_by, leave.decided_at = LeaveStatus.CANCELLED, actor, timezone.now()
    leave.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action="rh.leave.cancelled", target=leave, data={"days": leave.days})
    return leave


# --- rating ---------------------------------------------------------------------------------------------------


@transaction.atomic
def rating_record(*, actor: Any, agent_id: int, year: int, score: Decimal, comment: str = "") -> Rating:
    """The yearly rating of an agent (0–20), once per year. Raises NotAnAgent, AgentNotFound, RatingInvalid."""
    _require_hr(actor)
    agent = Agent.objects.filter(pk=agent_id).first()
    if agent is None:
        raise exceptions.AgentNotFound()
    if not Decimal(0) <= score <= Decimal(20) or Rating.objects.filter(agent=agent, year=year).exists():
        raise exceptions.RatingInvalid()
    rating = Rating.objects.create(agent=agent, year=year, score=score, comment=comment.strip()[:300], rated_by=actor)
    audit_record(actor=actor, action="rh.rating.recorded", target=rating, data={"year": year, "score": str(score)})
    return rating
