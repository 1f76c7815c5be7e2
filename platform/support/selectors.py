"""Reads of central support: the fleet's health in a constant number of queries whatever the number of communes,
one commune's health page, support sessions (live ones for the commune's site, every one for its administrator),
the commune's consent, and which backups a retention policy keeps.

Nothing here reads a commune's records: figures are counts computed in SQL per schema (users active this week,
acts signed, quittances issued, letters registered — the last three through each module's selectors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.models import Count, Max
from django.utils import timezone

from jamaa.modules.courrier import selectors as courrier_selectors
from jamaa.modules.etatcivil import selectors as etatcivil_selectors
from jamaa.modules.regie import selectors as regie_selectors
from jamaa.platform.db import use_public_schema
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.selectors import active_slugs

from . import metrics, thresholds
from .models import (
    ErrorEvent,
    HealthAlert,
    RestoreDrill,
    SizeSnapshot,
    SupportConsent,
    SupportPageView,
    SupportSession,
)

TOKEN_SALT = "jamaa.support.session"


@dataclass(frozen=True)
class HealthRow:
    slug: str
    schema_name: str
    name_fr: str
    name_ar: str
    status: str
    status_label: str
    host: str
    requests: int
    request_errors: int
    error_rate: float
    p95_s: float | None
    errors_24h: int
    task_failures_24h: int
    queue_length: int
    queue_oldest_s: float | None
    size_bytes: int
    growth_7d_bytes: int | None
    last_backup_at: dt.datetime | None
    backup_age_h: float | None
    last_migration: str
    migration_failed: bool
    active_users_7d: int
    acts_signed_30d: int
    quittances_30d: int
    mail_30d: int
    last_drill_ok: bool | None
    last_drill_at: dt.datetime | None
    alerts: tuple[str, ...] = field(default_factory=tuple)


def _active_users(schemas: Sequence[str], since: dt.datetime) -> dict[str, int]:
    from jamaa.platform.kernel.fleet_counts import count_per_schema

    return count_per_schema(table="auth_user", condition="last_login >= %s", params=[since], schemas=schemas)


def fleet_health(
    *,
    slugs: Iterable[str] | None = None,
    search: str = "",
    offset: int = 0,
    limit: int | None = None,
    exact_sizes: bool = True,
    now: dt.datetime | None = None,
) -> list[HealthRow]:
    """Every commune's health row (or those with these slugs, or matching `search`; `offset` and `limit`: one
    page of them, by slug). Queries: the fleet's figures (3), errors (1), backups (1), sizes a week ago (1),
    drills (1), alerts (1), active users (2), and one count per module (2 each): constant in the number of rows,
    though each module count and the sizes read every row's schema (the console asks for a page:
    `exact_sizes=False` takes sizes from the catalog's page counts, as the fleet page does)."""
    use_public_schema()
    now = now or timezone.now()
    rows = fleet_selectors.fleet_overview(
        slugs=list(slugs) if slugs is not None else None,
        search=search,
        offset=offset,
        limit=limit,
        exact_sizes=exact_sizes,
    )
    schemas = [r.commune.schema_name for r in rows]
    day_ago, week_ago, month_ago = now - dt.timedelta(days=1), now - dt.timedelta(days=7), now - dt.timedelta(days=30)
    errors: dict[str, dict[str, int]] = {}
    for schema, kind, n in (
        ErrorEvent.objects.filter(schema_name__in=schemas, at__gte=day_ago)
        .values_list("schema_name", "kind")
        .annotate(n=Count("id"))
    ):
        errors.setdefault(schema, {})[kind] = n
    backups = dict(
        CommuneBackup.objects.filter(slug__in=[r.commune.slug for r in rows])
        .values_list("slug")
        .annotate(last=Max("created_at"))
    )
    before = dict(
        SizeSnapshot.objects.filter(schema_name__in=schemas, day__lte=(now - dt.timedelta(days=7)).date())
        .order_by("schema_name", "-day")
        .distinct("schema_name")
        .values_list("schema_name", "size_bytes")
    )
    drills = {
        d.schema_name: d
        for d in RestoreDrill.objects.filter(schema_name__in=schemas, finished_at__isnull=False)
        .order_by("schema_name", "-started_at")
        .distinct("schema_name")
    }
    open_alerts: dict[str, list[str]] = {}
    for schema, code in HealthAlert.objects.filter(schema_name__in=schemas, cleared_at__isnull=True).values_list(
        "schema_name", "code"
    ):
        open_alerts.setdefault(schema, []).append(code)
    active = _active_users(schemas, week_ago)
    acts = etatcivil_selectors.support_acts_signed(schemas=schemas, since=month_ago)
    quittances = regie_selectors.support_quittances_issued(schemas=schemas, since=month_ago)
    mail = courrier_selectors.support_mail_registered(schemas=schemas, since=month_ago)
    requests = metrics.request_figures()
    queues = metrics.queue_figures()
    result = []
    for row in rows:
        c = row.commune
        req = requests.get(c.schema_name, metrics.RequestFigures())
        queue = queues.get(c.schema_name, metrics.QueueFigures())
        last_backup = backups.get(c.slug)
        drill = drills.get(c.schema_name)
        result.append(
            HealthRow(
                slug=c.slug,
                schema_name=c.schema_name,
                name_fr=c.name_fr,
                name_ar=c.name_ar,
                status=c.status,
                status_label=c.status_label,
                host=c.host,
                requests=req.requests,
                request_errors=req.errors,
                error_rate=req.error_rate,
                p95_s=req.p95_s,
                errors_24h=errors.get(c.schema_name, {}).get("request", 0),
                task_failures_24h=errors.get(c.schema_name, {}).get("task", 0),
                queue_length=queue.length,
                queue_oldest_s=queue.oldest_age_s,
                size_bytes=row.size_bytes,
                growth_7d_bytes=row.size_bytes - before[c.schema_name] if c.schema_name in before else None,
                last_backup_at=last_backup,
                backup_age_h=(now - last_backup).total_seconds() / 3600 if last_backup else None,
                last_migration=row.last_migration,
                migration_failed=row.migration_failed,
                active_users_7d=active.get(c.schema_name, 0),
                acts_signed_30d=acts.get(c.schema_name, 0),
                quittances_30d=quittances.get(c.schema_name, 0),
                mail_30d=mail.get(c.schema_name, 0),
                last_drill_ok=drill.ok if drill else None,
                last_drill_at=drill.finished_at if drill else None,
                alerts=tuple(sorted(open_alerts.get(c.schema_name, []))),
            )
        )
    return result


