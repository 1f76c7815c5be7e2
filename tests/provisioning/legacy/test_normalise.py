"""Reading legacy values: every date form of the exports, Hijri conversion and its range, encodings, mojibake."""

from __future__ import annotations

import datetime as dt

import pytest

from jamaa.modules.etatcivil import calendars
from jamaa.provisioning.legacy import normalise as nz
from jamaa.provisioning.legacy.synth import Synth


@pytest.mark.parametrize(
    ("text", "status", "value"),
    [
        ("05/03/1961", nz.OK, dt.date(1961, 3, 5)),
        ("5/3/1961", nz.OK, dt.date(1961, 3, 5)),
        ("1961-03-05", nz.OK, dt.date(1961, 3, 5)),
        ("00/00/1950", nz.YEAR_ONLY, None),
        ("1950", nz.YEAR_ONLY, None),
        ("31/02/1975", nz.BAD, None),
        ("??/05/1975", nz.BAD, None),
        ("", nz.EMPTY, None),
    ],
)
def test_gregorian_forms(text: str, status: str, value: dt.date | None) -> None:
    read = nz.read_gregorian(text)
    assert (read.status, read.value) == (status, value)


def test_french_words_as_the_registers_write_them() -> None:
    assert nz.read_french_words("le premier janvier mil neuf cent cinquante").value == dt.date(1950, 1, 1)
    assert nz.read_french_words("le vingt et un mars deux mille quatre-vingt-dix-neuf").value == dt.date(2099, 3, 21)
    assert nz.read_french_words("Le quinze Août mille neuf cent soixante-dix-sept").value == dt.date(1977, 8, 15)
    assert nz.read_french_words("le trente février deux mille").status == nz.BAD


def test_hijri_converts_to_the_umm_al_qura_day_within_range() -> None:
    assert nz.read_hijri("01/09/1445").gregorian == dt.date(2024, 3, 11)  # 1 Ramadan 1445
    assert nz.read_hijri("1 رمضان 1445 هـ").gregorian == dt.date(2024, 3, 11)
    assert nz.read_hijri("1 Ramadan 1445").gregorian == dt.date(2024, 3, 11)
    assert nz.read_hijri("01/01/1343").gregorian == dt.date(1924, 8, 1)  # the converter's first day
    assert nz.read_hijri("31/11/1349").gregorian == dt.date(1931, 4, 18)  # the tables' one 31-day month
    assert nz.read_hijri("31/12/1445").status == nz.BAD  # no such day


def test_the_hijri_lookup_table_is_the_converter_for_every_month() -> None:
    # each month's first and last possible days, through the table and through the registry's converter
    table = nz.hijri_table()
    assert len(table) == (calendars.GREGORIAN_MAX - calendars.GREGORIAN_MIN).days + 1
    for y in range(calendars.HIJRI_MIN[0], calendars.HIJRI_MAX[0] + 1):
        for m in range(1, 13):
            for d in (1, 29, 30, 31):
                try:
                    expected: dt.date | None = calendars.from_hijri(y, m, d)
                except calendars.HijriDateError:
                    expected = None
                assert table.get((y, m, d)) == expected, (y, m, d)


@pytest.mark.parametrize("text", ["29/12/1342", "12/07/1320", "01/01/1501"])
def test_hijri_outside_the_converter_is_its_own_status(text: str) -> None:
    read = nz.read_hijri(text)
    assert read.status == nz.HIJRI_RANGE and "1343–1500" in read.detail


def test_a_date_field_keeps_the_recorded_day_and_flags_what_disagrees() -> None:
    # Gregorian governs; the Hijri text one day off (moon sighting) is kept as recorded and flagged
    day = dt.date(2024, 3, 11)
    field = nz.read_date_field("11/03/2024", "", "02/09/1445")
    assert (field.value, field.status, field.flags) == (day, nz.OK, ("hijri_differs_1_2_days",))
    # more than two days apart: a conflict, never "fixed"
    assert nz.read_date_field("11/03/2024", "", "10/09/1445").status == nz.CONFLICT
    # the Hijri text alone: converted
    assert nz.read_date_field("", "", "01/09/1445").value == day
    # the Hijri text alone, out of range: not a day
    assert nz.read_date_field("", "", "12/07/1320").status == nz.HIJRI_RANGE
    # a year only: no day invented
    assert nz.read_date_field("00/00/1950", "", "") == nz.DateField(None, nz.YEAR_ONLY, ("date_year_only",), "1950")


def test_encodings_are_detected() -> None:
    text = "id;prenom_ar;prenom_fr\n1;محمد;Mohamed\n2;فاطمة;Fatima\n3;العلوي;Aïcha\n"
    assert nz.detect_encoding(text.encode("utf-8")) == "utf-8-sig"
    assert nz.detect_encoding(text.encode("cp1256")) == "cp1256"
    assert nz.detect_encoding("id;texte_fr\n1;Mariée à Sefrou, décision n° 4\n".encode("latin-1")) == "latin-1"


def test_mojibake_is_recognised_with_its_probable_reading() -> None:
    broken = Synth.mojibake("محمد")
    assert nz.looks_mojibake(broken) and not nz.looks_mojibake("محمد") and not nz.looks_mojibake("Aïcha Château")
    assert nz.mojibake_reading(broken) == "محمد"
