"""`jamaa audit verify SLUG`: recompute a commune's tamper-evidence chains; the first broken link, if any."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from jamaa.platform.db_guards import chain_verify
from jamaa.tenants.models import Commune


class Command(BaseCommand):
    help = "Audit the official records of a commune."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser(
            "verify", help="Check the chains of signed acts, quittances and the audit trail; exit 1 at a broken link."
        )
        verify.add_argument("slug", help="a commune's slug, or 'public' for the platform's own audit trail")

    def handle(self, *args: Any, **opts: Any) -> None:
        slug = opts["slug"]
        if slug == "public":
            schema = "public"
        else:
            commune = Commune.objects.filter(slug=slug).first()
            if commune is None:
                raise CommandError(f"No commune with the slug '{slug}'.")
            schema = commune.schema_name
        with schema_context(schema):
            report = chain_verify()
        if report.broken is not None:
            raise CommandError(f"{slug}: BROKEN at {report.broken}")
        checked = ", ".join(f"{table} {rows}" for table, rows in sorted(report.tables.items()))
        self.stdout.write(f"{slug}: OK ({checked})")
