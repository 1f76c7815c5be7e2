"""Reads of the bureau d'ordre. Visibility ("who may see what") is decided here (`viewer=`), never in views:
clerks see every letter; a service user the letters routed or copied to their services, confidential ones only
when assigned to them. Other modules and the portal get frozen dataclasses, never querysets."""

from __future__ import annotations

import datetime as dt
import re
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from jamaa.platform.kernel import files

from . import exceptions, permissions
from .models import (
    CATEGORY_LETTER,
    OPEN_STATUSES,
    Category,
    Mail,
    MailType,
    Reply,
    Service,
    Status,
    Task,
)

DUPLICATE_WINDOW_DAYS = 7
RECENT_WINDOW = 5_000  # letters searched newest first before the full index scan (see mail_search)


@dataclass(frozen=True)
class MailRow:
    id: int
    reference: str
    category: str
    year: int
    number: int
    subject: str
    correspondent: str
    status: str
    priority: str
    confidential: bool
    reply: str
    service: str
    assignee: str
    arrival_date: dt.date | None
    departure_date: dt.date | None
    limit_date: dt.date | None
    registered_at: dt.datetime
    late: bool

    @property
    def status_label(self) -> str:
        """The status in the reader's language (the stored code stays `status`)."""
        return str(Status(self.status).label)


@dataclass(frozen=True)
class HistoryLine:
    at: dt.datetime
    by: str
    what: str
    detail: str


@dataclass(frozen=True)
class AttachmentLine:
    id: int
    name: str
    content_type: str
    size: int


@dataclass(frozen=True)
class TaskLine:
    id: int
    mail_id: int
    mail_reference: str
    title: str
    assignee: str
    service: str
    due_date: dt.date
    done_at: dt.datetime | None
    done_by: str
    done_note: str
    late: bool


@dataclass(frozen=True)
class EmailLine:
    to: str
    sent: bool
    error: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class MailDetail:
    mail: MailRow
    code: str
    correspondent_kind: str
    mail_type: str
    mail_type_ar: str
    letter_date: dt.date | None
    closing_date: dt.date | None
    deleted_reason: str
    reply_to: str
    replies: tuple[str, ...]
    copies: tuple[str, ...]
    annotations: tuple[HistoryLine, ...]
    history: tuple[HistoryLine, ...]
    attachments: tuple[AttachmentLine, ...]
    next_statuses: tuple[str, ...]
    tasks: tuple[TaskLine, ...] = ()
    correspondent_email: str = ""
    receipt_emails: tuple[EmailLine, ...] = ()


@dataclass(frozen=True)
class MailPublicStatus:
    """What the portal may show to whoever holds the récépissé: no name, no subject, no personal data."""

    reference: str
    category: str
    registered_on: dt.date
    status: str
    limit_date: dt.date | None
    replied: bool
    closed_on: dt.date | None


@dataclass(frozen=True)
class DuplicateHint:
    id: int
    reference: str
    registered_at: dt.datetime


@dataclass(frozen=True)
class ServiceLate:
    service_id: int | None
    service: str
    open_count: int
    late_count: int
    median_days_late: float | None
    late_tasks: int = 0


def _visible(viewer: Any) -> QuerySet[Mail]:
    qs = Mail.objects.all()
    if permissions.is_clerk(viewer):
        return qs
    if not permissions.is_service_user(viewer):
        return qs.none()
    mine = list(Service.objects.filter(members=viewer).values_list("pk", flat=True))
    routed = Q(service_id__in=mine) | Q(pk__in=Mail.objects.filter(copies__service_id__in=mine).values("pk"))
    return qs.filter(routed).filter(Q(confidential=False) | Q(assignee=viewer))


def _is_late(mail: Mail, today: dt.date) -> bool:
    return (
        mail.reply == Reply.EXPECTED
        and mail.limit_date is not None
        and mail.limit_date < today
        and mail.status in OPEN_STATUSES
    )


