"""`jamaa support …`: the fleet's health, alerts, support sessions, scheduled backups with their retention, and the
restore drill, from the command line (the same services as the console and the API)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jamaa.platform.errors import DomainError
from jamaa.platform.support import selectors, services
from jamaa.tenants.selectors import commune_host


class Command(BaseCommand):
    help = "Central support: health, alerts, support sessions, backups and restore drills."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("health", help="every commune's health row")
        sub.add_parser("alerts", help="check the thresholds now; list the open alerts")
        s = sub.add_parser("sessions", help="support sessions")
        s.add_argument("--commune", default=None)
        o = sub.add_parser("open", help="open a read-only support session; prints the link to the commune's site")
        o.add_argument("slug")
        o.add_argument("--operator", required=True, help="the platform user (staff) opening it")
        o.add_argument("--reason", required=True)
        o.add_argument("--minutes", type=int, default=30)
        o.add_argument("--as", dest="as_username", default="")
        e = sub.add_parser("end", help="end a support session")
        e.add_argument("session_id")
        sub.add_parser("backup-all", help="back up every active commune, then apply the retention policy")
        d = sub.add_parser("drill", help="the restore drill (one commune: the least recently drilled, or SLUG)")
        d.add_argument("slug", nargs="?", default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            self._handle(opts)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.extra or ''}".strip()) from None

    def _handle(self, opts: dict[str, Any]) -> None:
        action = opts["action"]
        if action == "health":
            for r in selectors.fleet_health():
                self.stdout.write(
                    f"{r.slug}\treq {r.requests} ({r.error_rate:.1%} 5xx)\terrors24h {r.errors_24h}\t"
                    f"failed tasks {r.task_failures_24h}\tqueue {r.queue_length}\tbackup "
                    f"{'-' if r.backup_age_h is None else f'{r.backup_age_h:.0f} h'}\tusers7d {r.active_users_7d}\t"
                    f"alerts {','.join(r.alerts) or '-'}"
                )
        elif action == "alerts":
            opened = services.alerts_evaluate()
            self.stdout.write(f"{len(opened)} new alerts")
            for a in selectors.alerts():
                self.stdout.write(f"{a.schema_name}\t{a.code}\t{a.message}\t{a.raised_at:%Y-%m-%d %H:%M}")
        elif action == "sessions":
            for row in selectors.sessions_of(slug=opts["commune"]):
                s = row.session
                self.stdout.write(
                    f"{s.pk}\t{s.slug}\t{s.operator_username}\t{s.opened_at:%Y-%m-%d %H:%M}\t"
                    f"{'live' if row.live else 'ended'}\t{len(row.pages)} pages\t{s.reason}"
                )
        elif action == "open":
            operator = get_user_model().objects.filter(username=opts["operator"], is_staff=True, is_active=True).first()
            if operator is None:
                raise CommandError(f"No active staff user {opts['operator']!r}.")
            session, token = services.support_session_open(
                operator=operator,
                slug=opts["slug"],
                reason=opts["reason"],
                minutes=opts["minutes"],
                as_username=opts["as_username"],
            )
            self.stdout.write(f"session {session.pk} until {session.expires_at:%H:%M}")
            self.stdout.write(f"http://{commune_host(session.slug)}/support/enter/{token}/")
        elif action == "end":
            services.support_session_end(session_id=opts["session_id"], by="cli")
            self.stdout.write("ended")
        elif action == "backup-all":
            for slug, outcome in services.backups_scheduled().items():
                self.stdout.write(f"{slug}\t{outcome}")
        elif action == "drill":
            drill = services.restore_drill_run(slug=opts["slug"])
            if drill is None:
                self.stdout.write("no commune has a backup")
                return
            self.stdout.write(
                f"{drill.slug}: {'OK' if drill.ok else 'MISMATCH'} ({drill.tables} tables, {drill.rows} rows)"
            )
            for m in drill.mismatches:
                self.stdout.write(f"  {m['table']}: expected {m['expected']} found {m['found']}")
            if drill.error:
                self.stdout.write(f"  error: {drill.error}")
            if not drill.ok:
                raise CommandError("restore drill failed")