def health_problems(row: HealthRow) -> dict[str, str]:
    """{alert code: message} for each threshold the row crosses (the alert job opens and clears alerts from it)."""
    problems: dict[str, str] = {}
    if row.status != "active":
        return problems
    max_age = thresholds.threshold("BACKUP_MAX_AGE_H")
    if row.backup_age_h is None:
        problems["backup_stale"] = "no backup yet"
    elif row.backup_age_h > max_age:
        problems["backup_stale"] = f"last backup {row.backup_age_h:.0f} h ago (threshold {max_age:.0f} h)"
    if row.requests >= thresholds.threshold("MIN_REQUESTS") and row.error_rate > thresholds.threshold("ERROR_RATE"):
        problems["error_rate"] = f"{row.error_rate:.1%} of {row.requests} requests failed"
    if row.errors_24h + row.task_failures_24h > thresholds.threshold("ERRORS_24H"):
        problems["errors"] = f"{row.errors_24h} request errors and {row.task_failures_24h} failed tasks in 24 h"
    if row.p95_s is not None and row.p95_s > thresholds.threshold("P95_S"):
        problems["latency"] = f"p95 latency {row.p95_s:.2f} s"
    if row.queue_length > thresholds.threshold("QUEUE_LENGTH") or (
        row.queue_oldest_s is not None and row.queue_oldest_s > thresholds.threshold("QUEUE_AGE_S")
    ):
        problems["queue"] = f"{row.queue_length} tasks waiting, oldest {row.queue_oldest_s or 0:.0f} s"
    if row.migration_failed:
        problems["migration_failed"] = "the last fleet migration failed"
    if row.last_drill_ok is False:
        problems["restore_drill"] = "the last restore drill found differences"
    return problems


def commune_health(*, slug: str) -> HealthRow | None:
    rows = fleet_health(slugs=[slug])
    return rows[0] if rows else None


def recent_errors(*, schema_name: str, limit: int = 50) -> list[ErrorEvent]:
    use_public_schema()
    return list(ErrorEvent.objects.filter(schema_name=schema_name).order_by("-at", "-id")[:limit])


def alerts(*, schema_name: str | None = None, open_only: bool = True, limit: int = 100) -> list[HealthAlert]:
    use_public_schema()
    queryset = HealthAlert.objects.all()
    if schema_name:
        queryset = queryset.filter(schema_name=schema_name)
    if open_only:
        queryset = queryset.filter(cleared_at__isnull=True)
    return list(queryset.order_by("-raised_at", "-id")[:limit])


def drills(*, slug: str, limit: int = 10) -> list[RestoreDrill]:
    use_public_schema()
    return list(RestoreDrill.objects.filter(slug=slug).order_by("-started_at")[:limit])