def _row(mail: Mail, today: dt.date) -> MailRow:
    return MailRow(
        id=mail.pk,
        reference=mail.reference,
        category=mail.category,
        year=mail.year,
        number=mail.number,
        subject=mail.subject,
        correspondent=mail.correspondent.name,
        status=mail.status,
        priority=mail.priority,
        confidential=mail.confidential,
        reply=mail.reply,
        service=mail.service.name_fr if mail.service else "",
        assignee=mail.assignee.get_username() if mail.assignee else "",
        arrival_date=mail.arrival_date,
        departure_date=mail.departure_date,
        limit_date=mail.limit_date,
        registered_at=mail.registered_at,
        late=_is_late(mail, today),
    )


def _rows(qs: QuerySet[Mail], limit: int = 200) -> list[MailRow]:
    today = timezone.localdate()
    return [_row(m, today) for m in qs.select_related("correspondent", "service", "assignee")[:limit]]


def mail_list(
    *,
    viewer: Any,
    service_id: int | None = None,
    status: str | None = None,
    category: str | None = None,
    limit: int = 200,
) -> list[MailRow]:
    """The letters the viewer may see (an inbox when `service_id` is given), newest first."""
    qs = _visible(viewer)
    if service_id is not None:
        qs = qs.filter(service_id=service_id)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    return _rows(qs.order_by("-registered_at", "-id"), limit)


def mail_get(*, viewer: Any, mail_id: int) -> MailDetail:
    """One letter with its history. Raises MailNotFound for a missing one and for one the viewer may not see."""
    mail = (
        _visible(viewer)
        .select_related("correspondent", "service", "assignee", "mail_type", "reply_to")
        .filter(pk=mail_id)
        .first()
    )
    if mail is None:
        raise exceptions.MailNotFound()
    from .models import ALLOWED_TRANSITIONS

    history: list[HistoryLine] = []
    for a in mail.assignments.select_related("service", "assignee", "by"):
        to = a.service.name_fr + (f" / {a.assignee.get_username()}" if a.assignee else "")
        history.append(HistoryLine(at=a.at, by=a.by.get_username(), what="routed", detail=to))
    for s in mail.status_changes.select_related("by"):
        history.append(
            HistoryLine(
                at=s.at,
                by=s.by.get_username(),
                what="status",
                detail=f"{s.from_status} → {s.to_status}" + (f" ({s.reason})" if s.reason else ""),
            )
        )
    history.sort(key=lambda h: h.at)
    copies = tuple(
        c.service.name_fr if c.service else f"{c.official_name} ({c.official_office})".replace(" ()", "")
        for c in mail.copies.select_related("service")
    )
    return MailDetail(
        mail=_row(mail, timezone.localdate()),
        code=mail.code,
        correspondent_kind=mail.correspondent.kind,
        mail_type=mail.mail_type.name_fr if mail.mail_type else "",
        mail_type_ar=mail.mail_type.name_ar if mail.mail_type else "",
        letter_date=mail.letter_date,
        closing_date=mail.closing_date,
        deleted_reason=mail.deleted_reason,
        reply_to=mail.reply_to.reference if mail.reply_to else "",
        replies=tuple(r.reference for r in mail.replies.all()),
        copies=copies,
        annotations=tuple(
            HistoryLine(at=n.at, by=n.author.get_username(), what="note", detail=n.text)
            for n in mail.annotations.select_related("author")
        ),
        history=tuple(history),
        attachments=tuple(
            AttachmentLine(id=f.pk, name=f.original_name, content_type=f.content_type, size=f.size)
            for f in mail.attachments.all()
        ),
        next_statuses=tuple(s for s in Status.values if s in ALLOWED_TRANSITIONS[mail.status]),
        tasks=tuple(
            _task_line(t, timezone.localdate()) for t in mail.tasks.select_related("assignee", "service", "done_by")
        ),
        correspondent_email=mail.correspondent.email,
        receipt_emails=tuple(
            EmailLine(to=e.to, sent=e.sent, error=e.error, by=e.by.get_username(), at=e.at)
            for e in mail.receipt_emails.select_related("by")
        ),
    )


