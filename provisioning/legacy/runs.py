"""Legacy imports started from the operators' console: files kept per run, the import run by a Celery task
(acknowledged late), progress and a heartbeat written to the run's row from a thread for the console to poll,
reports kept beside the files. A running run whose heartbeat is stale lost its worker: shown "stalled", taken
over by a redelivered task or resumed by an operator.

The files live under MEDIA_ROOT/legacy-imports/<slug>/<run id>/ on a filesystem the web and worker processes
share (a volume in Kubernetes).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.errors import DomainError, NotFound
from jamaa.tenants.models import Commune

from ..models import LegacyImportRun, LegacyImportStatus
from .importer import LegacyImportError, legacy_import

REPORT_FILES = ("report.json", "rejects.csv", "duplicates.csv")
PROGRESS_EVERY_S = 0.5
STALLED = "stalled"  # shown, never stored: a running run whose heartbeat is too old


class Upload(Protocol):
    name: str | None

    def chunks(self) -> Iterable[bytes]: ...


class LegacyImportRefused(DomainError):
    code = "LEGACY_IMPORT_REFUSED"


class LegacyImportNotResumable(DomainError):
    code = "LEGACY_IMPORT_NOT_RESUMABLE"
    http_status = 409


@dataclass(frozen=True)
class RunProgress:
    id: int
    slug: str
    status: str
    dry_run: bool
    phase: str
    done: int
    total: int
    totals: dict[str, int]
    error: str
    reports: tuple[str, ...]
    heartbeat_at: dt.datetime | None = None
    attempts: int = 0

    @property
    def stalled(self) -> bool:
        return self.status == STALLED


def stalled_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LEGACY_IMPORT_STALLED_AFTER_S)


def heartbeat_every_s() -> float:
    """How often the running import writes its heartbeat: well inside the stalled threshold."""
    return max(0.5, min(10.0, settings.LEGACY_IMPORT_STALLED_AFTER_S / 4))


def _is_stalled(run: LegacyImportRun, now: dt.datetime | None = None) -> bool:
    if run.status != LegacyImportStatus.RUNNING:
        return False
    return run.heartbeat_at is None or run.heartbeat_at < (now or timezone.now()) - stalled_after()


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "legacy-imports"


def _safe_name(name: str) -> str:
    base = Path(name).name.strip().replace("/", "_")
    if not base or base.startswith("."):
        raise LegacyImportRefused(f"invalid file name {name!r}")
    return base


def legacy_import_run_start(
    *,
    slug: str,
    mapping: Upload,
    files: Sequence[Upload],
    dry_run: bool,
    actor_label: str = "",
    accept_truncated: bool = False,
) -> LegacyImportRun:
    """Keep the uploaded files and queue the import (on commit). Raises NotFound (commune), LegacyImportRefused."""
    from .. import tasks

    if not Commune.objects.filter(slug=slug).exists():
        raise NotFound(f"no commune {slug!r}")
    if not files:
        raise LegacyImportRefused("give at least one exported file")
    names = [_safe_name(f.name or "") for f in files]
    if len(set(names)) != len(names):
        raise LegacyImportRefused("two files have the same name")
    run = LegacyImportRun.objects.create(
        slug=slug,
        dry_run=dry_run,
        accept_truncated=accept_truncated,
        folder="",
        files=names,
        mapping="mapping.yaml",
        created_by=actor_label,
    )
    folder = _root() / slug / str(run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    for upload, name in [(mapping, "mapping.yaml"), *zip(files, names, strict=True)]:
        with (folder / name).open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
    run.folder = str(folder)
    run.save(update_fields=["folder"])
    transaction.on_commit(lambda: tasks.legacy_import_task.delay(run_id=run.pk))
    return run


def _claim(run_id: int) -> bool:
    """Take the run for this process: a queued run, or a running one whose worker died (stale heartbeat)."""
    now = timezone.now()
    stale = Q(status=LegacyImportStatus.RUNNING) & (
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - stalled_after())
    )
    return bool(
        LegacyImportRun.objects.filter(Q(pk=run_id) & (Q(status=LegacyImportStatus.QUEUED) | stale)).update(
            status=LegacyImportStatus.RUNNING, heartbeat_at=now, attempts=F("attempts") + 1, error=""
        )
    )


class _Beat:
    """Writes the run's heartbeat and progress from a thread with its own connection: the import's own connection
    is inside its transaction (what it writes there is invisible until the commit), long SQL steps give no
    progress callback, and a SIGKILLed process stops beating, which is how a dead run is told from a slow one."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.state: tuple[str, int, int] | None = None
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"legacy-import-{run_id}-heartbeat", daemon=True)

    def progress(self, phase: str, done: int, total: int) -> None:
        self.state = (phase, done, total)

    def _run(self) -> None:
        written: tuple[str, int, int] | None = None
        last_beat = 0.0
        try:
            while not self.stop.wait(PROGRESS_EVERY_S):
                state, now = self.state, time.monotonic()
                if state == written and now - last_beat < heartbeat_every_s():
                    continue
                fields: dict[str, object] = {"heartbeat_at": timezone.now()}
                if state is not None and state != written:
                    fields.update(phase=state[0], done=state[1], total=state[2])
                LegacyImportRun.objects.filter(pk=self.run_id, status=LegacyImportStatus.RUNNING).update(**fields)
                written, last_beat = state, now
        finally:
            connection.close()

    def __enter__(self) -> _Beat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def _wait_for_claim(run_id: int) -> bool:
    """A second delivery of the task (redelivered after a worker was lost, or past the visibility timeout) finds
    the run running: it takes it over once the heartbeat goes stale, and leaves it alone if it finishes."""
    deadline = time.monotonic() + 2 * settings.LEGACY_IMPORT_STALLED_AFTER_S + 5
    while time.monotonic() < deadline:
        if _claim(run_id):
            return True
        if not LegacyImportRun.objects.filter(pk=run_id, status=LegacyImportStatus.RUNNING).exists():
            return False
        time.sleep(min(2.0, heartbeat_every_s()))
    return False


