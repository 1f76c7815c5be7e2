"""`legacy_import()`: one run from the mapping to the report, and the report's lines for the console."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import search
from jamaa.modules.etatcivil.models import Act
from jamaa.modules.etatcivil.models_search import NameKey
from jamaa.platform.db import is_citus
from jamaa.tenants.models import Commune

from ..mapping import load_mapping
from .common import SYSTEM_USERNAME, ImportResult, LegacyImportError, ProgressFn
from .database import _DbSteps
from .reading import _ReadSteps
from .reporting import _ReportSteps


class _Run(_ReadSteps, _DbSteps, _ReportSteps):
    """A run: its state (`base`), its reading steps and its steps in the database."""


def _try_lz4() -> None:
    """lz4 compresses each act's source_values several times faster than the default pglz; only values written
    by this session are affected, and a server built without lz4 keeps pglz."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET default_toast_compression = 'lz4'")
    except DatabaseError:
        pass


def _system_user_id() -> int:
    """The account imported acts and notes are recorded under (it cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "Import", "last_name": "legacy"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return int(user.pk)


def legacy_import(
    *,
    slug: str,
    mapping_path: str | Path,
    files: list[Path],
    report_dir: Path,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    commit_every: int | None = None,
    after_batch: Callable[[int], None] | None = None,
    workers: int = 2,
    accept_truncated: bool = False,
    lock_wait_s: float = 0.0,
    sessions: int = 1,
) -> ImportResult:
    """Import legacy exports into a commune's civil registry and write the reports.

    Raises LegacyImportError (unknown commune, unreadable mapping or file) before anything is imported. Writes
    signed acts, registers, bureaux, marginal notes and the name dictionary (nothing with dry_run), and
    report.json, rejects.csv and duplicates.csv in report_dir.

    Commit modes: all or nothing (the default); `commit_every` commits per batch of registers; `sessions` > 1
    inserts and seals the acts in that many connections side by side, in transactions of whole registers
    (all or nothing per register; a killed run is resumed by running it again)."""
    started = time.perf_counter()
    started_at = timezone.now()
    try:
        mapping = load_mapping(mapping_path)
    except ValueError as exc:
        raise LegacyImportError(str(exc)) from None
    commune = Commune.objects.filter(slug=slug).first()
    if commune is None:
        raise LegacyImportError(f"no commune {slug!r}")
    report_dir.mkdir(parents=True, exist_ok=True)
    try:
        run = _Run(slug=slug, mapping=mapping, files=[Path(f) for f in files], report_dir=report_dir,
                   dry_run=dry_run, progress=progress, commit_every=commit_every, after_batch=after_batch,
                   workers=workers, accept_truncated=accept_truncated, sessions=sessions)  # fmt: skip
    except ValueError as exc:
        raise LegacyImportError(str(exc)) from None
    with schema_context(commune.schema_name):
        try:
            run.open_sources()
        except ValueError as exc:
            raise LegacyImportError(str(exc)) from None
        lock = f"jamaa.legacy-import.{commune.schema_name}"
        deadline = time.monotonic() + lock_wait_s
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [lock])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise LegacyImportError(f"another legacy import into {slug} is running")
                time.sleep(1.0)
        try:
            # Hash joins and sorts over a million staged rows stay in memory (for this session only).
            run._exec("SET work_mem = '256MB'")
            _try_lz4()
            run.create_stage()
            run.load()
            # All or nothing (unless committing per batch or per register): bureaux, registers, acts, notes and the name
            # dictionary commit together, so a run killed anywhere leaves no trace in the registry but its
            # staging tables (dropped by the next run), and running it again gives the uninterrupted result.
            if run.sessions > 1 and is_citus():
                # (a distributed schema's acts are inserted by the run's own session; not tested side by side)
                run.sessions = 1
                run.warnings.append("on Citus the acts are inserted by one session, in one transaction")
            whole = commit_every is None and run.sessions == 1
            with transaction.atomic() if whole else contextlib.nullcontext():
                run.progress("validate", 0, 3)
                run.validate_acts()
                run.progress("validate", 1, 3)
                user_id = _system_user_id() if not dry_run else 0
                run.registers()
                run.progress("validate", 2, 3)
                inserted = run.insert_acts(user_id)
                if inserted:
                    # Fresh statistics for the notes' join below (its columns only: the wide ones cost, not help).
                    run._exec(f"ANALYZE {Act._meta.db_table} (register_id, number, status)")
                run.notes_and_texts(user_id)
                run.progress("validate", 3, 3)
                if inserted:
                    t = time.perf_counter()
                    run.progress("dictionary", 0, 1)
                    search.name_keys_rebuild()
                    run._exec(f"ANALYZE {NameKey._meta.db_table}")
                    run.progress("dictionary", 1, 1)
                    run._timed("dictionary", t)
                # (inside the transaction: a run killed before its commit leaves no report that counts its rows)
                run.progress("report", 0, 1)
                report = run.report(started_at)
                run.progress("report", 1, 1)
        finally:
            try:
                run.drop_stage()
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET work_mem")
                    cursor.execute("RESET default_toast_compression")
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [lock])
    return ImportResult(report=report, report_dir=report_dir, seconds=time.perf_counter() - started,
                        phases=run.phases, read_processes=run.read_processes)  # fmt: skip


def iter_report_lines(report: dict[str, Any]) -> Iterator[str]:
    """A short human summary of a report (the CLI prints it)."""
    t = report["totals"]
    yield (f"{'DRY RUN: ' if report['dry_run'] else ''}read {t['read']:,}, imported {t['imported']:,}, "
           f"rejected {t['rejected']:,}, duplicates {t['duplicates']:,}")  # fmt: skip
    for warning in report.get("warnings", ()):
        yield f"  WARNING: {warning}"
    for f in report["files"]:
        yield (f"  {f['file']} ({f['encoding']}): read {f['read']:,}, imported {f['imported']:,}, "
               f"rejected {f['rejected']:,}, duplicates {f['duplicates']:,}")  # fmt: skip
        if f.get("sample"):
            yield "    names as decoded: " + " | ".join(f["sample"])
    if report["reasons"]:
        yield "  rejected: " + ", ".join(f"{k} {v:,}" for k, v in report["reasons"].items())
    if report["probable_duplicates"]:
        yield f"  probable duplicates imported and flagged: {report['probable_duplicates']:,}"
