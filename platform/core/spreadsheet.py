"""CSV files that spreadsheet programs open: no cell may run as a formula (CSV/formula injection).

A text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel and
LibreOffice (`=HYPERLINK(…)`, `@SUM(…)`, `-2+3+cmd|' /C calc'!A0`): such a cell is written with a leading
apostrophe, which spreadsheets show as text and never evaluate (OWASP's advice). A plain number (`-300.00`, the
negative counter-entry of a cancelled receipt) is no formula and stays as it is, so amounts keep their format.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralise(value: object) -> str:
    """The cell as text, with a leading apostrophe when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(text):
        return "'" + text
    return text


class SafeWriter:
    """csv.writer whose every cell goes through neutralise()."""

    def __init__(self, handle: _Writable, **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: _Writable, **kwargs: Any) -> SafeWriter:
    """A CSV writer for files people open in a spreadsheet (same options as csv.writer)."""
    return SafeWriter(handle, **kwargs)
