"""One import run's state and its SQL helpers (the steps are in `reading` and `database`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from django.db import connection

from ..mapping import Mapping, TableSpec
from ..readers import Source
from .common import STAGE_PREFIX, TRACE, ProgressFn

# ------------------------------------------------------------------------------------------------------ the run


class _RunBase:
    def __init__(
        self,
        *,
        slug: str,
        mapping: Mapping,
        files: list[Path],
        report_dir: Path,
        dry_run: bool,
        progress: ProgressFn | None,
        commit_every: int | None,
        after_batch: Callable[[int], None] | None,
        workers: int = 2,
        accept_truncated: bool = False,
        sessions: int = 1,
    ) -> None:
        self.slug, self.mapping, self.files, self.report_dir = slug, mapping, files, report_dir
        self.dry_run, self.commit_every, self.after_batch = dry_run, commit_every, after_batch
        self.accept_truncated = accept_truncated
        if sessions < 1:
            raise ValueError(f"sessions must be 1 or more, not {sessions}")
        if sessions > 1 and commit_every is not None:
            raise ValueError("choose one commit mode: sessions (transactions of whole registers) or commit_every")
        self.sessions = sessions  # > 1: acts inserted by that many connections, in transactions of whole registers
        self.warnings: list[str] = []  # said in report.json and by the command (e.g. a truncated file accepted)
        self.file_facts: dict[int, dict[str, Any]] = {}  # per file: sample of names, truncation, …
        self.progress = progress or (lambda phase, done, total: None)
        token = f"{int(time.time() * 1000) % 10**10}"
        self.token = token
        self.acts = f"{STAGE_PREFIX}acts_{token}"
        self.workers, self.read_processes = workers, 1
        self.dsn: dict[str, Any] = {}
        self.schema = ""
        self.stage_schema = ""  # on Citus: the coordinator's schema holding the staging tables (reading.py)
        self.notes = f"{STAGE_PREFIX}notes_{token}"
        self.texts = f"{STAGE_PREFIX}texts_{token}"
        self.sources: list[tuple[Source, TableSpec]] = []
        self.phases: dict[str, float] = {}

    # ---------------------------------------------------------------------------------------------- helpers

    def _exec(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> int:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if TRACE:
                print(f"{time.perf_counter() - t:8.3f}s {cursor.rowcount:>8} {' '.join(sql.split())[:150]}")
            return int(cursor.rowcount)

    def _exec_hashed(self, sql: str, params: Sequence[Any] | None = None) -> int:
        """A statement joining the staging table to its own groups: the planner has no statistics on the grouped
        keys (analysing those wide columns costs more than it gives) and would loop over the groups per row."""
        self._exec("SET enable_nestloop = off")
        try:
            return self._exec(sql, params)
        finally:
            self._exec("RESET enable_nestloop")

    def _rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = list(cursor.fetchall())
        if TRACE:
            print(f"{time.perf_counter() - t:8.3f}s {len(rows):>8} {' '.join(sql.split())[:150]}")
        return rows

    def _timed(self, name: str, started: float) -> None:
        self.phases[name] = round(self.phases.get(name, 0.0) + time.perf_counter() - started, 3)
