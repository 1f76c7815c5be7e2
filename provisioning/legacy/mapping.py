"""The mapping file (YAML) that says how a legacy export feeds Jamaa's acts and marginal notes.

Format and every key: docs/legacy-import.md. Loaded once per run and checked before any row is read, so a typo
in the mapping stops the run with one sentence instead of rejecting a million rows.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .normalise import FORMATS, codec_name

MAPPING_FORMAT = "jamaa-legacy-mapping/1"
RECORDS = ("act", "note", "note_text")

# Act fields a column may feed directly (text as recorded), with their length limit in the act table.
ACT_TEXT_FIELDS: dict[str, int] = {
    "given_name_ar": 120, "family_name_ar": 120, "given_name_fr": 120, "family_name_fr": 120,
    "place_ar": 200, "place_fr": 200,
    "father_name_ar": 200, "father_name_fr": 200, "father_birth": 200, "father_profession": 120,
    "father_nationality": 60,
    "mother_name_ar": 200, "mother_name_fr": 200, "mother_birth": 200, "mother_profession": 120,
    "mother_nationality": 60,
    "parents_address": 300, "grandfathers": 300,
    "declarant_name": 200, "declarant_profession": 120, "declarant_address": 300, "declarant_relationship": 120,
    "judgment_court": 200, "judgment_number": 60,
}  # fmt: skip
ACT_CODED_FIELDS = ("sex",)
ACT_DATE_FIELDS = ("event_date", "drawn_up_on")
ACT_HIJRI_TEXT_FIELDS = {"event_date_hijri": 40, "drawn_up_hijri": 40}
NOTE_TEXT_FIELDS = {"text_ar": 0, "text_fr": 0, "authority": 200, "document_number": 60}
NOTE_DATE_FIELDS = ("document_date", "noted_on")
KEY_PARTS = ("bureau", "year", "number")
# A column reference may be a constant instead (`bureau: {value: "1"}`): kept as this prefix + the value, read as
# an extra cell at the end of every row.
CONST = "\x00value:"
LATE_DECLARATION_DAYS = 30  # domain (etat-civil.md): a declaration is on time within 30 days of the event


class MappingError(ValueError):
    """The mapping file is not valid: the message names the key at fault."""


@dataclass(frozen=True)
class DateSpec:
    gregorian: str = ""
    words: str = ""
    hijri: str = ""
    formats: tuple[str, ...] = FORMATS


@dataclass(frozen=True)
class BureauSpec:
    code: str
    name_fr: str
    name_ar: str
    first_register_year: int | None = None


@dataclass(frozen=True)
class TableSpec:
    name: str
    files: tuple[str, ...]
    record: str  # act | note | note_text
    encoding: str = "auto"  # a Python codec or "auto"
    delimiter: str = ""  # "" = sniffed (; or , or tab)
    kind: str = ""  # a fixed act kind (birth/death) …
    kind_column: str = ""  # … or a column coded through codes.kind
    key: dict[str, str] = field(default_factory=dict)  # bureau/year/number → column
    legacy_id: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # Jamaa field → column
    dates: dict[str, DateSpec] = field(default_factory=dict)
    note_kind_column: str = ""
    act_kind: str = "birth"  # notes: the kind of act they annotate
    act_table: str = ""  # notes keyed by legacy id: the act table whose ids they use ("" = any)

    @property
    def note_key(self) -> str:
        """How a note finds its act: "legacy_id", "register" (bureau, year, number) or "number" (year, number in
        any bureau)."""
        if "legacy_id" in self.key:
            return "legacy_id"
        return "register" if "bureau" in self.key else "number"

    def constants(self) -> list[str]:
        """The constant references of this table, in a fixed order (their cells follow the row's)."""
        refs = [*self.key.values(), *self.fields.values(), self.legacy_id, self.kind_column, self.note_kind_column]
        for d in self.dates.values():
            refs += [d.gregorian, d.words, d.hijri]
        return sorted({r for r in refs if r.startswith(CONST)})

    def matches(self, file_name: str) -> bool:
        return any(fnmatch.fnmatch(file_name.lower(), pattern.lower()) for pattern in self.files)

    def columns(self) -> set[str]:
        """Every source column this table reads (for the header check)."""
        cols = set(self.key.values()) | set(self.fields.values())
        cols |= {c for c in (self.legacy_id, self.kind_column, self.note_kind_column) if c}
        for d in self.dates.values():
            cols |= {c for c in (d.gregorian, d.words, d.hijri) if c}
        return {c for c in cols if not c.startswith(CONST)}


@dataclass(frozen=True)
class Mapping:
    path: str
    bureaux: dict[str, BureauSpec]
    codes: dict[str, dict[str, str]]
    old_places: frozenset[str]
    tables: tuple[TableSpec, ...]
    first_register_year: int | None = None  # the commune's first register (older years are impossible)
    late_declaration_days: int = LATE_DECLARATION_DAYS
    declared_rows: dict[str, int] = field(default_factory=dict)  # file name → data rows it should hold

    def table_for(self, file_name: str) -> TableSpec:
        for table in self.tables:
            if table.matches(file_name):
                return table
        raise MappingError(f"no table of the mapping matches the file {file_name!r} (see each table's `files`)")


def _str_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"{where} must be a mapping of names to values")
    return {str(k).strip(): str(v).strip() for k, v in value.items()}


