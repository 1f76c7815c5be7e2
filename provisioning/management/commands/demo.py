"""`jamaa demo`: migrate, provision Fès, Meknès and Sefrou, print the accounts, serve on port 8000."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from jamaa.provisioning.demo import demo_fleet_ensure


class Command(BaseCommand):
    help = "Run the demo: the platform with Fès, Meknès and Sefrou provisioned."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up, print the accounts, and stop.")

    def handle(self, *args: Any, **opts: Any) -> None:
        from jamaa.platform.celery_app import announce_eager_mode

        if settings.JAMAA_EMBEDDED_DATABASE:
            self.stdout.write(f"Using the embedded PostgreSQL in {settings.JAMAA_VAR_DIR / 'pg'} (DATABASE_URL unset).")
        announce_eager_mode()
        call_command("fleet", "migrate")
        accounts = demo_fleet_ensure()
        port = opts["port"]
        base = settings.JAMAA_BASE_DOMAIN
        self.stdout.write(self.style.SUCCESS("Demo ready. Accounts:"))
        for acc in accounts:
            host = base if acc.where == "console" else f"{acc.where}.{base}"
            self.stdout.write(f"  http://{host}:{port}/   user {acc.username!r}   password {acc.password!r}")
            if acc.totp_key:
                self.stdout.write(
                    f"      second factor: add the key {acc.totp_key} to an authenticator app, "
                    f"or print the current code with `DEBUG=1 jamaa totp {acc.username}`"
                )
        if not opts["no_serve"]:
            call_command("runserver", f"0.0.0.0:{port}", use_reloader=False)
