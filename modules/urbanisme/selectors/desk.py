"""Lists of dossiers: the search, the instructor's desk, the dossiers to take, the late dashboard."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet

from .. import exceptions, permissions, rules
from ..models import CLOCK_RUNNING, KIND_LABELS, OPEN_STATUSES, Dossier, Kind, Status


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
    today = rules.today()
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
    today = rules.today()
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