def _ref(value: Any, where: str) -> str:
    """A source column's name, or a constant written `{value: ...}`."""
    if isinstance(value, dict):
        if set(value) != {"value"} or value["value"] is None:
            raise MappingError(f"{where} must be a column name or {{value: <a constant>}}")
        return CONST + str(value["value"]).strip()
    return "" if value is None else str(value).strip()


def _ref_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"{where} must be a mapping of names to columns")
    return {str(k).strip(): _ref(v, f"{where}.{k}") for k, v in value.items()}


def _year(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or not 1900 <= value <= 2200:
        raise MappingError(f"{where} must be a year (1900-2200)")
    return value


def _date_spec(value: Any, where: str) -> DateSpec:
    if isinstance(value, str):
        return DateSpec(gregorian=value)
    if isinstance(value, dict) and set(value) == {"value"}:
        return DateSpec(gregorian=_ref(value, where))
    if not isinstance(value, dict):
        raise MappingError(f"{where} must be a column name or {{gregorian, words, hijri, formats}}")
    unknown = set(value) - {"gregorian", "words", "hijri", "formats"}
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {sorted(unknown)}")
    formats = tuple(str(f) for f in value.get("formats") or FORMATS)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise MappingError(f"{where}.formats: unknown format(s) {bad} (known: {', '.join(FORMATS)})")
    return DateSpec(
        gregorian=_ref(value.get("gregorian"), f"{where}.gregorian"),
        words=_ref(value.get("words"), f"{where}.words"),
        hijri=_ref(value.get("hijri"), f"{where}.hijri"),
        formats=formats,
    )


def _table(raw: Any, index: int) -> TableSpec:
    where = f"tables[{index}]"
    if not isinstance(raw, dict):
        raise MappingError(f"{where} must be a mapping")
    name = str(raw.get("name") or f"table{index}")
    record = str(raw.get("record") or "act")
    if record not in RECORDS:
        raise MappingError(f"{where}.record must be one of {', '.join(RECORDS)}")
    files = raw.get("files")
    if isinstance(files, str):
        files = [files]
    if not files:
        raise MappingError(f"{where}.files: give the file name patterns this table comes in (e.g. naissances*.csv)")
    try:
        encoding = codec_name(str(raw.get("encoding") or "auto"))
    except ValueError as exc:
        raise MappingError(f"{where}.encoding: {exc}") from None
    fields = _ref_map(raw.get("fields"), f"{where}.fields")
    key = _ref_map(raw.get("key"), f"{where}.key")
    dates = {str(k): _date_spec(v, f"{where}.dates.{k}") for k, v in (raw.get("dates") or {}).items()}
    if record == "act":
        allowed = {*ACT_TEXT_FIELDS, *ACT_CODED_FIELDS, *ACT_HIJRI_TEXT_FIELDS, "declarant_age", "remark"}
        unknown = set(fields) - allowed
        if unknown:
            raise MappingError(f"{where}.fields: unknown act field(s) {sorted(unknown)}")
        for required in ("given_name_ar", "family_name_ar"):
            if required not in fields:
                raise MappingError(f"{where}.fields.{required} is required (Arabic names are authoritative)")
        if set(dates) - set(ACT_DATE_FIELDS):
            raise MappingError(f"{where}.dates: only {', '.join(ACT_DATE_FIELDS)}")
        kind = str(raw.get("kind") or "")
        if kind and kind not in ("birth", "death"):
            raise MappingError(f"{where}.kind must be birth or death")
        if not kind and not raw.get("kind_column"):
            raise MappingError(f"{where}: give `kind` (birth/death) or `kind_column` (coded through codes.kind)")
    elif record == "note":
        if set(fields) - set(NOTE_TEXT_FIELDS):
            raise MappingError(f"{where}.fields: a note has {', '.join(NOTE_TEXT_FIELDS)}")
        if "text_ar" not in fields:
            raise MappingError(f"{where}.fields.text_ar is required")
        if set(dates) - set(NOTE_DATE_FIELDS):
            raise MappingError(f"{where}.dates: only {', '.join(NOTE_DATE_FIELDS)}")
        if not raw.get("note_kind_column"):
            raise MappingError(f"{where}.note_kind_column is required (coded through codes.note_kind)")
    else:
        if set(fields) != {"text_fr"} or not raw.get("legacy_id"):
            raise MappingError(f"{where}: a note_text table has `legacy_id` and fields.text_fr only")
    if record == "act":
        missing = [p for p in KEY_PARTS if p not in key]
        if missing:
            raise MappingError(f"{where}.key: missing {', '.join(missing)} (a register is keyed by bureau and year)")
    elif record == "note":
        if "legacy_id" in key:
            if set(key) != {"legacy_id"}:
                raise MappingError(f"{where}.key: a note keyed by its act's legacy id has `legacy_id` only")
        elif not {"year", "number"} <= set(key) or set(key) - set(KEY_PARTS):
            raise MappingError(
                f"{where}.key: give the act's `legacy_id`, or its `year` and `number` (and `bureau`, else the bureau "
                "is the act's)"
            )
    return TableSpec(
        name=name,
        files=tuple(str(f) for f in files),
        record=record,
        encoding=encoding,
        delimiter=str(raw.get("delimiter") or ""),
        kind=str(raw.get("kind") or ""),
        kind_column=_ref(raw.get("kind_column"), f"{where}.kind_column"),
        key=key,
        legacy_id=_ref(raw.get("legacy_id"), f"{where}.legacy_id"),
        fields=fields,
        dates=dates,
        note_kind_column=_ref(raw.get("note_kind_column"), f"{where}.note_kind_column"),
        act_kind=str(raw.get("act_kind") or "birth"),
        act_table=str(raw.get("act_table") or ""),
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file. Raises MappingError naming the key at fault."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise MappingError(f"cannot read the mapping {path}: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != MAPPING_FORMAT:
        raise MappingError(f"{path}: not a mapping file (its first line should be `format: {MAPPING_FORMAT}`)")
    bureaux: dict[str, BureauSpec] = {}
    for source, spec in (raw.get("bureaux") or {}).items():
        if not isinstance(spec, dict) or not spec.get("code"):
            raise MappingError(f"bureaux.{source}: give {{code, name_fr, name_ar}}")
        bureaux[str(source).strip()] = BureauSpec(
            str(spec["code"]).strip(),
            str(spec.get("name_fr") or spec["code"]),
            str(spec.get("name_ar") or ""),
            _year(spec.get("first_register_year"), f"bureaux.{source}.first_register_year"),
        )
    if not bureaux:
        raise MappingError("bureaux: map each legacy bureau value to a Jamaa bureau code")
    codes = {str(k): _str_map(v, f"codes.{k}") for k, v in (raw.get("codes") or {}).items()}
    tables = tuple(_table(t, i) for i, t in enumerate(raw.get("tables") or []))
    if not tables:
        raise MappingError("tables: describe at least one table")
    late = raw.get("late_declaration_days", LATE_DECLARATION_DAYS)
    if not isinstance(late, int) or late < 0:
        raise MappingError("late_declaration_days must be a whole number of days")
    declared = raw.get("declared_rows") or {}
    if not isinstance(declared, dict) or not all(isinstance(v, int) and v >= 0 for v in declared.values()):
        raise MappingError("declared_rows: give each file name with the number of data rows it should hold")
    return Mapping(
        path=str(path),
        bureaux=bureaux,
        codes=codes,
        old_places=frozenset(str(p).strip() for p in raw.get("old_places") or []),
        tables=tables,
        first_register_year=_year(raw.get("first_register_year"), "first_register_year"),
        late_declaration_days=late,
        declared_rows={str(k): int(v) for k, v in declared.items()},
    )
