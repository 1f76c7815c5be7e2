"""Writes of central support (public schema): support sessions and their pages, a commune's consent, per-day size
snapshots, health alerts (console and email through the outbox), scheduled backups with their retention, and the
daily restore drill. Every support session, consent and drill is in the platform's audit trail."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.platform.core.services import ADMINISTRATORS, audit_record
from jamaa.platform.db import use_public_schema
from jamaa.provisioning import backup as backup_service
from jamaa.provisioning import selectors as fleet_selectors
from jamaa.provisioning.archive import archive_read
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import CommuneStatus
from jamaa.tenants.selectors import commune_fleet_rows

from . import selectors
from .exceptions import CommuneNotFound, InvalidSupportInput, NoBackup, SessionNotFound, SupportAccessForbidden
from .models import HealthAlert, RestoreDrill, SizeSnapshot, SupportConsent, SupportPageView, SupportSession

logger = logging.getLogger(__name__)
Actor = AbstractBaseUser | AnonymousUser | None
MAX_SESSION_MINUTES = 240


def _platform_audit(**kwargs: Any) -> None:
    """The platform's audit trail is the public schema's, whichever schema the caller is in."""
    if getattr(connection, "schema_name", "public") == "public":
        audit_record(**kwargs)
    else:
        with schema_context("public"):
            audit_record(**kwargs)


# --- support sessions -----------------------------------------------------------------------------------------


def support_session_open(
    *, operator: AbstractBaseUser, slug: str, reason: str, minutes: int = 60, as_username: str = ""
) -> tuple[SupportSession, str]:
    """A read-only visit of a commune's site, for a reason, for at most MAX_SESSION_MINUTES; refused when the
    commune forbids support access. Returns the session and the token the commune's site accepts."""
    use_public_schema()
    problems: dict[str, list[str]] = {}
    if not reason.strip() or len(reason.strip()) < 5:
        problems["reason"] = ["say why (at least 5 characters): the commune reads it"]
    if not 1 <= minutes <= MAX_SESSION_MINUTES:
        problems["minutes"] = [f"between 1 and {MAX_SESSION_MINUTES} minutes"]
    if problems:
        raise InvalidSupportInput(extra={"fields": problems})
    rows = commune_fleet_rows(slugs=[slug])
    if not rows:
        raise CommuneNotFound()
    if not selectors.consent_allowed(slug=slug):
        raise SupportAccessForbidden()
    now = timezone.now()
    with transaction.atomic():
        session = SupportSession.objects.create(
            operator_id=operator.pk,
            operator_username=operator.get_username(),
            slug=slug,
            schema_name=rows[0].schema_name,
            reason=reason.strip(),
            as_username=as_username.strip(),
            opened_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        _platform_audit(
            actor=operator,
            action="support.session_opened",
            target=session,
            reason=reason.strip(),
            data={"slug": slug, "minutes": minutes, "as": as_username},
        )
    return session, selectors.session_token(session)


def support_session_end(*, session_id: Any, by: str) -> SupportSession:
    use_public_schema()
    with transaction.atomic():
        session = SupportSession.objects.select_for_update().filter(pk=session_id, ended_at__isnull=True).first()
        if session is None:
            raise SessionNotFound()
        session.ended_at = timezone.now()
        session.ended_by = by[:150]
        session.save(update_fields=["ended_at", "ended_by"])
        _platform_audit(actor=None, actor_label=by, action="support.session_ended", target=session)
    return session


def support_page_seen(*, session: SupportSession, method: str, path: str, refused: bool = False) -> None:
    """One page a session opened (or a write refused). Written in the public schema."""
    with schema_context("public"):
        SupportPageView.objects.create(session=session, method=method[:10], path=path[:500], refused=refused)


def support_consent_set(*, actor: AbstractBaseUser, slug: str, allowed: bool, reason: str = "") -> SupportConsent:
    """The commune's administrator allows or forbids support access (live sessions end at once when forbidden).
    Audited in the commune's trail and in the platform's."""
    audit_record(actor=actor, action="support.consent_set", reason=reason, data={"allowed": allowed})
    with schema_context("public"), transaction.atomic():
        consent = SupportConsent.objects.create(
            slug=slug, allowed=allowed, decided_by=actor.get_username(), reason=reason.strip()
        )
        if not allowed:
            for session in SupportSession.objects.filter(slug=slug, ended_at__isnull=True):
                session.ended_at = timezone.now()
                session.ended_by = f"{actor.get_username()} (access forbidden)"
                session.save(update_fields=["ended_at", "ended_by"])
        audit_record(
            actor=None,
            actor_label=f"{slug}:{actor.get_username()}",
            action="support.consent_set",
            target=consent,
            reason=reason,
            data={"slug": slug, "allowed": allowed},
        )
    return consent


def impersonated_user(*, session: SupportSession) -> Any:
    """Who the support session sees the site as: the account named when it was opened, else the commune's first
    active administrator (read in the commune's schema: the current one)."""
    users = get_user_model().objects.filter(is_active=True)
    if session.as_username:
        user = users.filter(username=session.as_username).first()
        if user is not None:
            return user
    return (
        users.filter(groups__name=ADMINISTRATORS).order_by("id").first()
        or users.filter(is_superuser=True).order_by("id").first()
    )


# --- health: snapshots and alerts -----------------------------------------------------------------------------


def sizes_snapshot(*, day: dt.date | None = None) -> int:
    """Today's size of every commune schema (idempotent per day)."""
    use_public_schema()
    day = day or timezone.localdate()
    rows = fleet_selectors.fleet_overview()
    for row in rows:
        SizeSnapshot.objects.update_or_create(
            schema_name=row.commune.schema_name, day=day, defaults={"size_bytes": row.size_bytes}
        )
    return len(rows)


def _operators_emails() -> list[str]:
    return [
        e
        for e in get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .values_list("email", flat=True)
    ]


def alerts_evaluate(*, now: dt.datetime | None = None) -> list[HealthAlert]:
    """Open an alert for each threshold a commune crosses (emailed to the operators once), clear those no longer
    crossed. Returns the alerts opened now."""
    use_public_schema()
    now = now or timezone.now()
    opened: list[HealthAlert] = []
    emails = _operators_emails()
    for row in selectors.fleet_health(now=now):
        problems = selectors.health_problems(row)
        current = {a.code: a for a in HealthAlert.objects.filter(schema_name=row.schema_name, cleared_at__isnull=True)}
        for code, alert in current.items():
            if code not in problems:
                alert.cleared_at = now
                alert.save(update_fields=["cleared_at"])
        for code, message in problems.items():
            if code in current:
                continue
            try:
                with transaction.atomic():
                    alert = HealthAlert.objects.create(
                        schema_name=row.schema_name, code=code, message=message, emailed_to=", ".join(emails)
                    )
            except IntegrityError:
                continue
            opened.append(alert)
            if emails:
                send_mail(
                    subject=f"[Jamaa] {row.slug}: {code}",
                    message=f"{row.name_fr} ({row.slug}): {message}",
                    from_email=None,
                    recipient_list=emails,
                )
    return opened


# --- scheduled backups and their retention --------------------------------------------------------------------


STORAGE_FOLDER = "_backups"


def storage_name(slug: str, path: str) -> str:
    """Where a backup's archive is kept in the media storage (folder or bucket), outside every commune's folder."""
    return f"{STORAGE_FOLDER}/{slug}/{Path(path).name}"


def backups_scheduled(*, keep: dict[str, int] | None = None, slugs: list[str] | None = None) -> dict[str, str]:
    """Back up every active commune (or these), copy each archive to the media storage, then apply the retention
    policy (daily 7, weekly 4, monthly 12) to its backups. {slug: "ok" | the error}. A failure for one commune
    does not stop the others."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    use_public_schema()
    outcome: dict[str, str] = {}
    for row in commune_fleet_rows(slugs=slugs):
        if row.status != CommuneStatus.ACTIVE:
            continue
        try:
            result = backup_service.commune_backup(slug=row.slug)
            with Path(result.path).open("rb") as handle:
                default_storage.save(storage_name(row.slug, str(result.path)), File(handle))
            outcome[row.slug] = "ok"
        except Exception as exc:  # noqa: BLE001 (reported per commune, the others go on)
            logger.exception("scheduled backup of %s failed", row.slug)
            outcome[row.slug] = f"{type(exc).__name__}: {exc}"
        finally:
            use_public_schema()
        backups_prune(slug=row.slug, policy=keep)
    return outcome


def backups_prune(*, slug: str, policy: dict[str, int] | None = None) -> list[int]:
    """Forget the backups the retention policy does not keep (their archives removed, on disk and in the media
    storage). Returns their ids."""
    from django.core.files.storage import default_storage

    use_public_schema()
    existing = selectors.backups_of(slug=slug)
    kept = selectors.retention_keep([(i, at) for i, at, _path in existing], policy=policy)
    dropped = []
    for backup_id, _at, path in existing:
        if backup_id in kept:
            continue
        Path(path).unlink(missing_ok=True)
        if default_storage.exists(storage_name(slug, path)):
            default_storage.delete(storage_name(slug, path))
        CommuneBackup.objects.filter(pk=backup_id).delete()
        dropped.append(backup_id)
    if dropped:
        audit_record(actor=None, action="support.backups_pruned", data={"slug": slug, "ids": dropped})
    return dropped


# --- the restore drill ----------------------------------------------------------------------------------------


def _drill_candidate() -> str | None:
    """The active commune whose last drill is the oldest (never drilled first) that has a backup."""
    with_backups = set(CommuneBackup.objects.values_list("slug", flat=True))
    candidates = [r.slug for r in commune_fleet_rows() if r.status == CommuneStatus.ACTIVE and r.slug in with_backups]
    if not candidates:
        return None
    last = {
        d.slug: d.started_at
        for d in RestoreDrill.objects.filter(slug__in=candidates).order_by("slug", "-started_at").distinct("slug")
    }
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    return min(candidates, key=lambda s: (last.get(s, epoch), s))


def restore_drill_run(*, slug: str | None = None) -> RestoreDrill | None:
    """Restore the latest backup of one commune under a scratch name, compare every table's row count and
    checksum with the backup's manifest, drop the scratch commune, and record the result (the health page shows
    it). None when no commune has a backup."""
    from jamaa.provisioning.services import _drop_everything, _media_delete

    use_public_schema()
    slug = slug or _drill_candidate()
    if slug is None:
        return None
    latest = CommuneBackup.objects.filter(slug=slug).order_by("-created_at", "-id").first()
    if latest is None:
        raise NoBackup()
    rows = commune_fleet_rows(slugs=[slug])
    scratch = f"drill{timezone.now():%H%M%S}{latest.pk % 1000}"[:30]
    drill = RestoreDrill.objects.create(
        slug=slug, schema_name=rows[0].schema_name if rows else slug, backup_id=latest.pk, scratch_slug=scratch
    )
    restored_schema = ""
    try:
        manifest = archive_read(path=Path(latest.path)).manifest
        # Credentials kept: revoking them would change the copy's tables before the comparison. The copy lives for
        # the drill only, under a name nobody knows, and a token of the commune gains nothing there it lacks at home.
        result = backup_service.commune_restore(path=Path(latest.path), as_slug=scratch, keep_credentials=True)
        use_public_schema()
        restored_schema = result.schema_name
        found = backup_service.table_checksums(restored_schema)
        expected: dict[str, dict[str, Any]] = manifest.get("tables", {})
        mismatches = []
        for table in sorted(set(expected) | set(found)):
            want, got = expected.get(table), found.get(table)
            if want != got:
                mismatches.append({"table": table, "expected": want, "found": got})
        drill.tables = len(found)
        drill.rows = sum(int(t.get("rows", 0)) for t in found.values())
        drill.mismatches = mismatches
        drill.ok = not mismatches
    except Exception as exc:  # noqa: BLE001 (a drill that fails is a result to show)
        logger.exception("restore drill of %s failed", slug)
        drill.ok = False
        drill.error = f"{type(exc).__name__}: {exc}"
    finally:
        use_public_schema()
        try:
            _media_delete(restored_schema or scratch)
        except Exception:  # noqa: BLE001 (the scratch commune is dropped all the same)
            logger.warning("could not remove the drill's media", exc_info=True)
        _drop_everything(scratch, restored_schema or scratch)
    drill.finished_at = timezone.now()
    drill.save()
    audit_record(
        actor=None,
        action="support.restore_drill",
        target=drill,
        data={"slug": slug, "ok": drill.ok, "mismatches": len(drill.mismatches), "error": drill.error[:200]},
    )
    return drill
