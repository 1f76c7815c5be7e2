"""Exports of a budget's execution, from already-fetched rows (no database access, no permission checks):

- the Excel workbook the Treasury's GID takes, one sheet per direction, in the GID's line codes (part, chapter,
  article, line, code économique), with a totals row (openpyxl);
- the same rows as CSV (UTF-8 with BOM, `;`-separated, as spreadsheets in Morocco open it).

Jamaa prepares and exports to the GID; it does not replace it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import Direction
from .selectors import ExecutionRow

PART_CODES = {"fonctionnement": "1", "equipement": "2"}  # the GID's part codes: 1 fonctionnement, 2 équipement
GID_HEADERS = (
    "Exercice",
    "Partie",
    "Chapitre",
    "Article",
    "Ligne",
    "Code économique",
    "Intitulé",
    "التسمية",
    "Prévisions",
    "Modifications",
    "Crédits",
    "Engagé",
    "Liquidé",
    "Ordonnancé",
    "Payé / Recouvré",
    "Restes à recouvrer",
)
AMOUNT_COLUMNS = 8  # the first amount column's index (0-based) in GID_HEADERS


def _line(year: int, r: ExecutionRow) -> list[object]:
    done = r.collected_dh if r.direction == Direction.REVENUE else r.paid_dh
    return [
        year,
        PART_CODES.get(r.part, r.part),
        r.chapter,
        r.article,
        r.line,
        r.code_eco,
        r.label_fr,
        r.label_ar,
        r.forecast_dh,
        r.adjustments_dh,
        r.credit_dh,
        r.engaged_dh,
        r.liquidated_dh,
        r.ordered_dh,
        done,
        r.to_recover_dh,
    ]


def gid_workbook(*, year: int, revenue: Sequence[ExecutionRow], spending: Sequence[ExecutionRow]) -> bytes:
    """The .xlsx for the GID: sheets "Recettes" and "Dépenses", a header row, one row per line (codes as text, so
    that "01" keeps its zero; amounts as numbers with two decimals), then "TOTAL"."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, rows in (("Recettes", revenue), ("Dépenses", spending)):
        sheet = book.create_sheet(title)
        sheet.append(list(GID_HEADERS))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for r in rows:
            sheet.append(_line(year, r))
        totals: list[object] = ["TOTAL", *([""] * (AMOUNT_COLUMNS - 1))]
        for i in range(AMOUNT_COLUMNS, len(GID_HEADERS)):
            totals.append(sum((Decimal(str(_line(year, r)[i])) for r in rows), Decimal(0)))
        sheet.append(totals)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row[1:6]:
                cell.number_format = "@"
            for cell in row[AMOUNT_COLUMNS:]:
                cell.number_format = "#,##0.00"
        for cell in sheet["H"]:
            cell.alignment = Alignment(horizontal="right", readingOrder=2)
        for col, width in zip("ABCDEFGH", (9, 7, 9, 8, 7, 10, 44, 40), strict=True):
            sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def execution_csv(*, year: int, revenue: Sequence[ExecutionRow], spending: Sequence[ExecutionRow]) -> str:
    """The execution by line as CSV: a "Sens" column (R recettes, D dépenses) then the GID's columns."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Sens", *GID_HEADERS])
    for sens, rows in (("R", revenue), ("D", spending)):
        for r in rows:
            writer.writerow([sens, *(f"{v:.2f}" if isinstance(v, Decimal) else v for v in _line(year, r))])
    return out.getvalue()
