"""Legacy imports started from the operators' console: files kept per run, the import run by a Celery task,
progress written to the run's row (throttled) for the console to poll, reports kept beside the files.

The files live under MEDIA_ROOT/legacy-imports/<slug>/<run id>/ on a filesystem the web and worker processes
share (a volume in Kubernetes).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jamaa.platform.errors import DomainError, NotFound
from jamaa.tenants.models import Commune

from ..models import LegacyImportRun, LegacyImportStatus
from .importer import LegacyImportError, legacy_import

REPORT_FILES = ("report.json", "rejects.csv", "duplicates.csv")
PROGRESS_EVERY_S = 0.5


class Upload(Protocol):
    name: str | None

    def chunks(self) -> Iterable[bytes]: ...


class LegacyImportRefused(DomainError):
    code = "LEGACY_IMPORT_REFUSED"


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


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "legacy-imports"


def _safe_name(name: str) -> str:
    base = Path(name).name.strip().replace("/", "_")
    if not base or base.startswith("."):
        raise LegacyImportRefused(f"invalid file name {name!r}")
    return base


def legacy_import_run_start(
    *, slug: str, mapping: Upload, files: Sequence[Upload], dry_run: bool, actor_label: str = ""
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
        slug=slug, dry_run=dry_run, folder="", files=names, mapping="mapping.yaml", created_by=actor_label
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


def legacy_import_run_execute(*, run_id: int) -> LegacyImportRun:
    """Run a queued import, recording progress and outcome on the run. Never raises for a failed import."""
    run = LegacyImportRun.objects.get(pk=run_id)
    if run.status != LegacyImportStatus.QUEUED:
        return run
    run.status = LegacyImportStatus.RUNNING
    run.save(update_fields=["status"])
    last = 0.0

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if phase != run.phase or now - last >= PROGRESS_EVERY_S or done >= total:
            last = now
            run.phase, run.done, run.total = phase, done, total
            LegacyImportRun.objects.filter(pk=run.pk).update(phase=phase, done=done, total=total)

    folder = Path(run.folder)
    try:
        result = legacy_import(
            slug=run.slug,
            mapping_path=folder / run.mapping,
            files=[folder / name for name in run.files],
            report_dir=folder / "report",
            dry_run=run.dry_run,
            progress=progress,
        )
    except (LegacyImportError, OSError) as exc:
        run.status, run.error = LegacyImportStatus.FAILED, str(exc)
    except Exception as exc:  # noqa: BLE001 - recorded for the operator, then re-raised for Sentry
        run.status, run.error, run.finished_at = LegacyImportStatus.FAILED, f"internal error: {exc}", timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    else:
        run.status, run.totals = LegacyImportStatus.DONE, result.totals
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "error", "totals", "finished_at"])
    return run


def legacy_import_run_progress(*, run_id: int) -> RunProgress:
    """A run's state for the console's polling. Raises LegacyImportRun.DoesNotExist."""
    run = LegacyImportRun.objects.get(pk=run_id)
    folder = Path(run.folder) / "report"
    reports = tuple(n for n in REPORT_FILES if (folder / n).is_file()) if run.status == LegacyImportStatus.DONE else ()
    return RunProgress(
        id=run.pk,
        slug=run.slug,
        status=run.status,
        dry_run=run.dry_run,
        phase=run.phase,
        done=run.done,
        total=run.total,
        totals=dict(run.totals),
        error=run.error,
        reports=reports,
    )


def legacy_import_runs(*, slug: str, limit: int = 20) -> list[RunProgress]:
    """The latest runs into a commune, newest first."""
    ids = LegacyImportRun.objects.filter(slug=slug).values_list("pk", flat=True)[:limit]
    return [legacy_import_run_progress(run_id=i) for i in ids]


def legacy_import_report_path(*, run_id: int, name: str) -> Path:
    """The path of one of a finished run's reports. Raises LegacyImportRun.DoesNotExist, NotFound."""
    run = LegacyImportRun.objects.get(pk=run_id)
    path = Path(run.folder) / "report" / name
    if name not in REPORT_FILES or not path.is_file():
        raise NotFound(f"no report {name!r} for this run")
    return path
