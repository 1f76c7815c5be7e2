"""Reads of human resources. Visibility is decided here (`viewer=`): the HR service sees every agent; an agent
sees their own file (self-service); anyone else finds nothing (the same 404 as a missing one). Frozen dataclasses
out, so other modules (concours, the budget) never hold a queryset."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from . import exceptions, holidays, permissions
from .models import ANNUAL_LEAVE_DAYS as ANNUAL_LEAVE_DAYS
from .models import (
    Act,
    Agent,
    CareerEntry,
    EchelonIndex,
    Grade,
    LeaveBalance,
    LeaveRequest,
    LeaveStatus,
    Position,
    Rating,
    ReligiousHoliday,
)

ADVANCEMENT_MONTHS = ((Decimal(16), 12), (Decimal(10), 18))
"""Months in an échelon before the next one, by the last rating: ≥ 16 → 12, ≥ 10 → 18, else (or unrated) 24."""
SLOW_MONTHS = 24


@dataclass(frozen=True)
class GradeOption:
    code: str
    name_fr: str
    name_ar: str
    echelle: int
    max_echelon: int


@dataclass(frozen=True)
class AgentRow:
    id: int
    matricule: int
    cin: str
    name_fr: str
    name_ar: str
    service: str
    grade_code: str
    grade_fr: str
    grade_ar: str
    echelle: int
    echelon: int
    position: str
    position_label: str
    since: dt.date | None


@dataclass(frozen=True)
class CareerRow:
    id: int
    effective_date: dt.date
    grade_fr: str
    grade_ar: str
    echelle: int
    echelon: int
    position_label: str
    service: str
    act_id: int
    act_reference: str
    corrects_id: int | None


@dataclass(frozen=True)
class ActRow:
    id: int
    reference: str
    year: int
    number: int
    kind: str
    kind_label: str
    agent_id: int
    agent_fr: str
    agent_ar: str
    agent_cin: str
    agent_matricule: int
    signed_on: dt.date
    effective_date: dt.date
    object_fr: str
    object_ar: str
    grade_fr: str
    grade_ar: str
    echelle: int | None
    echelon: int | None
    position: str
    code: str
    corrects_reference: str


@dataclass(frozen=True)
class LeaveRow:
    id: int
    agent_id: int
    agent_fr: str
    agent_ar: str
    kind: str
    kind_label: str
    start: dt.date
    end: dt.date
    days: int
    status: str
    status_label: str
    reason: str
    decision_note: str


@dataclass(frozen=True)
class BalanceRow:
    year: int
    entitled: int
    used: int
    remaining: int


@dataclass(frozen=True)
class AgentDetail:
    agent: AgentRow
    birth_date: dt.date
    birth_place: str
    diplomas: str
    phone: str
    email: str
    address: str
    recruited_on: dt.date
    linked_user: str
    career: list[CareerRow]
    acts: list[ActRow]
    balances: list[BalanceRow]
    leave: list[LeaveRow]
    ratings: list[tuple[int, Decimal, str]]


@dataclass(frozen=True)
class HolidayRow:
    id: int | None
    day: dt.date
    length: int
    name_fr: str
    name_ar: str
    hijri: str
    religious: bool
    confirmed: bool


def grade_options() -> list[GradeOption]:
    """The grades of the statute, by échelle (for forms, and for concours)."""
    return [GradeOption(g.code, g.name_fr, g.name_ar, g.echelle, g.max_echelon) for g in Grade.objects.all()]


def cin_taken(*, cin: str) -> bool:
    """True when an agent file has this CIN."""
    return Agent.objects.filter(cin=cin.strip().upper()).exists()


def _current_qs() -> Any:
    latest = CareerEntry.objects.filter(agent=OuterRef("pk")).order_by("-effective_date", "-id").values("pk")[:1]
    return Agent.objects.annotate(current_id=Subquery(latest))


def _rows(agents: list[Agent]) -> list[AgentRow]:
    ids = [getattr(a, "current_id", None) for a in agents]
    entries = {e.pk: e for e in CareerEntry.objects.select_related("grade").filter(pk__in=[i for i in ids if i])}
    rows = []
    for a in agents:
        e = entries.get(getattr(a, "current_id", None) or 0)
        rows.append(
            AgentRow(
                id=a.pk,
                matricule=a.matricule,
                cin=a.cin,
                name_fr=a.name_fr,
                name_ar=a.name_ar,
                service=a.service,
                grade_code=e.grade.code if e else "",
                grade_fr=e.grade.name_fr if e else "",
                grade_ar=e.grade.name_ar if e else "",
                echelle=e.echelle if e else 0,
                echelon=e.echelon if e else 0,
                position=e.position if e else "",
                position_label=str(Position(e.position).label) if e else "",
                since=e.effective_date if e else None,
            )
        )
    return rows


def agent_list(*, viewer: Any, service: str = "", grade_code: str = "", text: str = "") -> list[AgentRow]:
    """The staff list for the HR service (by service, then grade, then name); empty for anyone else."""
    if not permissions.is_agent(viewer):
        return []
    qs = _current_qs()
    if service:
        qs = qs.filter(service=service)
    if text:
        qs = qs.filter(Q(last_name_fr__icontains=text) | Q(cin__iexact=text) | Q(last_name_ar__icontains=text))
    rows = _rows(list(qs))
    if grade_code:
        rows = [r for r in rows if r.grade_code == grade_code]
    return sorted(rows, key=lambda r: (r.service, -r.echelle, r.grade_code, r.name_fr, r.id))


def agent_of_user(*, viewer: Any) -> int | None:
    """The id of the viewer's own agent file, if any."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return Agent.objects.filter(user_id=viewer.pk).values_list("pk", flat=True).first()


