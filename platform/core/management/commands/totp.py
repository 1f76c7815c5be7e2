"""`jamaa totp USERNAME [--schema SCHEMA]`: the current code of a user's authenticator, for the demo and local
development only (refused unless DEBUG=1): the console requires a second factor of every operator."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from jamaa.platform.core import twofactor


class Command(BaseCommand):
    help = "Print the current second-factor code of a user (DEBUG=1 only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--schema", default="public", help="A commune's schema; the console's users without it.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("jamaa totp is a development aid: it only runs with DEBUG=1.")
        with schema_context(opts["schema"]):
            user = get_user_model().objects.filter(username=opts["username"]).first()
            device = twofactor.confirmed_device(user=user) if user is not None else None
            if device is None:
                raise CommandError(f"{opts['username']} has no authenticator here.")
            self.stdout.write(twofactor.current_code(device=device))
