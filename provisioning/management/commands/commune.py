"""`jamaa commune create|suspend|resume|archive|modules|list|backup|restore|verify-backup|delete`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jamaa.platform.errors import DomainError
from jamaa.provisioning import services
from jamaa.tenants import selectors
from jamaa.tenants.models import Commune, CommuneStatus


class Command(BaseCommand):
    help = "Onboard and manage communes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a commune: schema, domain, first administrator.")
        create.add_argument("slug")
        create.add_argument("--name-fr", required=True)
        create.add_argument("--name-ar", required=True)
        create.add_argument("--region", default="")
        create.add_argument("--province", default="")
        create.add_argument("--region-ar", default="", help="The region's name in Arabic (official documents).")
        create.add_argument("--province-ar", default="", help="The province's name in Arabic (official documents).")
        create.add_argument("--modules", default="", help="Comma-separated module codes.")
        create.add_argument("--admin-email", default="")
        for action in ("suspend", "resume", "archive"):
            p = sub.add_parser(action, help=f"{action.capitalize()} a commune.")
            p.add_argument("slug")
            p.add_argument("--reason", required=True)
        modules = sub.add_parser("modules", help="Show a commune's modules, or enable and disable some.")
        modules.add_argument("slug")
        modules.add_argument("--enable", default="", help="Comma-separated module codes to enable.")
        modules.add_argument("--disable", default="", help="Comma-separated module codes to disable.")
        modules.add_argument("--reason", default="", help="Why (required to change them; audited).")
        sub.add_parser("list", help="List communes and their status.")
        backup = sub.add_parser("backup", help="Write one archive: schema, public rows, media, manifest.")
        backup.add_argument("slug")
        backup.add_argument("-o", "--output", default=None, help="archive path (default var/backups/…)")
        restore = sub.add_parser("restore", help="Restore an archive into a new (or emptied) commune.")
        restore.add_argument("file")
        restore.add_argument("--as", dest="as_slug", default=None, help="restore a copy under this new slug")
        restore.add_argument(
            "--accept-unsigned",
            dest="accept_unsigned",
            default="",
            metavar="REASON",
            help="restore an archive without this platform's valid signature (the reason is audited)",
        )
        restore.add_argument(
            "--keep-credentials",
            action="store_true",
            help="with --as: keep the original's API tokens, device tokens and sessions valid on the copy",
        )
        verify = sub.add_parser("verify-backup", help="Prove an archive restores (in a scratch database).")
        verify.add_argument("file")
        move = sub.add_parser("move", help="Citus: move a commune's schema to another worker node (online).")
        move.add_argument("slug")
        move.add_argument("--node", required=True, metavar="HOST:PORT", help="an active worker of the cluster")
        move.add_argument("--reason", required=True)
        delete = sub.add_parser("delete", help="Delete an archived commune that has a backup (kept).")
        delete.add_argument("slug")
        delete.add_argument("--reason", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action'].replace('-', '_')}")(opts)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        except Commune.DoesNotExist:
            raise CommandError(f"No commune with the slug '{opts.get('slug')}'.") from None

    def _create(self, opts: dict[str, Any]) -> None:
        modules = [m.strip() for m in opts["modules"].split(",") if m.strip()]
        created = services.commune_create(
            slug=opts["slug"],
            name_fr=opts["name_fr"],
            name_ar=opts["name_ar"],
            region=opts["region"],
            province=opts["province"],
            region_ar=opts["region_ar"],
            province_ar=opts["province_ar"],
            modules=modules,
            admin_email=opts["admin_email"],
        )
        scheme = "https" if settings.CONFIG.https else "http"
        self.stdout.write(self.style.SUCCESS(f"Created commune {created.slug} at {scheme}://{created.host}/"))
        self.stdout.write(f"Administrator: {created.admin_username}")
        self.stdout.write(f"Set the password (one-time link): {scheme}://{created.host}{created.set_password_path}")

    def _status(self, opts: dict[str, Any], status: str) -> None:
        commune = services.commune_status_set(slug=opts["slug"], status=status, reason=opts["reason"])
        self.stdout.write(self.style.SUCCESS(f"{commune.slug} is now {commune.status}."))

    def _suspend(self, opts: dict[str, Any]) -> None:
        self._status(opts, CommuneStatus.SUSPENDED)

    def _resume(self, opts: dict[str, Any]) -> None:
        self._status(opts, CommuneStatus.ACTIVE)

    def _archive(self, opts: dict[str, Any]) -> None:
        self._status(opts, CommuneStatus.ARCHIVED)

    def _backup(self, opts: dict[str, Any]) -> None:
        from pathlib import Path

        from jamaa.provisioning.backup import commune_backup

        result = commune_backup(slug=opts["slug"], output=Path(opts["output"]) if opts["output"] else None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {result.slug}: {result.tables} tables, {result.rows} rows → {result.path} "
                f"({result.size_bytes} bytes, sha256 {result.sha256[:16]}…)"
            )
        )

    def _restore(self, opts: dict[str, Any]) -> None:
        from pathlib import Path

        from jamaa.provisioning.backup import commune_restore

        result = commune_restore(
            path=Path(opts["file"]),
            as_slug=opts["as_slug"],
            accept_unsigned_reason=opts["accept_unsigned"],
            keep_credentials=opts["keep_credentials"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.slug} ({result.tables} tables, {result.rows} rows) at {result.host}"
                + (
                    f"; {result.migrated_forward} migration(s) applied since the backup"
                    if result.migrated_forward
                    else ""
                )
                + (
                    f"; {result.credentials_revoked} token(s) and session(s) revoked"
                    if result.credentials_revoked
                    else ""
                )
                + ("" if result.signed else "; UNSIGNED archive accepted (audited)")
            )
        )

    def _verify_backup(self, opts: dict[str, Any]) -> None:
        from pathlib import Path

        from jamaa.provisioning.backup import backup_verify

        rows = backup_verify(path=Path(opts["file"]))
        self.stdout.write(self.style.SUCCESS(f"{opts['file']}: signed, complete, restores ({rows} rows verified)."))

    def _delete(self, opts: dict[str, Any]) -> None:
        kept = services.commune_delete(slug=opts["slug"], reason=opts["reason"])
        self.stdout.write(self.style.SUCCESS(f"Deleted {opts['slug']}; its backup is kept at {kept}."))

    def _modules(self, opts: dict[str, Any]) -> None:
        from jamaa.modules import registry

        enable = [m.strip() for m in opts["enable"].split(",") if m.strip()]
        disable = [m.strip() for m in opts["disable"].split(",") if m.strip()]
        if enable or disable:
            commune = services.commune_modules_set(
                slug=opts["slug"], enable=enable, disable=disable, reason=opts["reason"]
            )
            self.stdout.write(self.style.SUCCESS(f"{commune.slug}: modules changed."))
        else:
            commune = selectors.commune_get(slug=opts["slug"])
        for code, info in registry.available().items():
            mark = "enabled " if code in commune.enabled_modules else "disabled"
            self.stdout.write(f"  {mark} {code:12} {info.name_fr}")

    def _move(self, opts: dict[str, Any]) -> None:
        from jamaa.provisioning import placement

        moved = placement.commune_move(slug=opts["slug"], node=opts["node"], reason=opts["reason"])
        self.stdout.write(self.style.SUCCESS(f"{moved.slug} is on {moved.node}."))

    def _list(self, opts: dict[str, Any]) -> None:
        for row in selectors.commune_fleet_rows():
            self.stdout.write(f"{row.slug:20} {row.status:12} {row.host:30} {row.name_fr} / {row.name_ar}")
