"""`jamaa worker [celery worker options]`: a tenant-aware Celery worker."""

from __future__ import annotations

from argparse import REMAINDER, ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start a Celery worker (tasks run in the schema of the commune that sent them)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("celery_args", nargs=REMAINDER)

    def handle(self, *args: Any, **opts: Any) -> None:
        from jamaa.platform.celery_app import app

        app.worker_main(["worker", "--loglevel=INFO", *opts["celery_args"]])