def _task_line(task: Task, today: dt.date) -> TaskLine:
    return TaskLine(
        id=task.pk,
        mail_id=task.mail_id,
        mail_reference=task.mail.reference,
        title=task.title,
        assignee=task.assignee.get_username() if task.assignee else "",
        service=task.service.name_fr if task.service else "",
        due_date=task.due_date,
        done_at=task.done_at,
        done_by=task.done_by.get_username() if task.done_by else "",
        done_note=task.done_note,
        late=task.done_at is None and task.due_date < today,
    )


def tasks_open(*, viewer: Any, today: dt.date | None = None, mine_only: bool = False) -> list[TaskLine]:
    """Open tasks on the letters the viewer sees: those given to the viewer, and (unless `mine_only`) those given
    to one of the viewer's services without a named user; a clerk sees every open task. Earliest due first."""
    today = today or timezone.localdate()
    qs = Task.objects.filter(done_at__isnull=True, mail__in=_visible(viewer))
    if mine_only or not permissions.is_clerk(viewer):
        mine = Q(assignee=viewer)
        if not mine_only:
            mine |= Q(assignee__isnull=True, service__members=viewer)
        qs = qs.filter(mine)
    qs = qs.select_related("mail", "assignee", "service").order_by("due_date", "id").distinct()
    return [_task_line(t, today) for t in qs[:500]]


_REFERENCE = re.compile(r"^\s*(?:([ADI])-)?(?:(\d{4})\s*/\s*)?0*(\d{1,9})(?:\s*/\s*(\d{4}))?\s*$", re.I)


def mail_search(*, viewer: Any, text: str, limit: int = 50) -> list[MailRow]:
    """Letters by number ("12", "12/2026", "A-2026/000012"), or by sender or subject in Latin or Arabic letters:
    substring or trigram word similarity (typos), best matches first."""
    text = text.strip()
    if not text:
        return []
    qs = _visible(viewer)
    match = _REFERENCE.match(text)
    if match:
        letter, year_a, number, year_b = match.groups()
        qs = qs.filter(number=int(number))
        year = year_a or year_b
        if year:
            qs = qs.filter(year=int(year))
        if letter:
            category = {v: k for k, v in CATEGORY_LETTER.items()}[letter.upper()]
            qs = qs.filter(category=category)
        return _rows(qs.order_by("-year", "category"), limit)
    # Substrings first. A common word matches thousands of letters: look among the newest RECENT_WINDOW letters
    # first (a bounded scan, newest first); if they hold `limit` matches, those are the newest matches of all.
    # Otherwise the word is rare enough for one UNION of trigram-indexed ILIKE scans (migration 0002) over all.
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    recent = RawSQL(
        "SELECT m.id FROM (SELECT id, subject, correspondent_id FROM courrier_mail "
        "ORDER BY registered_at DESC, id DESC LIMIT %s) m JOIN courrier_correspondent c ON c.id = m.correspondent_id "
        "WHERE m.subject ILIKE %s OR c.name ILIKE %s",
        [RECENT_WINDOW, pattern, pattern],
    )
    rows = _rows(qs.filter(pk__in=recent).order_by("-registered_at", "-id"), limit)
    if len(rows) >= limit:
        return rows
    exact = RawSQL(
        "SELECT id FROM courrier_mail WHERE subject ILIKE %s UNION SELECT m.id FROM courrier_mail m "
        "JOIN courrier_correspondent c ON c.id = m.correspondent_id WHERE c.name ILIKE %s",
        [pattern, pattern],
    )
    rows = _rows(qs.filter(pk__in=exact).order_by("-registered_at", "-id"), limit)
    if len(rows) >= limit:
        return rows
    fuzzy = RawSQL(
        "SELECT id FROM courrier_mail WHERE subject %%> %s UNION SELECT m.id FROM courrier_mail m "
        "JOIN courrier_correspondent c ON c.id = m.correspondent_id WHERE c.name %%> %s",
        [text, text],
    )
    seen = {r.id for r in rows}
    more = qs.filter(pk__in=fuzzy).exclude(pk__in=seen).order_by("-registered_at", "-id")
    return rows + _rows(more, limit - len(rows))


