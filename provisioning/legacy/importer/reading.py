"""The run's reading steps: the staging tables, the files' checks (encoding, truncation), the read in worker
processes."""

from __future__ import annotations

import glob
import itertools
import multiprocessing
import os
import queue
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from jamaa.modules.etatcivil.models import Act
from jamaa.platform.db import is_citus

from .. import normalise as nz
from ..mapping import CONST, TableSpec
from ..readers import Source, SourceError, open_source, truncation
from . import common
from .base import _RunBase
from .columns import ActColumns
from .common import (
    ACT_STAGE_IN,
    ARABIC_FIELDS,
    ARABIC_SHARE,
    NOTE_STAGE_IN,
    SAMPLE_ROWS,
    STAGE_PREFIX,
    STAGE_STATS,
    TEXT_STAGE_IN,
    TRUNCATED_SHARE,
    VERDICT_COLS,
    LegacyImportError,
    encoding_label,
)
from .copying import CopyWriter, _timed_chunks, dsn
from .rows import _Columns, _RowReader


def polars_pool_started() -> bool:
    """Whether this process has started Polars' compute threads (named polars-0, polars-1, …): a process forked
    from it inherits the pool without its threads, and its first Polars computation never returns."""
    names = []
    for path in glob.glob("/proc/self/task/*/comm"):
        try:
            names.append(Path(path).read_text(encoding="utf-8").strip())
        except OSError:  # a thread that ended meanwhile
            continue
    return any(re.fullmatch(r"polars-\d+", name) for name in names)


def _xlsx_rows(source: Source) -> int:
    """A workbook's data rows, counted (read-only workbooks often carry no dimension)."""
    try:
        _src, rows = open_source(source.path, "auto", "")
    except SourceError:
        return 0
    return sum(1 for _row in rows)