def sentry_link(*, schema_name: str) -> str:
    """The commune's issues in Sentry when a DSN is set (`https://…@oN.ingest.sentry.io/PROJECT`), else ''."""
    dsn = getattr(settings, "JAMAA_SENTRY_DSN", None) or ""
    if not dsn:
        return ""
    parts = urlsplit(dsn)
    host = (parts.hostname or "").split(".ingest.", 1)[-1] if ".ingest." in (parts.hostname or "") else parts.hostname
    project = parts.path.strip("/").rsplit("/", 1)[-1]
    return f"https://{host}/issues/?project={quote(project)}&query={quote(f'commune:{schema_name}')}"


# --- support sessions -----------------------------------------------------------------------------------------


def consent_allowed(*, slug: str) -> bool:
    """Whether the commune allows support sessions (its administrator's latest decision; none: allowed)."""
    latest = SupportConsent.objects.filter(slug=slug).order_by("-at", "-id").values_list("allowed", flat=True).first()
    return True if latest is None else bool(latest)


def consent_history(*, slug: str) -> list[SupportConsent]:
    return list(SupportConsent.objects.filter(slug=slug).order_by("-at", "-id")[:20])


def session_token(session: SupportSession) -> str:
    return signing.dumps({"s": str(session.pk)}, salt=TOKEN_SALT)


def session_live(*, token: str, schema_name: str, now: dt.datetime | None = None) -> SupportSession | None:
    """The live session a token names for this commune: signed, not expired nor ended, and the commune still
    allows support access. None otherwise."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return None
    now = now or timezone.now()
    session_id = data.get("s") if isinstance(data, dict) else None
    session = (
        SupportSession.objects.filter(
            pk=str(session_id), schema_name=schema_name, ended_at__isnull=True, expires_at__gt=now
        ).first()
        if session_id
        else None
    )
    if session is None or not consent_allowed(slug=session.slug):
        return None
    return session


@dataclass(frozen=True)
class SessionRow:
    session: SupportSession
    pages: list[SupportPageView]
    live: bool


def sessions_of(*, slug: str | None = None, limit: int = 50, now: dt.datetime | None = None) -> list[SessionRow]:
    """Support sessions (of one commune, or all), newest first, each with the pages it saw (two queries)."""
    now = now or timezone.now()
    queryset = SupportSession.objects.all()
    if slug:
        queryset = queryset.filter(slug=slug)
    sessions = list(queryset.order_by("-opened_at")[:limit])
    pages: dict[Any, list[SupportPageView]] = {}
    for page in SupportPageView.objects.filter(session__in=sessions).order_by("at", "id"):
        pages.setdefault(page.session_id, []).append(page)
    return [SessionRow(s, pages.get(s.pk, []), s.ended_at is None and s.expires_at > now) for s in sessions]


def user_schema_tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", [schema])
        return [row[0] for row in cursor.fetchall()]


# --- backups: what a retention policy keeps -------------------------------------------------------------------

RETENTION = {"daily": 7, "weekly": 4, "monthly": 12}


def retention_keep(backups: Iterable[tuple[int, dt.datetime]], *, policy: dict[str, int] | None = None) -> set[int]:
    """The ids kept: the newest backup of each of the last `daily` days, of the last `weekly` ISO weeks and of the
    last `monthly` months that have one (a backup may count in several)."""
    policy = policy or RETENTION
    ordered = sorted(backups, key=lambda b: b[1], reverse=True)
    keep: set[int] = set()
    for name, period in (
        ("daily", lambda t: t.date()),
        ("weekly", lambda t: tuple(t.isocalendar())[:2]),
        ("monthly", lambda t: (t.year, t.month)),
    ):
        seen: list[Any] = []
        for backup_id, at in ordered:
            key = period(timezone.localtime(at) if timezone.is_aware(at) else at)
            if key in seen:
                continue
            if len(seen) >= policy[name]:
                break
            seen.append(key)
            keep.add(backup_id)
    return keep


def backups_of(*, slug: str) -> list[tuple[int, dt.datetime, str]]:
    return list(CommuneBackup.objects.filter(slug=slug).order_by("-created_at").values_list("id", "created_at", "path"))


def open_alert_counts() -> dict[str, int]:
    use_public_schema()
    return dict(HealthAlert.objects.filter(cleared_at__isnull=True).values_list("schema_name").annotate(n=Count("id")))


def backup_slugs() -> list[str]:
    """The communes the nightly backups cover: the active ones, by slug."""
    use_public_schema()
    return active_slugs()