def _visible_agent(viewer: Any, agent_id: int) -> Agent:
    agent: Agent | None = _current_qs().select_related("user").filter(pk=agent_id).first()
    if agent is None:
        raise exceptions.AgentNotFound()
    if permissions.is_agent(viewer) or (agent.user_id is not None and agent.user_id == getattr(viewer, "pk", None)):
        return agent
    raise exceptions.AgentNotFound()


def _act_row(act: Act) -> ActRow:
    return ActRow(
        id=act.pk,
        reference=act.reference,
        year=act.year,
        number=act.number,
        kind=act.kind,
        kind_label=str(act.get_kind_display()),
        agent_id=act.agent_id,
        agent_fr=act.agent.name_fr,
        agent_ar=act.agent.name_ar,
        agent_cin=act.agent.cin,
        agent_matricule=act.agent.matricule,
        signed_on=act.signed_on,
        effective_date=act.effective_date,
        object_fr=act.object_fr,
        object_ar=act.object_ar,
        grade_fr=act.grade.name_fr if act.grade else "",
        grade_ar=act.grade.name_ar if act.grade else "",
        echelle=act.echelle,
        echelon=act.echelon,
        position=act.position,
        code=act.code,
        corrects_reference=act.corrects.reference if act.corrects else "",
    )


def _leave_row(leave: LeaveRequest) -> LeaveRow:
    return LeaveRow(
        id=leave.pk,
        agent_id=leave.agent_id,
        agent_fr=leave.agent.name_fr,
        agent_ar=leave.agent.name_ar,
        kind=leave.kind,
        kind_label=str(leave.get_kind_display()),
        start=leave.start,
        end=leave.end,
        days=leave.days,
        status=leave.status,
        status_label=str(leave.get_status_display()),
        reason=leave.reason,
        decision_note=leave.decision_note,
    )