class _ReadSteps(_RunBase):
    # ------------------------------------------------------------------------------------------------ stage

    def create_stage(self) -> None:
        where = self._stage_home()
        for stale in self._rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s", [where, STAGE_PREFIX + "%"]
        ):
            self._exec(f'DROP TABLE IF EXISTS "{where}"."{stale[0]}"')  # left by a killed run (we hold the lock)
        for table, cols in ((self.acts, ACT_STAGE_IN), (self.notes, NOTE_STAGE_IN), (self.texts, TEXT_STAGE_IN)):
            ddl = ", ".join(f"{c} {t}" for c, t in cols + VERDICT_COLS)
            # autovacuum off: the table lives for one run; ANALYZE is run explicitly after the load
            self._exec(f"CREATE UNLOGGED TABLE {table} ({ddl}) WITH (autovacuum_enabled = off)")

    def _stage_home(self) -> str:
        """The schema of the staging tables, which names them from here on. On plain PostgreSQL, the commune's.
        On Citus, a table made in the commune's schema would be distributed with it, and the staging SQL (volatile
        functions in CASE, updates joined to the registers) refused or run row by row on the worker: the staging
        tables live in a plain schema of the coordinator, `_legacy_stage_<commune schema>`, dropped at the end."""
        schema = str(getattr(connection, "schema_name"))  # noqa: B009 - set by django-tenants
        if not is_citus():
            return schema
        home = f"_legacy_stage_{schema}"
        with transaction.atomic():
            self._exec("SET LOCAL citus.enable_schema_based_sharding = off")
            self._exec(f'CREATE SCHEMA IF NOT EXISTS "{home}"')
        self.stage_schema = home
        self.acts, self.notes, self.texts = (f'"{home}".{t}' for t in (self.acts, self.notes, self.texts))
        return home

    def drop_stage(self) -> None:
        if self.stage_schema:
            self._exec(f'DROP SCHEMA IF EXISTS "{self.stage_schema}" CASCADE')
            return
        for (name,) in self._rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
            [f"{STAGE_PREFIX}%{self.token}%"],
        ):
            self._exec(f'DROP TABLE IF EXISTS "{name}"')

    def open_sources(self) -> None:
        """Open every file and check it before anything is read in: header, Arabic columns decoded as Arabic,
        not cut short. Raises LegacyImportError naming the file and what to do."""
        for path in self.files:
            if not path.is_file():
                raise LegacyImportError(f"no such file: {path}")
            table = self.mapping.table_for(path.name)
            facts = self.file_facts.setdefault(len(self.sources) + 1, {})
            try:
                source, rows = open_source(path, table.encoding, table.delimiter)
                try:
                    cols = _Columns(source, table)
                    self._check_truncation(source, table, facts)
                    sample = list(itertools.islice(rows, SAMPLE_ROWS))
                finally:
                    rows.close()  # type: ignore[attr-defined]  # a generator: closes its file
            except SourceError as exc:
                raise LegacyImportError(str(exc)) from None
            self._check_arabic(source, table, cols, sample, facts)
            self.sources.append((source, table))
        if not self.sources:
            raise LegacyImportError("no file to import")

    @staticmethod
    def _check_arabic(
        source: Source, table: TableSpec, cols: _Columns, sample: list[tuple[int, list[str]]], facts: dict[str, Any]
    ) -> None:
        """A wrong declared encoding turns Arabic names into Latin-1 letter soup (ÒíäÈ ÇáÚáæí): refuse the file
        when most of its Arabic columns hold no Arabic letter in the first rows. Keeps a sample of the names as
        decoded for the report (the dry run shows it)."""
        fields = ARABIC_FIELDS.get(table.record, ())
        columns = [table.fields[f] for f in fields if f in table.fields and not table.fields[f].startswith(CONST)]
        if not columns:
            return
        shown = columns[:2]
        facts["sample"] = [
            " ".join(v for v in (cols.get(values, c) for c in shown) if v)[:80] for _line, values in sample[:5]
        ]
        checked, bad, examples = 0, 0, []
        for column in columns:
            values = [v for v in (cols.get(row, column) for _line, row in sample) if v]
            if not values:
                continue
            checked += 1
            if sum(nz.has_arabic(v) for v in values) < ARABIC_SHARE * len(values):
                bad += 1
                examples += values[:3]
        if not checked or bad * 2 <= checked:
            return
        label = encoding_label(source.encoding)
        soup = nz.latin1_soup_share(examples)
        guess, reading = nz.likely_arabic_encoding(examples, source.encoding)
        advice = (
            f"; it reads as {guess} ({reading!r}): declare `encoding: {guess}` in the mapping's table {table.name!r}"
            if guess
            else f"; declare the file's encoding in the mapping's table {table.name!r}"
        )
        raise LegacyImportError(
            f"{source.name}: {bad} of its {checked} Arabic columns hold no Arabic letter in the first {len(sample)}"
            f" rows (e.g. {examples[0]!r}{', Latin-1 letter soup' if soup > 0.3 else ''}), read as {label}"
            f"{advice}. Nothing was imported."
        )

    def _check_truncation(self, source: Source, table: TableSpec, facts: dict[str, Any]) -> None:
        """A file cut short (last row short of the header's fields, no final line break, far fewer rows than the
        mapping declares or than were imported from a file of that name before) is refused, or imported with a
        warning when the operator accepts it."""
        reason = truncation(source, table.delimiter)
        declared = self.mapping.declared_rows.get(source.name)
        before = Act.objects.filter(source_file=source.name).count() if table.record == "act" else 0
        # (a workbook's own row count is often missing: its rows are counted when there is a size to compare)
        rows = source.rows_estimate if source.kind == "csv" or not (declared or before) else _xlsx_rows(source)
        if not reason and declared and rows < declared * TRUNCATED_SHARE:
            reason = f"it holds {rows} rows, the mapping declares {declared}"
        if not reason:
            if before and rows < before * TRUNCATED_SHARE:
                reason = f"it holds {rows} rows, {before} acts were imported from a file of that name before"
        if not reason:
            return
        if not self.accept_truncated:
            raise LegacyImportError(
                f"{source.name} looks truncated: {reason}. Nothing was imported: export it again, or import it as it"
                ' is with --accept-truncated (the console\'s "files that look cut short" option)'
            )
        facts["truncated"] = reason
        self.warnings.append(f"{source.name} looks truncated ({reason}): imported as it is (accepted)")

    def load(self) -> None:
        """Read every file into the staging tables. Files are shared out between worker processes (largest
        first): the per-row Python work runs on every core while each worker's COPYs stream from its threads."""
        started = time.perf_counter()
        total = sum(s.rows_estimate for s, _t in self.sources)
        self.progress("read", 0, total)
        self.dsn = dsn()
        self.schema = str(getattr(connection, "schema_name"))  # noqa: B009 - set by django-tenants
        plan = self._share_out()
        self.read_processes = len(plan)
        # Always in forked processes, even one: Polars (the act rows' normaliser) starts a thread pool on first
        # use, and a process forked after that inherits a pool without its threads, which deadlocks. The run's
        # own process (or a Celery pool process, run after run) never uses Polars itself.
        done = self._read_in_workers(plan, total)
        self.progress("read", done, max(done, total))
        # Statistics on the columns the SQL steps join and group on (not the wide text ones: faster).
        for stage in (self.acts, self.notes, self.texts):
            self._exec(f"ANALYZE {stage} ({STAGE_STATS[stage == self.acts]})")
        self._timed("read_and_copy", started)

    def _file_read(self, file_no: int, result: tuple[str, float, float]) -> None:
        """A file's encoding as read; its reading and normalising seconds summed over the reading processes (in
        `phases_s` as `read_parse_process_s` and `normalise_process_s`: on two processes, up to twice the wall
        time of the read)."""
        encoding, parse_s, normalise_s = result
        self.sources[file_no - 1][0].encoding = encoding
        for name, seconds in (("read_parse_process_s", parse_s), ("normalise_process_s", normalise_s)):
            self.phases[name] = round(self.phases.get(name, 0.0) + seconds, 3)

    def _share_out(self) -> list[list[int]]:
        """Files per worker process: largest first to the least loaded. One list (one process) for small runs, a
        single file or one core."""
        sizes = [(s.path.stat().st_size, n) for n, (s, _t) in enumerate(self.sources, start=1)]
        workers = min(self.workers, os.cpu_count() or 1, len(sizes))
        if workers < 2 or sum(b for b, _n in sizes) < common.PARALLEL_MIN_BYTES:
            return [[n for _b, n in sizes]]
        plan: list[list[int]] = [[] for _ in range(workers)]
        load = [0] * workers
        for size, file_no in sorted(sizes, reverse=True):
            w = load.index(min(load))
            plan[w].append(file_no)
            load[w] += size
        return [sorted(p) for p in plan if p]

    def _read_in_workers(self, plan: list[list[int]], total: int) -> int:
        """Forked workers read their files (they use no Django connection: each COPY has its own); the parent
        reports their progress and raises the first error."""
        if polars_pool_started():
            raise RuntimeError(
                "this process has started Polars' thread pool: the reading processes forked from it would deadlock."
                " Run the import from a process that has not used Polars (the command line, a Celery worker)"
            )
        stdlib = multiprocessing.get_context("fork")
        ctx: Any = stdlib
        if multiprocessing.current_process().daemon:
            # A Celery prefork pool process (the console's imports): the standard library refuses to fork from a
            # daemonic process, billiard (Celery's own multiprocessing) does not.
            import billiard

            ctx = billiard.get_context("fork")
        counters = [ctx.Value("l", 0, lock=False) for _ in plan]  # "l": billiard knows no "q"
        results: Any = ctx.Queue()

        def work(files: list[int], counter: Any) -> None:
            if ctx is not stdlib:
                # billiard's fork leaves the standard library's list of children as the parent had it; at exit the
                # library would join those and fail ("can only join a child process"). Its own fork empties it.
                multiprocessing.process._children.clear()  # type: ignore[attr-defined]
            # Polars' pool (started on first use, in this process) gets this process's share of the cores: the
            # other readers and the COPYs they feed use the rest.
            os.environ["POLARS_MAX_THREADS"] = str(max(1, (os.cpu_count() or 1) // len(plan)))
            try:

                def bump(n: int) -> None:
                    counter.value += n

                for file_no in files:
                    results.put(("ok", file_no, self._read_file(file_no, bump)))
            except (SourceError, LegacyImportError) as exc:
                results.put(("source", 0, str(exc)))
            except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                results.put(("error", 0, f"{type(exc).__name__}: {exc}"))
            finally:
                # Flushed now, not by an exit handler: whatever happens at exit, the parent has the results.
                results.close()
                results.join_thread()

        # The children inherit this process's Django connection (it holds the run's lock and settings) and never
        # use it: a forked process leaves by os._exit, which closes nothing of the parent's.
        procs = [ctx.Process(target=work, args=(f, c), daemon=True) for f, c in zip(plan, counters, strict=True)]
        for proc in procs:
            proc.start()
        pending = len(self.sources)
        error: Exception | None = None
        try:
            while pending and error is None:
                self.progress("read", sum(int(c.value) for c in counters), total)
                try:
                    # (a process flushes its results before it ends: once all are gone, the rest is queued)
                    kind, file_no, value = results.get(timeout=0.2 if any(p.is_alive() for p in procs) else 2)
                except queue.Empty:
                    if not any(p.is_alive() for p in procs):
                        error = RuntimeError("a reading process stopped without a result")
                    continue
                if kind == "ok":
                    self._file_read(file_no, value)
                    pending -= 1
                else:
                    error = LegacyImportError(value) if kind == "source" else RuntimeError(value)
            self.progress("read", sum(int(c.value) for c in counters), total)
        finally:
            for proc in procs:
                if error is not None and proc.is_alive():
                    proc.terminate()
                proc.join()
        if error is not None:
            raise error
        return sum(int(c.value) for c in counters)

    def _read_file(self, file_no: int, bump: Callable[[int], None]) -> tuple[str, float, float]:
        """One pass over one file into its staging table by COPY (from a writer thread, while the next rows are
        normalised); returns the encoding read and the seconds spent reading (decoding, CSV parsing) and
        normalising its rows. Uses no Django connection (it may run in a worker process)."""
        src, table = self.sources[file_no - 1]
        try:
            source, rows = open_source(src.path, table.encoding, table.delimiter)
        except SourceError as exc:
            raise LegacyImportError(str(exc)) from None
        name, cols = {"act": (self.acts, ACT_STAGE_IN), "note": (self.notes, NOTE_STAGE_IN),
                      "note_text": (self.texts, TEXT_STAGE_IN)}[table.record]  # fmt: skip
        # The COPY runs on a connection of its own: the name qualified (on Citus _stage_home already did).
        target = name if self.stage_schema else f'"{self.schema}".{name}'
        # (act rows come as CSV from the column-wise normaliser, the others as COPY's text format)
        options = "(FORMAT csv, NULL '\\N')" if table.record == "act" else ""
        writer = CopyWriter(self.dsn, target, [c for c, _ in cols], options)
        clock = [0.0, 0.0]  # seconds reading, normalising
        try:
            if table.record == "act":
                self._read_acts(file_no, source, table, _timed_chunks(rows, clock), writer, bump, clock)
            else:
                reader = _RowReader(self.mapping, table, source, file_no)
                make = reader.note_line if table.record == "note" else reader.text_line
                for chunk in _timed_chunks(rows, clock):
                    t = time.perf_counter()
                    buf = [make(line, values) for line, values in chunk]
                    buf.append("")
                    text = "\n".join(buf)
                    clock[1] += time.perf_counter() - t
                    writer.write(text)
                    bump(len(buf) - 1)
        except SourceError as exc:
            raise LegacyImportError(str(exc)) from None
        finally:
            writer.close()
        return source.encoding, clock[0], clock[1]

    def _read_acts(
        self,
        file_no: int,
        source: Source,
        table: TableSpec,
        chunks: Iterator[list[tuple[int, list[str]]]],
        writer: CopyWriter,
        bump: Callable[[int], None],
        clock: list[float],
    ) -> None:
        """The act rows normalised column-wise, a chunk at a time (`columns.ActColumns`: names' keys, dates, codes,
        flags, fingerprint, and the row as read as JSON: its future source_values and what the reports show), each
        chunk one CSV block of the staging table's COPY."""
        normaliser = ActColumns(self.mapping, table, source, file_no)
        for chunk in chunks:
            t = time.perf_counter()
            text = normaliser.csv(chunk)
            clock[1] += time.perf_counter() - t
            writer.write(text)
            bump(len(chunk))
