"""`jamaa beat [celery beat options]`: the one Celery beat, firing per-commune entries in each active commune."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start Celery beat with the commune-aware scheduler (run exactly one). Options go to Celery."

    def run_from_argv(self, argv: list[str]) -> None:
        from jamaa.platform.celery_app import app

        schedule = settings.JAMAA_VAR_DIR / "celerybeat-schedule"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        app.start(
            [
                "beat",
                "--loglevel=INFO",
                "--scheduler",
                "jamaa.tenants.scheduler:CommuneScheduler",
                f"--schedule={schedule}",
                *argv[2:],
            ]
        )

    def handle(self, *args: Any, **opts: Any) -> None:  # pragma: no cover - run_from_argv does the work
        self.run_from_argv(["jamaa", "beat"])