def agent_get(*, viewer: Any, agent_id: int) -> AgentDetail:
    """An agent's file: identity, career (oldest first), acts, balances, leave, ratings. Raises AgentNotFound
    (missing, or neither the HR service nor the agent themself)."""
    agent = _visible_agent(viewer, agent_id)
    year = timezone.localdate().year
    balances = {b.year: b for b in LeaveBalance.objects.filter(agent=agent)}
    if year not in balances:
        balances[year] = LeaveBalance(agent=agent, year=year, days_entitled=ANNUAL_LEAVE_DAYS, days_used=0)
    career = CareerEntry.objects.filter(agent=agent).select_related("grade", "act").order_by("effective_date", "id")
    acts = Act.objects.filter(agent=agent).select_related("agent", "grade", "corrects")
    leave = LeaveRequest.objects.filter(agent=agent).select_related("agent")
    return AgentDetail(
        agent=_rows([agent])[0],
        birth_date=agent.birth_date,
        birth_place=agent.birth_place,
        diplomas=agent.diplomas,
        phone=agent.phone,
        email=agent.email,
        address=agent.address,
        recruited_on=agent.recruited_on,
        linked_user=agent.user.get_username() if agent.user else "",
        career=[
            CareerRow(
                id=e.pk,
                effective_date=e.effective_date,
                grade_fr=e.grade.name_fr,
                grade_ar=e.grade.name_ar,
                echelle=e.echelle,
                echelon=e.echelon,
                position_label=str(e.get_position_display()),
                service=e.service,
                act_id=e.act_id,
                act_reference=e.act.reference,
                corrects_id=e.corrects_id,
            )
            for e in career
        ],
        acts=[_act_row(a) for a in acts],
        balances=[
            BalanceRow(b.year, b.days_entitled, b.days_used, b.remaining)
            for b in sorted(balances.values(), key=lambda b: -b.year)
        ],
        leave=[_leave_row(x) for x in leave],
        ratings=[(r.year, r.score, r.comment) for r in Rating.objects.filter(agent=agent)],
    )


def act_get(*, viewer: Any, act_id: int) -> ActRow:
    """One arrêté (HR service, or the agent it concerns). Raises ActNotFound."""
    act = Act.objects.select_related("agent", "grade", "corrects").filter(pk=act_id).first()
    if act is None:
        raise exceptions.ActNotFound()
    if not permissions.is_agent(viewer) and (act.agent.user_id is None or act.agent.user_id != viewer.pk):
        raise exceptions.ActNotFound()
    return _act_row(act)


def act_list(*, viewer: Any, year: int | None = None) -> list[ActRow]:
    """The arrêtés (HR service), newest first; empty for anyone else."""
    if not permissions.is_agent(viewer):
        return []
    qs = Act.objects.select_related("agent", "grade", "corrects")
    if year is not None:
        qs = qs.filter(year=year)
    return [_act_row(a) for a in qs[:500]]


def act_by_code(*, code: str) -> ActRow | None:
    """The arrêté printed with this verification code (the public verification page)."""
    act = Act.objects.select_related("agent", "grade", "corrects").filter(code=code.strip().upper()).first()
    return _act_row(act) if act else None


def leave_pending(*, viewer: Any) -> list[LeaveRow]:
    """Pending requests, oldest first (the HR service's queue); empty for anyone else."""
    if not permissions.is_agent(viewer):
        return []
    qs = LeaveRequest.objects.filter(status=LeaveStatus.PENDING).select_related("agent").order_by("start", "id")
    return [_leave_row(x) for x in qs]


def leave_get(*, viewer: Any, leave_id: int) -> LeaveRow:
    """One request (HR service or its agent). Raises LeaveNotFound."""
    leave = LeaveRequest.objects.select_related("agent").filter(pk=leave_id).first()
    if leave is None:
        raise exceptions.LeaveNotFound()
    if not permissions.is_agent(viewer) and leave.agent.user_id != getattr(viewer, "pk", None):
        raise exceptions.LeaveNotFound()
    return _leave_row(leave)


def balance_get(*, viewer: Any, agent_id: int, year: int) -> BalanceRow:
    """The annual leave balance of an agent for a year (22 days when nothing is taken yet). Raises AgentNotFound."""
    agent = _visible_agent(viewer, agent_id)
    b = LeaveBalance.objects.filter(agent=agent, year=year).first()
    if b is None:
        return BalanceRow(year, ANNUAL_LEAVE_DAYS, 0, ANNUAL_LEAVE_DAYS)
    return BalanceRow(b.year, b.days_entitled, b.days_used, b.remaining)


