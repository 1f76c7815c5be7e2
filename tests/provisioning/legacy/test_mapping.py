"""The mapping file's new options: constants for any column, note keys, the year and size settings; a typo is
refused with the key at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from jamaa.provisioning.legacy.mapping import CONST, Mapping, MappingError, load_mapping

HEAD = """format: jamaa-legacy-mapping/1
bureaux: {"1": {code: BC, first_register_year: 1957}}
"""
NOTES = """tables:
  - name: mentions
    files: ["m*.csv"]
    record: note
    key: %s
    note_kind_column: {value: MAR}
    fields: {text_ar: texte_ar, text_fr: texte_fr}
    dates: {noted_on: date_mention}
"""


def _load(tmp_path: Path, text: str) -> Mapping:
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    return load_mapping(tmp_path / "m.yaml")


def test_constants_note_keys_and_settings_are_read(tmp_path: Path) -> None:
    text = HEAD + "first_register_year: 1930\nlate_declaration_days: 45\ndeclared_rows: {m.csv: 10}\n"
    mapping = _load(tmp_path, text + NOTES % '{bureau: {value: "1"}, year: annee, number: num}')
    table = mapping.tables[0]
    assert table.key == {"bureau": CONST + "1", "year": "annee", "number": "num"}
    assert table.note_key == "register" and table.note_kind_column == CONST + "MAR"
    assert table.constants() == [CONST + "1", CONST + "MAR"]
    assert table.columns() == {"annee", "num", "texte_ar", "texte_fr", "date_mention"}  # constants need no column
    assert (mapping.first_register_year, mapping.late_declaration_days) == (1930, 45)
    assert mapping.bureaux["1"].first_register_year == 1957
    assert mapping.declared_rows == {"m.csv": 10}
    by_id = _load(tmp_path, HEAD + NOTES % "{legacy_id: id_acte}").tables[0]
    assert by_id.note_key == "legacy_id"
    by_number = _load(tmp_path, HEAD + NOTES % "{year: annee, number: num}").tables[0]
    assert by_number.note_key == "number"


@pytest.mark.parametrize(
    ("key", "error"),
    [
        ("{legacy_id: id_acte, year: annee}", "a note keyed by its act's legacy id has `legacy_id` only"),
        ("{bureau: classement, number: num}", "give the act's `legacy_id`, or its `year` and `number`"),
        ("{bureau: {val: 1}, year: annee, number: num}", r"tables\[0\]\.key\.bureau must be a column name or"),
    ],
)
def test_a_bad_note_key_is_refused(tmp_path: Path, key: str, error: str) -> None:
    with pytest.raises(MappingError, match=error):
        _load(tmp_path, HEAD + NOTES % key)


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    notes = NOTES % "{year: annee, number: num}"
    with pytest.raises(MappingError, match="first_register_year must be a year"):
        _load(tmp_path, HEAD + "first_register_year: 12\n" + notes)
    with pytest.raises(MappingError, match="late_declaration_days must be a whole number"):
        _load(tmp_path, HEAD + "late_declaration_days: soon\n" + notes)
    with pytest.raises(MappingError, match="declared_rows: give each file name"):
        _load(tmp_path, HEAD + "declared_rows: [1]\n" + notes)
