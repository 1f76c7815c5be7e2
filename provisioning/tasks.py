"""Provisioning tasks (public schema)."""

from __future__ import annotations

from jamaa.platform.celery_app import app
from jamaa.platform.db import owner_connection


@app.task(name="jamaa.provisioning.tasks.spares_refill")
def spares_refill_task() -> int:
    """Top up the pool of spare schemas: after an onboarding took one, after a fleet migration dropped stale ones,
    and on the beat (settings.CELERY_BEAT_SCHEDULE["provisioning-spares"])."""
    from .spares import spare_refill

    with owner_connection():  # schema DDL: the owner role (ADR 0003)
        return spare_refill()


def spares_refill_enqueue() -> None:
    """Queue a refill once the caller's transaction commits. Without a broker (tasks run eagerly) nothing is
    queued: the refill would clone inline, in the caller's request; `jamaa fleet spares` tops the pool up."""
    from django.conf import settings
    from django.db import transaction

    if not settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(spares_refill_task.delay)


# Acknowledged when it ends, not when it starts: a worker that dies mid-import (killed, out of memory) leaves the
# message to be delivered again (at once when the pool process is lost, after the broker's visibility timeout
# when the whole worker is); the run's claim (heartbeat) keeps two deliveries from running it twice.
@app.task(name="jamaa.provisioning.tasks.legacy_import", acks_late=True, reject_on_worker_lost=True)
def legacy_import_task(*, run_id: int) -> str:
    """Run a legacy civil-registry import queued from the console (the import switches to the commune's schema)."""
    from .legacy.runs import legacy_import_run_execute

    with owner_connection():  # bulk DDL and historical numbers: the owner role (ADR 0003)
        return str(legacy_import_run_execute(run_id=run_id).status)