def holiday_list(*, year: int) -> list[HolidayRow]:
    """The public holidays of a year, fixed and religious (the table's rows: expected or confirmed), by day. The
    religious rows exist once `services.holidays_prepare` ran for the year; missing ones show as expected."""
    rows = [HolidayRow(None, day, 1, fr, ar, "", False, True) for day, fr, ar in holidays.fixed_holidays(year)]
    stored = {h.key: h for h in ReligiousHoliday.objects.filter(year=year)}
    for e in holidays.religious_expected(year):
        h = stored.get(e.key)
        if h is not None:
            rows.append(
                HolidayRow(h.pk, h.day, h.length, h.name_fr, h.name_ar, h.hijri, True, h.confirmed_at is not None)
            )
        else:
            rows.append(HolidayRow(None, e.day, e.length, e.name_fr, e.name_ar, e.hijri, True, False))
    return sorted(rows, key=lambda r: r.day)


@dataclass(frozen=True)
class AdvancementRow:
    agent_id: int
    name_fr: str
    name_ar: str
    grade_fr: str
    echelon: int
    since: dt.date
    last_score: Decimal | None
    months_required: int
    due_on: dt.date


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def advancement_table(*, viewer: Any, on: dt.date) -> list[AdvancementRow]:
    """Agents in activity due for their next échelon by `on`: months in the échelon set by the last rating
    (ADVANCEMENT_MONTHS), below the grade's last échelon. HR service only (empty otherwise)."""
    if not permissions.is_agent(viewer):
        return []
    agents = list(_current_qs())
    current = {
        e.pk: e
        for e in CareerEntry.objects.select_related("grade").filter(
            pk__in=[a.current_id for a in agents if a.current_id]
        )
    }
    last_scores: dict[int, Decimal] = {}
    for r in Rating.objects.order_by("agent_id", "year"):
        last_scores[r.agent_id] = r.score
    rows = []
    for a in agents:
        e = current.get(a.current_id or 0)
        if e is None or e.position != Position.ACTIVITY or e.echelon >= e.grade.max_echelon:
            continue
        # the échelon's start: the earliest entry of this run at the same grade and échelon
        since = e.effective_date
        for prior in CareerEntry.objects.filter(agent_id=a.pk).order_by("-effective_date", "-id"):
            if prior.grade_id != e.grade_id or prior.echelon != e.echelon:
                break
            since = prior.effective_date
        score = last_scores.get(a.pk)
        months = next((m for floor, m in ADVANCEMENT_MONTHS if score is not None and score >= floor), SLOW_MONTHS)
        due = _add_months(since, months)
        if due <= on:
            rows.append(
                AdvancementRow(a.pk, a.name_fr, a.name_ar, e.grade.name_fr, e.echelon, since, score, months, due)
            )
    return sorted(rows, key=lambda r: (r.due_on, r.name_fr))


@dataclass(frozen=True)
class HeadcountRow:
    echelle: int
    echelon: int
    headcount: int
    monthly_gross_dh: Decimal
    yearly_mass_dh: Decimal


def headcount_projection(*, viewer: Any) -> list[HeadcountRow]:
    """Agents in activity per échelle and échelon, with the monthly gross pay of the grid and the yearly mass
    (12 months) for the budget. HR service only (empty otherwise)."""
    if not permissions.is_agent(viewer):
        return []
    agents = list(_current_qs())
    counts: dict[tuple[int, int], int] = {}
    for e in CareerEntry.objects.filter(pk__in=[a.current_id for a in agents if a.current_id]):
        if e.position == Position.ACTIVITY:
            counts[(e.echelle, e.echelon)] = counts.get((e.echelle, e.echelon), 0) + 1
    pay = {(i.echelle, i.echelon): i.monthly_gross_dh for i in EchelonIndex.objects.all()}
    return [
        HeadcountRow(k[0], k[1], n, pay.get(k, Decimal(0)), pay.get(k, Decimal(0)) * n * 12)
        for k, n in sorted(counts.items())
    ]
