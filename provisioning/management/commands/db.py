"""`jamaa db roles --app-role NAME [--password …]`: the application's database role (ADR 0003)."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jamaa.platform.db_roles import app_role_setup


class Command(BaseCommand):
    help = "Database roles: create and grant the application role (run as the owner role)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        roles = sub.add_parser(
            "roles",
            help="Create the application role if missing and grant it SELECT/INSERT/UPDATE/DELETE on tables and "
            "USAGE/SELECT/UPDATE on sequences in every schema, now and for what the owner creates later. "
            "Idempotent.",
        )
        roles.add_argument("--app-role", required=True, help="the role DATABASE_URL of the web and workers uses")
        roles.add_argument(
            "--password",
            default=None,
            help="set the role's password (default: $JAMAA_APP_DB_PASSWORD if set, else leave it unchanged)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        password = opts["password"] if opts["password"] is not None else os.environ.get("JAMAA_APP_DB_PASSWORD")
        try:
            setup = app_role_setup(role=opts["app_role"], password=password or None)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{setup.role}: {'created' if setup.created else 'exists'}; granted in {len(setup.schemas)} schemas "
            "and on what the owner creates later."
        )