def legacy_import_run_execute(*, run_id: int) -> LegacyImportRun:
    """Run a queued import (or take over one whose worker died), recording heartbeat, progress and outcome on the
    run. An import is all or nothing: a run taken over starts the import again and ends with the same result as
    an uninterrupted one. Never raises for a failed import."""
    run = LegacyImportRun.objects.get(pk=run_id)
    if run.status not in (LegacyImportStatus.QUEUED, LegacyImportStatus.RUNNING):
        return run
    if not _claim(run_id) and not _wait_for_claim(run_id):
        return LegacyImportRun.objects.get(pk=run_id)
    run.refresh_from_db()
    folder = Path(run.folder)
    beat = _Beat(run.pk)
    try:
        with beat:
            result = legacy_import(
                slug=run.slug,
                mapping_path=folder / run.mapping,
                files=[folder / name for name in run.files],
                report_dir=folder / "report",
                dry_run=run.dry_run,
                progress=beat.progress,
                accept_truncated=run.accept_truncated,
                # a taken-over run may find the dead worker's session still finishing its last statement
                lock_wait_s=float(4 * settings.LEGACY_IMPORT_STALLED_AFTER_S),
            )
    except (LegacyImportError, OSError) as exc:
        run.status, run.error = LegacyImportStatus.FAILED, str(exc)
    except Exception as exc:  # noqa: BLE001 - recorded for the operator, then re-raised for Sentry
        run.status, run.error, run.finished_at = LegacyImportStatus.FAILED, f"internal error: {exc}", timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    else:
        run.status, run.totals = LegacyImportStatus.DONE, result.totals
    if beat.state is not None:
        run.phase, run.done, run.total = beat.state
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "totals", "finished_at", "phase", "done", "total"])
    return run


def legacy_import_run_resume(*, run_id: int, actor_label: str) -> LegacyImportRun:
    """Queue a stalled run again (its worker died). Audited. Raises LegacyImportRun.DoesNotExist,
    LegacyImportNotResumable (the run is not stalled)."""
    from .. import tasks

    with transaction.atomic():
        run = LegacyImportRun.objects.select_for_update().get(pk=run_id)
        if not _is_stalled(run):
            raise LegacyImportNotResumable(
                f"run {run.pk} is {run.status}: only a running import whose worker stopped (stalled) can be resumed"
            )
        run.status, run.phase, run.done, run.total = LegacyImportStatus.QUEUED, "", 0, 0
        run.save(update_fields=["status", "phase", "done", "total"])
        audit_record(
            actor=None,
            actor_label=actor_label or "console",
            action="legacy_import.resumed",
            target=run,
            data={"slug": run.slug, "attempts": run.attempts,
                  "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None},
        )  # fmt: skip
        transaction.on_commit(lambda: tasks.legacy_import_task.delay(run_id=run.pk))
    return run


def legacy_import_run_progress(*, run_id: int) -> RunProgress:
    """A run's state for the console's polling. Raises LegacyImportRun.DoesNotExist."""
    run = LegacyImportRun.objects.get(pk=run_id)
    folder = Path(run.folder) / "report"
    reports = tuple(n for n in REPORT_FILES if (folder / n).is_file()) if run.status == LegacyImportStatus.DONE else ()
    return RunProgress(
        id=run.pk,
        slug=run.slug,
        status=STALLED if _is_stalled(run) else run.status,
        dry_run=run.dry_run,
        phase=run.phase,
        done=run.done,
        total=run.total,
        totals=dict(run.totals),
        error=run.error,
        reports=reports,
        heartbeat_at=run.heartbeat_at,
        attempts=run.attempts,
    )


def legacy_import_runs(*, slug: str | None, limit: int = 20) -> list[RunProgress]:
    """The latest runs into a commune (every commune: slug None), newest first."""
    runs = LegacyImportRun.objects.all() if slug is None else LegacyImportRun.objects.filter(slug=slug)
    ids = runs.values_list("pk", flat=True)[:limit]
    return [legacy_import_run_progress(run_id=i) for i in ids]


def legacy_import_report_path(*, run_id: int, name: str) -> Path:
    """The path of one of a finished run's reports. Raises LegacyImportRun.DoesNotExist, NotFound."""
    run = LegacyImportRun.objects.get(pk=run_id)
    path = Path(run.folder) / "report" / name
    if name not in REPORT_FILES or not path.is_file():
        raise NotFound(f"no report {name!r} for this run")
    return path