def correspondent_suggest(*, viewer: Any, text: str, limit: int = 10) -> list[tuple[int, str, str]]:
    """(id, name, identifier) of known correspondents whose name, CIN or ICE starts or contains the text: the
    registration form's autocomplete. Empty for anyone but a clerk."""
    from .models import Correspondent

    if not permissions.is_clerk(viewer) or len(text.strip()) < 2:
        return []
    t = text.strip()
    qs = Correspondent.objects.filter(Q(name__icontains=t) | Q(cin__iexact=t) | Q(ice=t)).order_by("name")[:limit]
    return [(c.pk, c.name, c.cin or c.ice or (c.administration.code if c.administration else "")) for c in qs]


def mail_duplicates(*, correspondent_id: int, subject: str, now: dt.datetime | None = None) -> list[DuplicateHint]:
    """Letters of the same correspondent with the same subject (case and spaces ignored) registered in the last
    seven days: a warning for the clerk, never a refusal."""
    now = now or timezone.now()
    normalized = " ".join(subject.split())
    qs = (
        Mail.objects.filter(
            correspondent_id=correspondent_id,
            subject__iexact=normalized,
            registered_at__gte=now - dt.timedelta(days=DUPLICATE_WINDOW_DAYS),
        )
        .exclude(status=Status.DELETED)
        .order_by("-registered_at")
    )
    return [DuplicateHint(id=m.pk, reference=m.reference, registered_at=m.registered_at) for m in qs[:5]]


def _late(qs: QuerySet[Mail], today: dt.date) -> QuerySet[Mail]:
    return qs.filter(reply=Reply.EXPECTED, limit_date__lt=today, status__in=OPEN_STATUSES)


def mail_late(*, viewer: Any, today: dt.date | None = None, service_id: int | None = None) -> list[MailRow]:
    """Letters expecting a reply and without one past their limit date (open ones), oldest limit first."""
    today = today or timezone.localdate()
    qs = _late(_visible(viewer), today)
    if service_id is not None:
        qs = qs.filter(service_id=service_id)
    rows = [_row(m, today) for m in qs.select_related("correspondent", "service", "assignee").order_by("limit_date")]
    return rows


def late_dashboard(*, viewer: Any, today: dt.date | None = None) -> list[ServiceLate]:
    """Per service (and "not routed"): open incoming and internal letters, late ones, median days past the limit."""
    today = today or timezone.localdate()
    visible = _visible(viewer)
    open_counts: dict[int | None, int] = {}
    received = visible.exclude(category=Category.OUTGOING)  # letters to process, not the ones sent
    for service_id in received.filter(status__in=OPEN_STATUSES).values_list("service_id", flat=True):
        open_counts[service_id] = open_counts.get(service_id, 0) + 1
    delays: dict[int | None, list[int]] = {}
    for service_id, limit in _late(visible, today).values_list("service_id", "limit_date"):
        if limit is not None:  # always set for late letters
            delays.setdefault(service_id, []).append((today - limit).days)
    late_tasks: dict[int | None, int] = {}
    overdue = Task.objects.filter(done_at__isnull=True, due_date__lt=today, mail__in=visible)
    for service_id in overdue.values_list("service_id", flat=True):
        late_tasks[service_id] = late_tasks.get(service_id, 0) + 1
    names = dict(Service.objects.values_list("pk", "name_fr"))
    shown: list[int | None] = [*names]  # every service, even with nothing open
    if None in open_counts or None in late_tasks:
        shown.append(None)
    result = [
        ServiceLate(
            service_id=sid,
            service=names.get(sid, "") if sid is not None else "",
            open_count=open_counts.get(sid, 0),
            late_count=len(delays.get(sid, [])),
            median_days_late=float(statistics.median(delays[sid])) if delays.get(sid) else None,
            late_tasks=late_tasks.get(sid, 0),
        )
        for sid in shown
    ]
    return sorted(result, key=lambda r: (-r.late_count, r.service))


