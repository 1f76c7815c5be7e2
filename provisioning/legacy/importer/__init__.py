"""`jamaa legacy import`: a commune's legacy exports into its civil registry, every row accounted for.

Pipeline (one run, under an advisory lock per commune):
1. Read: the files are shared out between worker processes (largest first; one process for small runs or a
   single file; billiard's processes inside a Celery pool process), each reading its files in one pass into the
   UNLOGGED staging tables by COPY from a writer thread. An act row is normalised in Python during the pass
   (the registry's own search keys, every date form, Hijri conversion, codes, flags, fingerprint; each
   normaliser cached per distinct value) and carries its raw values as JSON, its future `source_values` (the
   database only copies it at the insert). Note tables go the same way.
2. Validate, in set-based SQL over the staging table: one UPDATE marks the rejected rows with the first rule
   they break and its message (every predicate wrapped in `IS NOT TRUE` / `coalesce`: a NULL verdict would
   neither import nor reject a row); hash aggregates find rows keyed twice in the run and probable duplicates;
   an anti-join finds rows already in the registry (a re-run, a resumed run, or a number taken by another act).
3. Insert, in set-based SQL: signed acts with their provenance and raw values, register counters raised to the
   highest number, marginal notes linked to their acts (orphans rejected), the name dictionary rebuilt. When the
   import outnumbers the acts already there (onboarding), the act table's secondary indexes are dropped and
   rebuilt after the load, inside the same transaction.
4. Report: report.json (per file, per register, totals), rejects.csv, duplicates.csv, all from the staging
   table (one grouped scan for the counts, one for the listed rows), so read = imported + rejected + duplicates
   by construction.

Before the read, each file is checked: its Arabic columns decode as Arabic (not Latin-1 letter soup) and it is not
cut short (refused, or imported with a warning when accepted).

Everything from validation to the report is one transaction by default (a killed run leaves nothing in the
registry; the next one drops its staging tables and starts over to the same result);
`commit_every` commits per batch of registers instead, and a re-run then finds the committed acts by their
provenance and counts them as already imported.

The package: `common` (constants, reasons, result, error), `rows` (a source row as staging lines), `copying` (COPY
from a writer thread), `base` (a run's state and SQL helpers), `reading` (staging tables, file checks, the read in
worker processes), `database` (validation, registers, the sealed insert, notes),
`reporting` (the report and its files), `api` (`legacy_import`).
The tunables (`BULK_MIN_ROWS`, `PARALLEL_MIN_BYTES`) are read from `common` at run time: set them there.
"""

from __future__ import annotations

from . import common
from .api import iter_report_lines, legacy_import
from .common import (
    ACT_STAGE_IN,
    ARABIC_FIELDS,
    ARABIC_SHARE,
    BULK_MIN_ROWS,
    COPY_CHUNK_ROWS,
    COPY_READ_SIZE,
    DUPLICATE_MATCHES,
    NOTE_STAGE_IN,
    PARALLEL_MIN_BYTES,
    REASONS,
    SAMPLE_ROWS,
    SEALING_TABLE,
    STAGE_PREFIX,
    STAGE_STATS,
    SYSTEM_USERNAME,
    TEXT_STAGE_IN,
    TRACE,
    TRUNCATED_SHARE,
    VERDICT_COLS,
    ImportResult,
    LegacyImportError,
    ProgressFn,
    encoding_label,
)
from .copying import CopyWriter, dsn

__all__ = [
    "ACT_STAGE_IN",
    "ARABIC_FIELDS",
    "ARABIC_SHARE",
    "BULK_MIN_ROWS",
    "COPY_CHUNK_ROWS",
    "COPY_READ_SIZE",
    "CopyWriter",
    "DUPLICATE_MATCHES",
    "ImportResult",
    "LegacyImportError",
    "NOTE_STAGE_IN",
    "PARALLEL_MIN_BYTES",
    "ProgressFn",
    "REASONS",
    "SAMPLE_ROWS",
    "SEALING_TABLE",
    "STAGE_PREFIX",
    "STAGE_STATS",
    "SYSTEM_USERNAME",
    "TEXT_STAGE_IN",
    "TRACE",
    "TRUNCATED_SHARE",
    "VERDICT_COLS",
    "dsn",
    "encoding_label",
    "iter_report_lines",
    "legacy_import",
    "common",
]
