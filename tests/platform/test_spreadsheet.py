"""CSV cells a spreadsheet would run as formulas are written as text; numbers stay numbers."""

from __future__ import annotations

import csv
import io

from jamaa.platform.core import spreadsheet


def test_formula_cells_get_an_apostrophe_and_numbers_do_not() -> None:
    # given cells starting like formulas, negative amounts and ordinary text
    row = [
        "=1+1",
        "+33 6",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1)",
        "\tx",
        "\rx",
        "-300.00",
        "+12",
        "-7",
        "Café",
        "",
        None,
    ]
    # when written by the safe writer and read back
    out = io.StringIO()
    spreadsheet.writer(out, delimiter=";").writerow(row)
    back = next(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    # then
    assert back == ["'=1+1", "'+33 6", "'-2+3+cmd|' /C calc'!A0", "'@SUM(A1)", "'\tx", "'\rx", "-300.00", "+12", "-7",
                    "Café", "", ""]  # fmt: skip
    # writing a neutralised cell again leaves it as it is (a report rewritten in place)
    assert spreadsheet.neutralise("'=1+1") == "'=1+1"
