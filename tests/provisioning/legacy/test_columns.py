"""The column-wise normaliser's dates: whatever its fast forms settle is exactly what the row-wise reader
(`normalise.read_date_field`) gives, on every spelling an export holds: ISO, dd/mm/yyyy (ASCII or Arabic-Indic
digits, spaces, dots), year only, impossible days, French words, Hijri as numbers or with a month's name (with or
without its suffix), out of the converter's range, and Hijri/Gregorian gaps of 1, 2 and 3 days."""

from __future__ import annotations

import csv
import io
import itertools
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from jamaa.provisioning.legacy import normalise as nz
from jamaa.provisioning.legacy.importer.columns import ActColumns
from jamaa.provisioning.legacy.importer.common import ACT_STAGE_IN
from jamaa.provisioning.legacy.importer.reading import _ReadSteps, polars_pool_started
from jamaa.provisioning.legacy.mapping import load_mapping
from jamaa.provisioning.legacy.readers import Source

GREGORIAN = [
    "",
    "1966-10-21",
    "21/10/1966",
    "21/10/1966 ",
    "21 / 10 / 1966",
    "21.10.1966",
    "٢١/١٠/١٩٦٦",
    "1966-10-21 08:30",
    "00/00/1966",
    "1966",
    "31/02/1966",
    "0000-01-01",
    "12/13/1966",
    "21-10-66",
    "x",
]
WORDS = [
    "",
    "le vingt et un octobre mille neuf cent soixante-six",
    "le trente février mille neuf cent soixante",
    "le vingt-deux octobre mille neuf cent soixante-six",
    "n'importe quoi",
]
HIJRI = ["", "07/07/1386", "06/07/1386", "09/07/1386", "10/07/1386", "04/07/1386", "7 رجب 1386 هـ", "9 رجب 1386",
         "7  رجب 1386", "7 Rajab 1386", "7 رجب 1386 ه", "07/07/1386 هـ", "30/02/1386", "01/01/1200", "7 فلان 1386",
         "٠٧/٠٧/١٣٨٦"]  # fmt: skip


def _header() -> list[str]:
    return ("id classement num_acte annee prenom_ar nom_ar prenom_fr nom_fr sexe date_naissance "
            "date_naissance_lettres date_naissance_hijri lieu_ar lieu_fr pere_ar pere_fr mere_ar mere_fr date_acte "
            "date_acte_hijri officier declarant obs").split()  # fmt: skip


def _forked(fn: Callable[..., str], *args: Any) -> str:
    """fn(*args) in a forked process, its result returned."""
    ctx = multiprocessing.get_context("fork")
    results: Any = ctx.Queue()

    def run() -> None:
        try:
            results.put(("ok", fn(*args)))
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            results.put(("error", repr(exc)))

    proc = ctx.Process(target=run)
    proc.start()
    kind, value = results.get(timeout=120)
    proc.join()
    assert kind == "ok", value
    return str(value)


def test_every_date_spelling_reads_as_the_row_wise_reader_reads_it(export: tuple[Path, Any]) -> None:
    # given every combination of those spellings as a birth's three date cells (7 Rajab 1386 is 21 October 1966)
    out, _expected = export
    mapping = load_mapping(out / "mapping.yaml")
    table = mapping.table_for("naissances_bc.csv")
    header = _header()
    source = Source(path=out / "x.csv", name="x.csv", kind="csv", encoding="utf-8", header=header, rows_estimate=0)
    columns = ActColumns(mapping, table, source, 1)
    at = {h: i for i, h in enumerate(header)}
    rows = []
    for n, (g, w, h) in enumerate(itertools.product(GREGORIAN, WORDS, HIJRI), start=2):
        values = ["1", "1", str(n), "1966", "أحمد", "العلوي", "Ahmed", "El Alaoui", "M", g, w, h, "فاس", "Fès",
                  "محمد", "Mohamed", "فاطمة", "Fatima", "1966-10-25", "", "officier", "le père", ""]  # fmt: skip
        rows.append((n, values))
    # when the chunk is normalised column-wise (in a forked process, as the importer does: Polars' thread pool must
    # never start in the test process, which later tests fork reading processes from)
    staged = list(csv.reader(io.StringIO(_forked(columns.csv, rows))))
    # then each row's date, status, detail and flags are the row-wise reader's
    names = [c for c, _t in ACT_STAGE_IN]
    event = names.index("event_date")
    spec = table.dates["event_date"]
    checked = 0
    for (_n, values), line in zip(rows, staged, strict=True):
        g, w, h = (values[at[spec.gregorian]].strip(), values[at[spec.words]].strip(), values[at[spec.hijri]].strip())
        expected = nz.read_date_field(g, w, h, spec.formats)
        day = expected.value.isoformat() if expected.status == nz.OK and expected.value else "\\N"
        got = line[event : event + 3]
        assert got == [day, expected.status, expected.detail], (g, w, h)
        flags = [f for f in line[names.index("flags")].split(",") if f.startswith("event_date:")]
        assert flags == [f"event_date:{f}" for f in expected.flags], (g, w, h)
        checked += 1
    # (every combination, each status among them)
    assert checked == len(GREGORIAN) * len(WORDS) * len(HIJRI)
    statuses = {line[event + 1] for line in staged}
    assert {nz.OK, nz.EMPTY, nz.BAD, nz.YEAR_ONLY, nz.CONFLICT, nz.HIJRI_RANGE} <= statuses


def _pool_before_and_after_a_computation() -> str:
    before = polars_pool_started()
    frame = pl.DataFrame({"a": list(range(200_000))})
    frame.group_by(pl.col("a") % 7).len().sort("a")  # work for the pool's threads
    deadline = time.monotonic() + 5
    while not polars_pool_started() and time.monotonic() < deadline:  # (threads name themselves as they start)
        time.sleep(0.05)
    refused = ""
    try:
        _ReadSteps._read_in_workers(object(), [[1]], 1)  # type: ignore[arg-type]
    except RuntimeError as exc:
        refused = str(exc)
    return f"{before} {polars_pool_started()} {refused[:40]}"


def test_a_process_that_started_polars_pool_is_told_before_it_forks_readers() -> None:
    # (in a forked process: the test process must not start the pool) importing Polars starts no compute thread,
    # a computation does, and the importer refuses to fork reading processes from such a process
    assert _forked(_pool_before_and_after_a_computation).startswith("False True this process has started Polars'")
