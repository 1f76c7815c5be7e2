"""`jamaa worker [celery worker options]`: a tenant-aware Celery worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start a Celery worker (tasks run in the schema of the commune that sent them). Options go to Celery."

    def run_from_argv(self, argv: list[str]) -> None:
        # Every option after `worker` is Celery's (e.g. --pool=solo -Q queue): don't let Django parse them.
        from jamaa.platform.celery_app import announce_eager_mode, app

        announce_eager_mode()
        app.worker_main(["worker", "--loglevel=INFO", *argv[2:]])

    def handle(self, *args: Any, **opts: Any) -> None:  # pragma: no cover - run_from_argv does the work
        self.run_from_argv(["jamaa", "worker"])
