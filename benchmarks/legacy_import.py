"""Legacy civil-registry import at scale: generate N acts with `jamaa legacy synth`, import them into a scratch
commune `bench-legacy`, and compare with a raw COPY of the same rows on the same machine.

The baseline reads the same files with the same reader (decoding, CSV parsing) and streams the rows as read,
through the same COPY writer, into a bare table of text columns (no index, no constraint, logged like the act
table). The import is timed end to end: reading, normalising, COPY into the staging table, validation,
duplicates, the insert of signed acts (sealed into their registers' hash chains), notes, the name dictionary
rebuild and the reports. rows/s = rows read / seconds.

    DATABASE_URL=… .venv/bin/python benchmarks/legacy_import.py [--acts 1000000] [--seed 1] [--reuse-files]
        [--sessions 2]   connections inserting and sealing the acts, a transaction per batch of whole registers
                         (1: the whole import in one transaction, indexes dropped and rebuilt)
        [--keep]   keep the commune at the end (dropped by default)

Files go to var/bench-legacy/<acts>-<seed>/ (CSV only: XLSX at this size measures openpyxl, not the import).
Last line: {"acts": …, "rows_per_s": …, "copy_rows_per_s": …, "ratio": …, "sessions", "read_s", "normalise_s",
"stage_s", "validate_s", "insert_s", "seal_s", "index_s", "dictionary_s", "report_s"} — the import's phases in
seconds of wall time (`phase_times`). Reading and normalising happen in the same pass, in up to `--workers` processes:
their seconds are each process's own, divided by the number of reading processes; `stage_s` is the rest of that
pass (waiting for the COPY into the staging tables, their statistics).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import _setup

_setup.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from jamaa.provisioning.legacy.importer import COPY_CHUNK_ROWS, CopyWriter, dsn, legacy_import  # noqa: E402
from jamaa.provisioning.legacy.mapping import load_mapping  # noqa: E402
from jamaa.provisioning.legacy.readers import open_source  # noqa: E402
from jamaa.provisioning.legacy.synth import legacy_synth  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402

SLUG = "bench-legacy"
ROOT = Path(__file__).resolve().parent.parent / "var" / "bench-legacy"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def raw_copy(files: list[Path], mapping_path: Path) -> tuple[int, float]:
    """Rows as read, COPYed into bare tables (one per file): (rows, seconds)."""
    mapping = load_mapping(mapping_path)
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA IF NOT EXISTS bench_legacy_raw")
    started = time.perf_counter()
    for n, path in enumerate(files):
        table = mapping.table_for(path.name)
        source, reader = open_source(path, table.encoding, table.delimiter)
        name = f"bench_legacy_raw.t{n}"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cols = ", ".join(f"c{i} text" for i in range(len(source.header)))
            cursor.execute(f"CREATE TABLE {name} ({cols})")
        writer = CopyWriter(dsn(), name, [f"c{i}" for i in range(len(source.header))])
        width = len(source.header)
        buf: list[str] = []
        for _line, values in reader:
            cells = (values + [""] * width)[:width]
            buf.append("\t".join(_escape(v) for v in cells))
            if len(buf) >= COPY_CHUNK_ROWS:
                buf.append("")
                writer.write("\n".join(buf))
                rows += len(buf) - 1
                buf = []
        if buf:
            buf.append("")
            writer.write("\n".join(buf))
            rows += len(buf) - 1
        writer.close()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA bench_legacy_raw CASCADE")
    return rows, seconds


def phase_times(phases: dict[str, float], read_processes: int, sessions: int) -> dict[str, float]:
    """The import's wall-clock seconds per phase, from its `phases_s`. With sessions, the seal's seconds are
    each session's own divided by their number, and the indexes are kept up to date by the insert (index_s 0)."""
    read = phases.get("read_parse_process_s", 0.0) / read_processes
    normalise = phases.get("normalise_process_s", 0.0) / read_processes
    index = phases.get("rebuild_indexes", 0.0)
    seal = phases.get("seal_chains", 0.0)  # the acts sealed into their registers' hash chains (db_guards)
    if "seal_session_s" in phases:
        seal = phases["seal_session_s"] / sessions
    times = {
        "read_s": read,
        "normalise_s": normalise,
        "stage_s": max(phases.get("read_and_copy", 0.0) - read - normalise, 0.0),
        "validate_s": phases.get("validate", 0.0) + phases.get("registers", 0.0),
        "insert_s": phases.get("insert_acts", 0.0) - index - seal + phases.get("notes", 0.0),
        "seal_s": seal,
        "index_s": index,
        "dictionary_s": phases.get("dictionary", 0.0),
        "report_s": phases.get("report", 0.0),
    }
    return {k: round(v, 1) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--acts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse-files", action="store_true", help="reuse generated files of the same size and seed")
    parser.add_argument("--keep", action="store_true", help="keep the commune at the end")
    parser.add_argument(
        "--sessions",
        type=int,
        default=2,
        help="connections inserting and sealing the acts, in transactions of whole registers",
    )
    parser.add_argument("--quick", action="store_true", help="10,000 acts: a check that it runs, not a measure")
    args = parser.parse_args()
    if args.quick:
        args.acts = 10_000
    out = ROOT / f"{args.acts}-{args.seed}"
    if not (args.reuse_files and (out / "expected.json").exists()):
        started = time.perf_counter()
        print(f"generating {args.acts:,} acts into {out}…", flush=True)
        legacy_synth(acts=args.acts, seed=args.seed, out=out, formats=("csv",))
        print(f"  generated in {time.perf_counter() - started:.0f}s", flush=True)
    expected = json.loads((out / "expected.json").read_text(encoding="utf-8"))
    files = sorted(p for p in out.iterdir() if p.suffix == ".csv")
    call_command("fleet", "migrate", "--jobs", "1", verbosity=0)
    connection.set_schema_to_public()
    _setup.drop_communes(SLUG)
    commune_create(slug=SLUG, name_fr="Bench legacy", name_ar="جماعة الاستيراد", modules=["etatcivil"])
    connection.set_schema_to_public()

    print("raw COPY of the same rows…", flush=True)
    copy_rows, copy_s = raw_copy(files, out / "mapping.yaml")
    print(f"  {copy_rows:,} rows in {copy_s:.1f}s ({copy_rows / copy_s:,.0f} rows/s)", flush=True)

    print("import…", flush=True)
    result = legacy_import(
        slug=SLUG,
        mapping_path=out / "mapping.yaml",
        files=files,
        report_dir=out / "report",
        dry_run=False,
        sessions=args.sessions,
    )
    totals = result.report["totals"]
    assert totals["read"] == copy_rows, (totals, copy_rows)
    assert totals == expected["totals"], (totals, expected["totals"])
    rows_per_s = totals["read"] / result.seconds
    copy_rows_per_s = copy_rows / copy_s
    print(f"  {totals} in {result.seconds:.1f}s ({rows_per_s:,.0f} rows/s); phases (s): {result.phases}")
    if not args.keep:
        connection.set_schema_to_public()
        _setup.drop_communes(SLUG)
    print(
        json.dumps(
            {
                "acts": args.acts,
                "rows_per_s": round(rows_per_s),
                "copy_rows_per_s": round(copy_rows_per_s),
                "ratio": round(rows_per_s / copy_rows_per_s, 3),
                "sessions": args.sessions,
                **phase_times(result.phases, result.read_processes, args.sessions),
            }
        )
    )


if __name__ == "__main__":
    main()
