"""Reading legacy files as (line, values) rows: CSV in any of the exports' encodings, and XLSX.

CSV cells are kept exactly as decoded; XLSX typed dates become ISO text (a typed value, not a guess) and whole
numbers lose Excel's ".0". An empty cell is the empty string: the importer never sees None for a present cell.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .normalise import detect_encoding

SAMPLE_BYTES = 1 << 20


def _cut_end(exc: UnicodeError) -> tuple[str, int]:
    """A file cut in the middle of a multi-byte character (a truncated UTF-8 export) ends in an incomplete
    sequence: that one becomes U+FFFD (its row is short and rejected); any other bad byte still stops the run."""
    if isinstance(exc, UnicodeDecodeError) and exc.reason == "unexpected end of data":
        return "\ufffd", exc.end
    raise exc


codecs.register_error("jamaa-cut-end", _cut_end)


class SourceError(ValueError):
    """A file cannot be read as declared (encoding, missing columns): the run stops before importing anything."""


@dataclass
class Source:
    path: Path
    name: str
    kind: str  # "csv" | "xlsx"
    encoding: str  # Python codec, "xlsx" for workbooks
    header: list[str]
    rows_estimate: int


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(b"\n")
    return max(count - 1, 0)


def open_source(path: Path, declared_encoding: str, delimiter: str) -> tuple[Source, Iterator[tuple[int, list[str]]]]:
    """The file's header and an iterator over its data rows (line numbers as an editor shows them, header = 1)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(path)
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample) if declared_encoding == "auto" else declared_encoding
    text_sample = sample.decode(encoding, errors="replace")
    if not delimiter:
        first = text_sample.split("\n", 1)[0]
        delimiter = max((";", ",", "\t", "|"), key=first.count)
    handle_text = io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="", errors="jamaa-cut-end")
    reader = csv.reader(handle_text, delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        header = []
    except UnicodeDecodeError as exc:
        handle_text.close()
        raise SourceError(f"{path.name}: not {encoding} ({exc}); declare the table's encoding in the mapping") from None
    source = Source(path, path.name, "csv", encoding, header, _count_lines(path))

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for values in reader:
                if values:
                    yield reader.line_num, values
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"{path.name} line {reader.line_num + 1}: not {encoding} ({exc}); declare the table's encoding"
            ) from None
        finally:
            handle_text.close()

    return source, rows()


def truncation(source: Source, delimiter: str) -> str:
    """Why a CSV file looks cut short ("" if it does not): its last row has fewer fields than the header, or it
    does not end with a line break (an export cut mid-row). Reads the file's last 64 kB only."""
    if source.kind != "csv":
        return ""
    size = source.path.stat().st_size
    with source.path.open("rb") as handle:
        handle.seek(max(0, size - (1 << 16)))
        tail = handle.read()
    body = tail.rstrip(b"\r\n")
    if size <= len(tail) and b"\n" not in body:
        return ""  # the header alone
    last = body.rsplit(b"\n", 1)[-1].decode(source.encoding, errors="replace")
    fields = next(csv.reader([last], delimiter=delimiter or _sniff(source)), [])
    if len(fields) < len(source.header):
        return f"its last row has {len(fields)} of the header's {len(source.header)} fields"
    if not tail.endswith(b"\n"):
        return "it does not end with a line break"
    return ""


def _sniff(source: Source) -> str:
    with source.path.open("rb") as handle:
        first = handle.readline().decode(source.encoding, errors="replace")
    return max((";", ",", "\t", "|"), key=first.count)


def _open_xlsx(path: Path) -> tuple[Source, Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"{path.name}: not a readable workbook, probably truncated or damaged ({exc})") from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(v).strip() for v in next(iterator)]
    except StopIteration:
        header = []
    while header and not header[-1]:
        header.pop()
    width = len(header)
    source = Source(path, path.name, "xlsx", "xlsx", header, max((sheet.max_row or 1) - 1, 0))

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(iterator, start=2):
                cells = [_cell(v) for v in values]
                while len(cells) > width and not cells[-1]:
                    cells.pop()
                if any(cells):
                    yield line, cells
        finally:
            workbook.close()

    return source, rows()


def write_csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()