def mail_public_status(
    *, number: int, year: int, code: str, category: str = Category.INCOMING
) -> MailPublicStatus | None:
    """The status of a letter for the portal, given its number, year and the code printed on its récépissé
    (both needed: a number alone tells nothing). None when no letter matches. No personal data."""
    mail = Mail.objects.filter(category=category, year=year, number=number, code=code.strip().upper()).first()
    if mail is None:
        return None
    return MailPublicStatus(
        reference=mail.reference,
        category=mail.category,
        registered_on=timezone.localdate(mail.registered_at),
        status=mail.status,
        limit_date=mail.limit_date,
        replied=mail.reply == Reply.REPLIED,
        closed_on=mail.closing_date,
    )


def mail_day_register(*, viewer: Any, day: dt.date, category: str = Category.INCOMING) -> list[MailRow]:
    """The day's register: every letter of the category registered that day, in number order (clerks only)."""
    if not permissions.is_clerk(viewer):
        raise exceptions.NotAClerk()
    qs = Mail.objects.filter(category=category, registered_at__date=day).order_by("number")
    return _rows(qs, limit=10_000)


def reference_lists() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, int]], list[tuple[int, str, str]]]:
    """(administrations, letter types with their delays, services) for the forms: code/id, French, Arabic."""
    from .models import Administration

    return (
        list(Administration.objects.values_list("code", "name_fr", "name_ar")),
        list(MailType.objects.values_list("code", "name_fr", "name_ar", "processing_days")),
        list(Service.objects.values_list("pk", "name_fr", "name_ar")),
    )


def correspondent_find(*, kind: str, cin: str = "", ice: str = "", administration_code: str = "") -> int | None:
    """The id of the known correspondent with this CIN, ICE or administration, else None (for the duplicate
    warning before a registration)."""
    from .models import Correspondent

    qs = Correspondent.objects.filter(kind=kind)
    if kind == "person" and cin.strip():
        qs = qs.filter(cin=cin.strip().upper())
    elif kind == "company" and ice.strip():
        qs = qs.filter(ice=ice.strip())
    elif kind == "administration" and administration_code:
        qs = qs.filter(administration__code=administration_code)
    else:
        return None
    return qs.values_list("pk", flat=True).first()


def services_of(*, viewer: Any) -> list[tuple[int, str, str]]:
    """The services the viewer may open an inbox of: all for a clerk, theirs for a service user."""
    qs = Service.objects.all() if permissions.is_clerk(viewer) else Service.objects.filter(members=viewer)
    return list(qs.values_list("pk", "name_fr", "name_ar"))


def service_members(*, service_id: int | None) -> list[tuple[int, str]]:
    """The users of a service (for giving a task to one of them): id and display name."""
    if service_id is None:
        return []
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        return []
    return [(u.pk, u.get_full_name() or u.get_username()) for u in service.members.filter(is_active=True)]


@dataclass(frozen=True)
class AttachmentFile:
    name: str
    content_type: str
    content: bytes


def attachment_get(*, viewer: Any, attachment_id: int) -> AttachmentFile:
    """A scan of a letter the viewer sees, read under the current commune's folder (kernel files). Raises
    AttachmentNotFound (missing, on a letter the viewer may not see, or its file lost)."""
    from .models import Attachment

    attachment = Attachment.objects.filter(pk=attachment_id, mail__in=_visible(viewer)).first()
    if attachment is None:
        raise exceptions.AttachmentNotFound()
    try:
        content = files.tenant_read(attachment.file.name or "")
    except (files.TenantFileError, FileNotFoundError):
        raise exceptions.AttachmentNotFound() from None
    return AttachmentFile(name=attachment.original_name, content_type=attachment.content_type, content=content)


# --- for support ---
def support_mail_registered(*, schemas: list[str], since: dt.datetime) -> dict[str, int]:
    """Letters registered since `since` in each of these communes (counts only, one query: the fleet's health)."""
    from jamaa.platform.kernel.fleet_counts import count_per_schema

    return count_per_schema(table=Mail._meta.db_table, condition="registered_at >= %s", params=[since], schemas=schemas)
