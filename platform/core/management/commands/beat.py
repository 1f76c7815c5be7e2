"""`jamaa beat`: the one Celery beat, firing per-commune entries in each active commune's schema."""

from __future__ import annotations

from argparse import REMAINDER, ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start Celery beat with the commune-aware scheduler (run exactly one)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("celery_args", nargs=REMAINDER)

    def handle(self, *args: Any, **opts: Any) -> None:
        from jamaa.platform.celery_app import app

        schedule = settings.JAMAA_VAR_DIR / "celerybeat-schedule"
        schedule.parent.mkdir(parents=True, exist_ok=True)
        app.start(["beat", "--loglevel=INFO", "--scheduler", "jamaa.platform.celery_app:CommuneScheduler",
                   f"--schedule={schedule}", *opts["celery_args"]])
