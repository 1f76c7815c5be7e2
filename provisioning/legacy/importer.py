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
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import psycopg2
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import search, services
from jamaa.modules.etatcivil.models import Act, Bureau, MarginalNote, NoteKind, Register
from jamaa.modules.etatcivil.models_search import NameKey
from jamaa.platform import db_guards
from jamaa.platform.core import spreadsheet
from jamaa.tenants.models import Commune

from . import normalise as nz
from .mapping import ACT_HIJRI_TEXT_FIELDS, ACT_TEXT_FIELDS, CONST, Mapping, TableSpec, load_mapping
from .readers import Source, SourceError, open_source, truncation

ProgressFn = Callable[[str, int, int], None]

SYSTEM_USERNAME = "legacy-import"
COPY_CHUNK_ROWS = 20_000
COPY_READ_SIZE = 1 << 20  # psycopg2 reads a COPY source in blocks of this size (its 8 kB default costs GIL turns)
BULK_MIN_ROWS = 20_000  # below this, dropping and rebuilding the act indexes costs more than it saves
PARALLEL_MIN_BYTES = 4 << 20
_LINE_MASK = "4294967295"
# Staging columns analysed after the read: the joins' and groups' keys (not the wide text ones), and the verdict
# columns (still all NULL: without statistics the planner takes "reason IS NULL" for a rare case and loops).
_VERDICT_STATS = "reason, dup_kind, dup_id, probable_file, target_id"
STAGE_STATS = (  # [notes or texts, acts]
    f"file_no, line, legacy_id, pre_reason, {_VERDICT_STATS}",
    f"file_no, line, legacy_id, pre_reason, bureau_code, kind, year, {_VERDICT_STATS}",
)


def _row_order(alias: str = "") -> str:
    """A staged row's (file, line) as one orderable number (file in the high 32 bits)."""
    p = f"{alias}." if alias else ""
    return f"({p}file_no::bigint << 32 | {p}line)"  # below this, starting reading processes costs more than it saves


STAGE_PREFIX = "legacy_stage_"
SEALING_TABLE = "legacy_sealing"  # session-local: the acts of a batch before they are inserted, sealed
SAMPLE_ROWS = 500  # rows read before the import to check the Arabic columns' decoding
ARABIC_SHARE = 0.1  # an Arabic column "holds no Arabic letter" when fewer of its values than this have one
ARABIC_FIELDS = {
    "act": ("given_name_ar", "family_name_ar", "father_name_ar", "mother_name_ar", "place_ar"),
    "note": ("text_ar",),
}
TRUNCATED_SHARE = 0.9  # a file with fewer rows than this share of its declared or previous size is cut short
TRACE = bool(os.environ.get("JAMAA_LEGACY_TRACE"))  # print each SQL step's time

# Reason codes of rejected rows (docs/legacy-import.md explains each one).
REASONS = {
    "ROW_MALFORMED": "the row has a different number of fields than the header",
    "UNKNOWN_BUREAU": "the bureau value is not in the mapping's bureaux",
    "UNKNOWN_KIND": "the act kind value is not in codes.kind",
    "BAD_YEAR": "the register year is missing or not a year between 1900 and 2200",
    "YEAR_IMPOSSIBLE": "the register year is after the current year, or before the bureau's first register",
    "BAD_NUMBER": "the act number is missing or not a positive whole number",
    "MOJIBAKE": "an Arabic name was stored with the wrong encoding (mojibake); its probable reading is given",
    "MISSING_ARABIC_NAME": "the Arabic given or family name is empty (Arabic names are authoritative)",
    "UNKNOWN_CODE": "a coded value (sex, note kind) is not in the mapping's code table",
    "BAD_DATE": "a date is not a date in any declared form",
    "HIJRI_OUT_OF_RANGE": "the only date is a Hijri date outside the converter's range (1343–1500 AH)",
    "DATE_CONFLICT": "two sources of the same date disagree by more than two days",
    "DATE_AFTER_IMPORT": "the event or the drawing up is dated after the day of the import",
    "EVENT_AFTER_DRAWN_UP": "the event is dated after the act was drawn up",
    "FIELD_TOO_LONG": "a value is longer than the registry's field",
    "REGISTER_CLOSED": "the register of this bureau, kind and year is closed in Jamaa",
    "NOTE_INCOMPLETE": "the note has no Arabic text",
    "NOTE_ORPHAN": "the note points at an act that is neither in the registry nor imported by this run",
    "NOTE_AMBIGUOUS": "the note's key matches several acts (several bureaux, or a shared legacy id): map its bureau",
    "NOTE_REJECTED": "the note this French text belongs to was rejected",
    "NOTE_TEXT_ORPHAN": "no note of this run has this French text's legacy id",
}
DUPLICATE_MATCHES = {
    "exact": "keyed twice: same register and number, same content",
    "same_number": "same register and number as another act, different content (review it)",
    "already_imported": "already in the registry from this file and line (a re-run or a resumed run)",
    "changed": "imported before from this file and line, but the row's content changed since: not imported, review",
    "probable": "same names, event date and parents under another number: imported, flagged for review",
}


def _t(value: str) -> str:
    """A value in COPY's text format (most values hold none of these characters: test before replacing)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def _n(value: object | None) -> str:
    return "\\N" if value is None else str(value)


@dataclass
class ImportResult:
    report: dict[str, Any]
    report_dir: Path
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    read_processes: int = 1  # worker processes that read the files (1: read in this process)

    @property
    def totals(self) -> dict[str, int]:
        return dict(self.report["totals"])


class LegacyImportError(Exception):
    """The run cannot start or go on (unknown commune, mapping or file unreadable); nothing was imported."""


# ----------------------------------------------------------------------------------------------- staging tables

ACT_STAGE_IN: list[tuple[str, str]] = [
    ("file_no", "int"), ("line", "int"), ("legacy_id", "text"), ("raw", "jsonb"),
    ("bureau_src", "text"), ("bureau_code", "text"), ("kind", "text"), ("year", "int"), ("number", "int"),
    *[(f, "text") for f in ACT_TEXT_FIELDS], *[(f, "text") for f in ACT_HIJRI_TEXT_FIELDS],
    ("sex", "text"), ("declarant_age", "int"),
    ("event_date", "date"), ("event_status", "text"), ("event_detail", "text"),
    ("drawn_up_on", "date"), ("drawn_status", "text"), ("drawn_detail", "text"),
    ("given_key_ar", "text"), ("family_key_ar", "text"), ("given_key_lat", "text"), ("family_key_lat", "text"),
    ("father_key", "text"), ("mother_key", "text"),
    ("flags", "text"), ("mojibake", "text"), ("hash", "text"), ("row_hash", "text"),
    ("pre_reason", "text"), ("pre_message", "text"),
]  # fmt: skip
NOTE_STAGE_IN: list[tuple[str, str]] = [
    ("file_no", "int"), ("line", "int"), ("legacy_id", "text"), ("raw", "text"),
    ("bureau_src", "text"), ("bureau_code", "text"), ("act_kind", "text"), ("year", "int"), ("number", "int"),
    ("kind", "text"), ("text_ar", "text"), ("authority", "text"), ("document_number", "text"),
    ("document_date", "date"), ("dd_status", "text"), ("dd_detail", "text"),
    ("noted_on", "date"), ("no_status", "text"), ("no_detail", "text"),
    ("mojibake", "text"), ("pre_reason", "text"), ("pre_message", "text"),
    ("key_mode", "text"), ("act_legacy_id", "text"), ("act_table", "text"), ("text_fr", "text"),
]  # fmt: skip
TEXT_STAGE_IN: list[tuple[str, str]] = [
    ("file_no", "int"), ("line", "int"), ("legacy_id", "text"), ("raw", "text"), ("text_fr", "text"),
    ("pre_reason", "text"), ("pre_message", "text"),
]  # fmt: skip
# Filled by the SQL steps.
VERDICT_COLS = [
    ("reason", "text"),
    ("message", "text"),
    ("dup_kind", "text"),
    ("dup_file", "int"),
    ("dup_line", "int"),
    ("dup_id", "bigint"),
    ("probable_file", "int"),
    ("probable_line", "int"),
    ("target_id", "bigint"),
]


# ------------------------------------------------------------------------------------------------- row reading


_NO_DATE = nz.DateField(None, nz.EMPTY)


@lru_cache(maxsize=500_000)
def _ar_key(text: str) -> str:
    return search.ar_key(text)


@lru_cache(maxsize=500_000)
def _lat_key(text: str) -> str:
    return search.lat_key(text)


_TITLES = frozenset(t.lower() for t in services.TITLES_LAT) | frozenset(services.TITLES_AR)
_WORDS = re.compile(r"[\s\-]+")


@lru_cache(maxsize=200_000)
def _has_title(text: str) -> bool:
    return any(w.lower().strip(".") in _TITLES for w in _WORDS.split(text) if w)


def _json(value: Any) -> dict[str, Any]:
    """A staged raw row: jsonb comes back decoded (acts), text as JSON (notes)."""
    return value if isinstance(value, dict) else dict(json.loads(value))


def _sql_str(value: str) -> str:
    """A SQL string literal (for names that come from the mapping or a header, never from rows)."""
    return "'" + value.replace("'", "''") + "'"


def encoding_label(codec: str) -> str:
    return {"utf-8-sig": "utf-8", "cp1256": "windows-1256", "latin-1": "latin-1"}.get(codec, codec)


def _int(text: str, high: int = 2_000_000_000) -> int | None:
    s = text.strip()
    if s.endswith(".0"):  # a number that went through a spreadsheet
        s = s[:-2]
    return int(s) if s.isdigit() and 0 <= int(s) <= high else None


class _Columns:
    """Index of each source column in a file's header."""

    def __init__(self, source: Source, table: TableSpec) -> None:
        self.index = {name: i for i, name in enumerate(source.header)}
        for k, const in enumerate(table.constants()):
            self.index[const] = len(source.header) + k  # a constant's cell follows the row's
        missing = sorted(c for c in table.columns() if c not in self.index)
        if missing:
            raise SourceError(
                f"{source.name}: column(s) {', '.join(missing)} named in the mapping's table {table.name!r} "
                f"are not in the file's header"
            )
        self.width = len(source.header)

    def get(self, values: list[str], column: str) -> str:
        if not column:
            return ""
        i = self.index[column]
        return values[i].strip() if i < len(values) else ""


_JSON_STR = json.encoder.encode_basestring  # the C string encoder: the raw row is written without a dict


class _RowReader:
    """Turns one source row into the COPY line of its staging table. The hot loop of the import: column indexes
    are resolved once per file, values are read by index, every normaliser is cached."""

    def __init__(self, mapping: Mapping, table: TableSpec, source: Source, file_no: int) -> None:
        self.mapping, self.table, self.source, self.file_no = mapping, table, source, file_no
        self.cols = _Columns(source, table)
        self.header = source.header
        self.width = len(source.header)
        self.encoding = encoding_label(source.encoding)
        self.sex_codes = mapping.codes.get("sex", {})
        self.kind_codes = mapping.codes.get("kind", {})
        self.note_codes = mapping.codes.get("note_kind", {})
        self.bureaux = {k: b.code for k, b in mapping.bureaux.items()}
        self.consts = [c[len(CONST) :] for c in table.constants()]
        self.pad = [""] * self.width
        index = self.cols.index

        def at(column: str) -> int:
            return index[column] if column else -1

        self.i_bureau, self.i_year = at(table.key.get("bureau", "")), at(table.key.get("year", ""))
        self.i_number, self.i_legacy = at(table.key.get("number", "")), at(table.legacy_id)
        self.i_kind = at(table.kind_column)
        self.i_sex, self.i_age = at(table.fields.get("sex", "")), at(table.fields.get("declarant_age", ""))
        self.i_dates = {
            name: (at(spec.gregorian), at(spec.words), at(spec.hijri), spec.formats)
            for name, spec in table.dates.items()
        }
        # The raw row as JSON: the keys are the header's, written once.
        self.json_keys = [_JSON_STR(h) + ":" for h in source.header]
        self.json_head = '{"table":' + _JSON_STR(table.name) + ',"encoding":' + _JSON_STR(self.encoding) + ',"row":{'

    @staticmethod
    def _v(values: list[str], i: int) -> str:
        return values[i].strip() if 0 <= i < len(values) else ""

    def _raw(self, values: list[str], flags: list[str], digest: str = "") -> str:
        parts = [k + _JSON_STR(v) for k, v in zip(self.json_keys, values, strict=False)]
        if len(values) > self.width:
            parts.append('"_extra":' + json.dumps(values[self.width :], ensure_ascii=False))
        tail = "}"
        if flags:
            tail += ',"flags":' + json.dumps(flags)
        if digest:
            tail += ',"hash":"' + digest + '"'
        return self.json_head + ",".join(parts) + tail + "}"

    def _pre(self, values: list[str]) -> tuple[str | None, str | None]:
        if len(values) != self.width:
            return "ROW_MALFORMED", f"{len(values)} fields, the header has {self.width}"
        return None, None

    def _key(self, values: list[str]) -> tuple[str, str | None, int | None, int | None]:
        v = self._v
        bureau_src = v(values, self.i_bureau)
        year = _int(v(values, self.i_year), 9999)
        number = _int(v(values, self.i_number))
        return bureau_src, self.bureaux.get(bureau_src), year, number

    def _date(self, values: list[str], name: str) -> nz.DateField:
        spec = self.i_dates.get(name)
        if spec is None:
            return _NO_DATE
        v = self._v
        return nz.read_date_field(v(values, spec[0]), v(values, spec[1]), v(values, spec[2]), spec[3])

    def _cells(self, values: list[str]) -> list[str]:
        """The row padded/cut to the header's width, then the table's constants."""
        return (values + self.pad)[: self.width] + self.consts if self.consts else values

    def note_line(self, line: int, raw: list[str]) -> str:
        get, fields, table = self.cols.get, self.table.fields, self.table
        pre_reason, pre_message = self._pre(raw)
        values = self._cells(raw)
        bureau_src, bureau_code, year, number = self._key(values)
        kind_src = get(values, self.table.note_kind_column)
        kind = self.note_codes.get(kind_src) or (kind_src if kind_src in NoteKind.values else None)
        text_ar = get(values, fields["text_ar"])
        dd, no = self._date(values, "document_date"), self._date(values, "noted_on")
        mojibake = f"text_ar: probably reads {nz.mojibake_reading(text_ar)!r}" if nz.looks_mojibake(text_ar) else None
        parts = [
            str(self.file_no), str(line), _t(get(values, self.table.legacy_id)), _t(self._raw(raw, [])),
            _t(bureau_src), _n(bureau_code), self.table.act_kind, _n(year), _n(number), _n(kind), _t(text_ar),
            _t(get(values, fields.get("authority", ""))), _t(get(values, fields.get("document_number", ""))),
            _n(dd.value), dd.status, _t(dd.detail), _n(no.value), no.status, _t(no.detail),
            _n(mojibake and _t(mojibake)), _n(pre_reason), _n(pre_message),
            table.note_key, _t(get(values, table.key.get("legacy_id", ""))), _t(table.act_table),
            _t(get(values, fields.get("text_fr", ""))),
        ]  # fmt: skip
        return "\t".join(parts)

    def text_line(self, line: int, raw: list[str]) -> str:
        pre_reason, pre_message = self._pre(raw)
        values = self._cells(raw)
        parts = [
            str(self.file_no), str(line), _t(self.cols.get(values, self.table.legacy_id)), _t(self._raw(raw, [])),
            _t(self.cols.get(values, self.table.fields["text_fr"])), _n(pre_reason), _n(pre_message),
        ]  # fmt: skip
        return "\t".join(parts)


_QUOTE_NEEDS_E = "\\"
_ASCII_YEAR = re.compile(r"^[0-9]{1,4}(?:\.0)?$")
_ASCII_NUMBER = re.compile(r"^[0-9]{1,10}(?:\.0)?$")
_ASCII_AGE = re.compile(r"^[0-9]{1,3}$")
_TRIM = " \t\r\n"  # what the SQL steps trimmed (btrim E' \t\r\n'): str.strip() would trim more


def _quote_literal(value: str) -> str:
    """PostgreSQL's quote_literal (the reject message quotes the names as SQL would)."""
    body = value.replace("'", "''")
    if _QUOTE_NEEDS_E in value:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


@lru_cache(maxsize=500_000)
def _ar_facts(text: str) -> tuple[str, bool, bool, str]:
    """An Arabic name spelling: (search key, has a title, mojibake, mojibake's probable reading)."""
    moji = nz.looks_mojibake(text)
    return _ar_key(text), _has_title(text), moji, nz.mojibake_reading(text) if moji else ""


@lru_cache(maxsize=500_000)
def _lat_facts(text: str) -> tuple[str, bool, bool]:
    """A Latin name spelling: (search key, has a title, holds Arabic letters)."""
    return _lat_key(text), _has_title(text), nz.has_arabic(text)


class _ActRow:
    """One act row → the narrow staging line, normalised in Python during the read (each name spelling and each
    date text is read once: the normalisers are cached), so the rows go into the staging table by COPY, with no
    SQL pass over the raw rows. Decides exactly what the staging SQL decided before (same flags in the same
    order, same fingerprint, same messages)."""

    def __init__(self, mapping: Mapping, table: TableSpec, source: Source, file_no: int) -> None:
        index = {h: i for i, h in enumerate(source.header)}
        self.consts = [c[len(CONST) :] for c in table.constants()]
        for k, const in enumerate(table.constants()):
            index[const] = len(source.header) + k  # a constant's cell follows the row's
        self.file_no, self.width = str(file_no), len(source.header)
        fields = table.fields
        self.i_remark = index[fields["remark"]] if fields.get("remark") else -1
        self.late_days = mapping.late_declaration_days

        def at(column: str) -> int:
            return index[column] if column else -1

        self.i_legacy, self.i_bureau = at(table.legacy_id), at(table.key["bureau"])
        self.i_year, self.i_number = at(table.key["year"]), at(table.key["number"])
        self.i_kind, self.i_sex = at(table.kind_column), at(fields.get("sex", ""))
        self.i_age = at(fields.get("declarant_age", ""))
        self.text_fields = [*ACT_TEXT_FIELDS, *ACT_HIJRI_TEXT_FIELDS]
        self.i_text = [at(fields.get(f, "")) for f in self.text_fields]
        self.pos = {f: n for n, f in enumerate(self.text_fields)}
        dates = []
        for name in ("event_date", "drawn_up_on"):
            spec = table.dates.get(name)
            dates.append((at(spec.gregorian), at(spec.words), at(spec.hijri), spec.formats) if spec else None)
        self.e, self.d = dates
        self.kind = table.kind or None
        self.kind_codes = {k: (None if v is None else str(v)) for k, v in mapping.codes.get("kind", {}).items()}
        self.sex_codes = {k: (None if v is None else str(v)) for k, v in mapping.codes.get("sex", {}).items()}
        self.bureaux = {k: b.code for k, b in mapping.bureaux.items()}
        self.old = frozenset(mapping.old_places)
        self.texts_of = itemgetter(*self.i_text)
        # The act's source_values as JSON text, written here (not by the database at the insert): the header's
        # keys are encoded once into a template, each value by the C string encoder.
        self.row_json = (
            '{"table":' + _JSON_STR(table.name) + ',"encoding":' + _JSON_STR(encoding_label(source.encoding))
            + ',"row":{' + ",".join(_JSON_STR(h).replace("%", "%%") + ":%s" for h in source.header)
        )  # fmt: skip

    def source_values(
        self, values: list[str], extra: list[str], flags: list[str], digest: str, row_hash: str, remark: str
    ) -> str:
        """values: the row as read, padded/cut to the header's width; extra: the cells past the header."""
        text = self.row_json % tuple(map(_JSON_STR, values))
        if extra:
            text += ',"_extra":' + json.dumps(extra, ensure_ascii=False)
        text += '},"hash":"' + digest + '","row_hash":"' + row_hash + '"'
        if flags:
            text += ',"flags":' + json.dumps(flags, ensure_ascii=False)
        if remark:
            text += ',"remark":' + _JSON_STR(remark)  # the export's observations, kept with the provenance
        text += "}"
        return _t(text) if "\\" in text else text

    def line(self, line: int, sv: list[str], nf: int, clean: bool, raw: list[str], extra: list[str]) -> str:
        """sv: the row's values trimmed as the reports show them, padded/cut to the header's width, plus one
        trailing "" (what an unmapped column reads as: index -1); nf: its number of fields as read; clean: no
        value holds a character COPY's text format escapes (then neither does anything derived from them); raw,
        extra: the row as read (see source_values)."""
        esc = _same if clean else _t
        texts = self.texts_of(sv)
        p = self.pos
        given_ar, family_ar = texts[p["given_name_ar"]], texts[p["family_name_ar"]]
        father_ar, mother_ar = texts[p["father_name_ar"]], texts[p["mother_name_ar"]]
        given_fr, family_fr = texts[p["given_name_fr"]], texts[p["family_name_fr"]]
        place_ar, place_fr = texts[p["place_ar"]], texts[p["place_fr"]]
        kga, kfa, kpa, kma = _ar_facts(given_ar), _ar_facts(family_ar), _ar_facts(father_ar), _ar_facts(mother_ar)
        kgl, kfl = _lat_facts(given_fr), _lat_facts(family_fr)
        bureau_src = sv[self.i_bureau]
        year, number, age = _year(sv[self.i_year]), _number(sv[self.i_number]), _age(sv[self.i_age])
        kind = self.kind or self.kind_codes.get(sv[self.i_kind])
        sex_src = sv[self.i_sex]
        sex: str | None = ""
        if sex_src:
            sex = self.sex_codes.get(sex_src)
            if sex is None and sex_src in ("M", "F"):
                sex = sex_src
        e, d = self.e, self.d
        ev_text, ev_status, ev_detail, ev_flags = (
            _date_cols(sv[e[0]], sv[e[1]], sv[e[2]], e[3], "event_date") if e else _NO_DATE_COLS
        )
        dr_text, dr_status, dr_detail, dr_flags = (
            _date_cols(sv[d[0]], sv[d[1]], sv[d[2]], d[3], "drawn_up_on") if d else _NO_DATE_COLS
        )
        flags = []
        if kpa[2]:
            flags.append("mojibake:father_name_ar")
        if kma[2]:
            flags.append("mojibake:mother_name_ar")
        if given_fr == "" and family_fr == "":
            flags.append("latin_missing")
        elif kgl[2] or kfl[2]:
            flags.append("arabic_in_latin_column")
        if father_ar == "" and mother_ar == "":
            flags.append("parents_missing")
        if kga[1] or kgl[1]:
            flags.append("title_in_name")
        if place_fr in self.old or place_ar in self.old:
            flags.append("place_before_merger")
        age_src = sv[self.i_age]
        if age_src and age is None:
            flags.append("declarant_age_unreadable")
        if ev_text and year is not None and 1 <= year and year != int(ev_text[:4]):
            # the register's year (when the act was drawn up) against the event's: later than the law's
            # late-declaration allowance, or earlier than the event
            ev_year = int(ev_text[:4])
            if year < ev_year or (dt.date(year, 1, 1) - dt.date.fromisoformat(ev_text)).days > self.late_days:
                flags.append("register_year_far_from_event")
        if ev_flags:
            flags += ev_flags
        if dr_flags:
            flags += dr_flags
        mojibake = "\\N"
        if kga[2]:
            mojibake = _t(f"given_name_ar: {_quote_literal(given_ar)} probably reads {_quote_literal(kga[3])}")
        elif kfa[2]:
            mojibake = _t(f"family_name_ar: {_quote_literal(family_ar)} probably reads {_quote_literal(kfa[3])}")
        sex_text = "None" if sex is None else sex
        digest = hashlib.md5(
            f"{kind or 'None'}|{kga[0]}|{kfa[0]}|{kgl[0]}|{kfl[0]}|{ev_text or 'None'}|{dr_text or 'None'}|"
            f"{kpa[0]}|{kma[0]}|{sex_text}|{place_ar}".encode()
        ).hexdigest()[:20]
        malformed = nf != self.width
        row_hash = hashlib.md5("\x1f".join([*raw, *extra]).encode()).hexdigest()[:20]
        parts = [
            self.file_no, str(line), esc(sv[self.i_legacy]),
            self.source_values(raw, extra, flags, digest, row_hash, sv[self.i_remark]),
            esc(bureau_src), _n(self.bureaux.get(bureau_src)), _n(kind), _n(year), _n(number),
            *(map(esc, texts) if not clean else texts), "\\N" if sex is None else esc(sex), _n(age),
            ev_text or "\\N", ev_status, ev_detail, dr_text or "\\N", dr_status, dr_detail,
            esc(kga[0]), esc(kfa[0]), esc(kgl[0]), esc(kfl[0]), esc(kpa[0]), esc(kma[0]),
            ",".join(flags), mojibake, digest, row_hash,
            "ROW_MALFORMED" if malformed else "\\N",
            f"{nf} fields, the header has {self.width}" if malformed else "\\N",
        ]  # fmt: skip
        return "\t".join(parts)


# A note whose authority or authorising document is not in the export: imported, flagged "source incomplete".
_NOTE_INCOMPLETE = "(btrim(n.authority) = '' OR btrim(n.document_number) = '' OR n.document_date IS NULL)"


def _same(value: str) -> str:
    return value


@lru_cache(maxsize=500_000)  # a date's three texts often repeat together
def _date_cols(
    gregorian: str, words: str, hijri: str, formats: tuple[str, ...], name: str
) -> tuple[str | None, str, str, tuple[str, ...]]:
    """One act date as its staging columns: (ISO day or None, status, detail as COPY text, named flags)."""
    d = nz.read_date_field(gregorian, words, hijri, formats)
    day = d.value.isoformat() if d.status == nz.OK and d.value else None
    return day, d.status, _t(d.detail), tuple(f"{name}:{f}" for f in d.flags)


_NO_DATE_COLS: tuple[str | None, str, str, tuple[str, ...]] = (None, nz.EMPTY, "", ())


@lru_cache(maxsize=10_000)
def _year(text: str) -> int | None:
    return int(text.split(".", 1)[0]) if _ASCII_YEAR.match(text) else None


@lru_cache(maxsize=500_000)
def _number(text: str) -> int | None:
    if not _ASCII_NUMBER.match(text):
        return None
    whole = int(text.split(".", 1)[0])
    return whole if whole <= 2_000_000_000 else None


@lru_cache(maxsize=1_000)
def _age(text: str) -> int | None:
    return int(text) if _ASCII_AGE.match(text) and int(text) <= 150 else None


# ------------------------------------------------------------------------------------------------- COPY writer


def _timed_chunks(rows: Iterator[tuple[int, list[str]]], clock: list[float]) -> Iterator[list[tuple[int, list[str]]]]:
    """The rows in COPY-sized chunks, the time spent reading them (decoding, CSV parsing) added to clock[0]."""
    while True:
        t = time.perf_counter()
        chunk = list(itertools.islice(rows, COPY_CHUNK_ROWS))
        clock[0] += time.perf_counter() - t
        if not chunk:
            return
        yield chunk


class CopyWriter:
    """Streams text-format COPY chunks into one table from a second connection, in a thread: the caller
    prepares the next chunk while PostgreSQL parses the previous one."""

    def __init__(self, dsn: dict[str, Any], table: str, columns: Iterable[str]) -> None:
        self.conn = psycopg2.connect(**dsn)
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.queue: queue.Queue[str | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.conn.cursor() as cursor:
                while (chunk := self.queue.get()) is not None:
                    if self.error is None:
                        cursor.copy_expert(self.sql, io.StringIO(chunk), size=COPY_READ_SIZE)
            self.conn.commit()
        except BaseException as exc:  # reported to the caller by close()
            self.error = exc
            while self.queue.get() is not None:
                pass

    def write(self, chunk: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(chunk)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise self.error


def dsn() -> dict[str, Any]:
    params = dict(connection.get_connection_params())
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


# ------------------------------------------------------------------------------------------------------ the run


class _Run:
    def __init__(
        self,
        *,
        slug: str,
        mapping: Mapping,
        files: list[Path],
        report_dir: Path,
        dry_run: bool,
        progress: ProgressFn | None,
        commit_every: int | None,
        after_batch: Callable[[int], None] | None,
        workers: int = 2,
        accept_truncated: bool = False,
    ) -> None:
        self.slug, self.mapping, self.files, self.report_dir = slug, mapping, files, report_dir
        self.dry_run, self.commit_every, self.after_batch = dry_run, commit_every, after_batch
        self.accept_truncated = accept_truncated
        self.warnings: list[str] = []  # said in report.json and by the command (e.g. a truncated file accepted)
        self.file_facts: dict[int, dict[str, Any]] = {}  # per file: sample of names, truncation, …
        self.progress = progress or (lambda phase, done, total: None)
        token = f"{int(time.time() * 1000) % 10**10}"
        self.token = token
        self.acts = f"{STAGE_PREFIX}acts_{token}"
        self.workers, self.read_processes = workers, 1
        self.dsn: dict[str, Any] = {}
        self.schema = ""
        self.notes = f"{STAGE_PREFIX}notes_{token}"
        self.texts = f"{STAGE_PREFIX}texts_{token}"
        self.sources: list[tuple[Source, TableSpec]] = []
        self.phases: dict[str, float] = {}

    # ---------------------------------------------------------------------------------------------- helpers

    def _exec(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> int:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if TRACE:
                print(f"{time.perf_counter() - t:8.3f}s {cursor.rowcount:>8} {' '.join(sql.split())[:150]}")
            return int(cursor.rowcount)

    def _exec_hashed(self, sql: str, params: Sequence[Any] | None = None) -> int:
        """A statement joining the staging table to its own groups: the planner has no statistics on the grouped
        keys (analysing those wide columns costs more than it gives) and would loop over the groups per row."""
        self._exec("SET enable_nestloop = off")
        try:
            return self._exec(sql, params)
        finally:
            self._exec("RESET enable_nestloop")

    def _rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = list(cursor.fetchall())
        if TRACE:
            print(f"{time.perf_counter() - t:8.3f}s {len(rows):>8} {' '.join(sql.split())[:150]}")
        return rows

    def _timed(self, name: str, started: float) -> None:
        self.phases[name] = round(self.phases.get(name, 0.0) + time.perf_counter() - started, 3)

    # ------------------------------------------------------------------------------------------------ stage

    def create_stage(self) -> None:
        for stale in self._rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
            [STAGE_PREFIX + "%"],
        ):
            self._exec(f'DROP TABLE IF EXISTS "{stale[0]}"')  # left by a killed run (we hold the lock)
        for table, cols in ((self.acts, ACT_STAGE_IN), (self.notes, NOTE_STAGE_IN), (self.texts, TEXT_STAGE_IN)):
            ddl = ", ".join(f"{c} {t}" for c, t in cols + VERDICT_COLS)
            # autovacuum off: the table lives for one run; ANALYZE is run explicitly after the load
            self._exec(f"CREATE UNLOGGED TABLE {table} ({ddl}) WITH (autovacuum_enabled = off)")

    def drop_stage(self) -> None:
        for (name,) in self._rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
            [f"{STAGE_PREFIX}%{self.token}%"],
        ):
            self._exec(f'DROP TABLE IF EXISTS "{name}"')

    def open_sources(self) -> None:
        """Open every file and check it before anything is read in: header, Arabic columns decoded as Arabic,
        not cut short. Raises LegacyImportError naming the file and what to do."""
        for path in self.files:
            if not path.is_file():
                raise LegacyImportError(f"no such file: {path}")
            table = self.mapping.table_for(path.name)
            facts = self.file_facts.setdefault(len(self.sources) + 1, {})
            try:
                source, rows = open_source(path, table.encoding, table.delimiter)
                try:
                    cols = _Columns(source, table)
                    self._check_truncation(source, table, facts)
                    sample = list(itertools.islice(rows, SAMPLE_ROWS))
                finally:
                    rows.close()  # type: ignore[attr-defined]  # a generator: closes its file
            except SourceError as exc:
                raise LegacyImportError(str(exc)) from None
            self._check_arabic(source, table, cols, sample, facts)
            self.sources.append((source, table))
        if not self.sources:
            raise LegacyImportError("no file to import")

    @staticmethod
    def _check_arabic(
        source: Source, table: TableSpec, cols: _Columns, sample: list[tuple[int, list[str]]], facts: dict[str, Any]
    ) -> None:
        """A wrong declared encoding turns Arabic names into Latin-1 letter soup (ÒíäÈ ÇáÚáæí): refuse the file
        when most of its Arabic columns hold no Arabic letter in the first rows. Keeps a sample of the names as
        decoded for the report (the dry run shows it)."""
        fields = ARABIC_FIELDS.get(table.record, ())
        columns = [table.fields[f] for f in fields if f in table.fields and not table.fields[f].startswith(CONST)]
        if not columns:
            return
        shown = columns[:2]
        facts["sample"] = [
            " ".join(v for v in (cols.get(values, c) for c in shown) if v)[:80] for _line, values in sample[:5]
        ]
        checked, bad, examples = 0, 0, []
        for column in columns:
            values = [v for v in (cols.get(row, column) for _line, row in sample) if v]
            if not values:
                continue
            checked += 1
            if sum(nz.has_arabic(v) for v in values) < ARABIC_SHARE * len(values):
                bad += 1
                examples += values[:3]
        if not checked or bad * 2 <= checked:
            return
        label = encoding_label(source.encoding)
        soup = nz.latin1_soup_share(examples)
        guess, reading = nz.likely_arabic_encoding(examples, source.encoding)
        advice = (
            f"; it reads as {guess} ({reading!r}): declare `encoding: {guess}` in the mapping's table {table.name!r}"
            if guess
            else f"; declare the file's encoding in the mapping's table {table.name!r}"
        )
        raise LegacyImportError(
            f"{source.name}: {bad} of its {checked} Arabic columns hold no Arabic letter in the first {len(sample)}"
            f" rows (e.g. {examples[0]!r}{', Latin-1 letter soup' if soup > 0.3 else ''}), read as {label}"
            f"{advice}. Nothing was imported."
        )

    def _check_truncation(self, source: Source, table: TableSpec, facts: dict[str, Any]) -> None:
        """A file cut short (last row short of the header's fields, no final line break, far fewer rows than the
        mapping declares or than were imported from a file of that name before) is refused, or imported with a
        warning when the operator accepts it."""
        reason = truncation(source, table.delimiter)
        declared = self.mapping.declared_rows.get(source.name)
        before = Act.objects.filter(source_file=source.name).count() if table.record == "act" else 0
        # (a workbook's own row count is often missing: its rows are counted when there is a size to compare)
        rows = source.rows_estimate if source.kind == "csv" or not (declared or before) else _xlsx_rows(source)
        if not reason and declared and rows < declared * TRUNCATED_SHARE:
            reason = f"it holds {rows} rows, the mapping declares {declared}"
        if not reason:
            if before and rows < before * TRUNCATED_SHARE:
                reason = f"it holds {rows} rows, {before} acts were imported from a file of that name before"
        if not reason:
            return
        if not self.accept_truncated:
            raise LegacyImportError(
                f"{source.name} looks truncated: {reason}. Nothing was imported: export it again, or import it as it"
                ' is with --accept-truncated (the console\'s "files that look cut short" option)'
            )
        facts["truncated"] = reason
        self.warnings.append(f"{source.name} looks truncated ({reason}): imported as it is (accepted)")

    def load(self) -> None:
        """Read every file into the staging tables. Files are shared out between worker processes (largest
        first): the per-row Python work runs on every core while each worker's COPYs stream from its threads."""
        started = time.perf_counter()
        total = sum(s.rows_estimate for s, _t in self.sources)
        self.progress("read", 0, total)
        self.dsn = dsn()
        self.schema = str(getattr(connection, "schema_name"))  # noqa: B009 - set by django-tenants
        plan = self._share_out()
        self.read_processes = len(plan)
        if len(plan) < 2:
            done = 0
            for file_no in range(1, len(self.sources) + 1):

                def bump(n: int) -> None:
                    nonlocal done
                    done += n
                    self.progress("read", done, total)

                self._file_read(file_no, self._read_file(file_no, bump))
        else:
            done = self._read_in_workers(plan, total)
        self.progress("read", done, max(done, total))
        # Statistics on the columns the SQL steps join and group on (not the wide text ones: faster).
        for stage in (self.acts, self.notes, self.texts):
            self._exec(f"ANALYZE {stage} ({STAGE_STATS[stage == self.acts]})")
        self._timed("read_and_copy", started)

    def _file_read(self, file_no: int, result: tuple[str, float, float]) -> None:
        """A file's encoding as read; its reading and normalising seconds summed over the reading processes (in
        `phases_s` as `read_parse_process_s` and `normalise_process_s`: on two processes, up to twice the wall
        time of the read)."""
        encoding, parse_s, normalise_s = result
        self.sources[file_no - 1][0].encoding = encoding
        for name, seconds in (("read_parse_process_s", parse_s), ("normalise_process_s", normalise_s)):
            self.phases[name] = round(self.phases.get(name, 0.0) + seconds, 3)

    def _share_out(self) -> list[list[int]]:
        """Files per worker process: largest first to the least loaded. One list (read here) for small runs, a
        single file or one core."""
        sizes = [(s.path.stat().st_size, n) for n, (s, _t) in enumerate(self.sources, start=1)]
        workers = min(self.workers, os.cpu_count() or 1, len(sizes))
        if workers < 2 or sum(b for b, _n in sizes) < PARALLEL_MIN_BYTES:
            return [[n for _b, n in sizes]]
        plan: list[list[int]] = [[] for _ in range(workers)]
        load = [0] * workers
        for size, file_no in sorted(sizes, reverse=True):
            w = load.index(min(load))
            plan[w].append(file_no)
            load[w] += size
        return [sorted(p) for p in plan if p]

    def _read_in_workers(self, plan: list[list[int]], total: int) -> int:
        """Forked workers read their files (they use no Django connection: each COPY has its own); the parent
        reports their progress and raises the first error."""
        stdlib = multiprocessing.get_context("fork")
        ctx: Any = stdlib
        if multiprocessing.current_process().daemon:
            # A Celery prefork pool process (the console's imports): the standard library refuses to fork from a
            # daemonic process, billiard (Celery's own multiprocessing) does not.
            import billiard

            ctx = billiard.get_context("fork")
        counters = [ctx.Value("l", 0, lock=False) for _ in plan]  # "l": billiard knows no "q"
        results: Any = ctx.Queue()

        def work(files: list[int], counter: Any) -> None:
            if ctx is not stdlib:
                # billiard's fork leaves the standard library's list of children as the parent had it; at exit the
                # library would join those and fail ("can only join a child process"). Its own fork empties it.
                multiprocessing.process._children.clear()  # type: ignore[attr-defined]
            try:

                def bump(n: int) -> None:
                    counter.value += n

                for file_no in files:
                    results.put(("ok", file_no, self._read_file(file_no, bump)))
            except (SourceError, LegacyImportError) as exc:
                results.put(("source", 0, str(exc)))
            except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
                results.put(("error", 0, f"{type(exc).__name__}: {exc}"))
            finally:
                # Flushed now, not by an exit handler: whatever happens at exit, the parent has the results.
                results.close()
                results.join_thread()

        # The children inherit this process's Django connection (it holds the run's lock and settings) and never
        # use it: a forked process leaves by os._exit, which closes nothing of the parent's.
        procs = [ctx.Process(target=work, args=(f, c), daemon=True) for f, c in zip(plan, counters, strict=True)]
        for proc in procs:
            proc.start()
        pending = len(self.sources)
        error: Exception | None = None
        try:
            while pending and error is None:
                self.progress("read", sum(int(c.value) for c in counters), total)
                try:
                    # (a process flushes its results before it ends: once all are gone, the rest is queued)
                    kind, file_no, value = results.get(timeout=0.2 if any(p.is_alive() for p in procs) else 2)
                except queue.Empty:
                    if not any(p.is_alive() for p in procs):
                        error = RuntimeError("a reading process stopped without a result")
                    continue
                if kind == "ok":
                    self._file_read(file_no, value)
                    pending -= 1
                else:
                    error = LegacyImportError(value) if kind == "source" else RuntimeError(value)
            self.progress("read", sum(int(c.value) for c in counters), total)
        finally:
            for proc in procs:
                if error is not None and proc.is_alive():
                    proc.terminate()
                proc.join()
        if error is not None:
            raise error
        return sum(int(c.value) for c in counters)

    def _read_file(self, file_no: int, bump: Callable[[int], None]) -> tuple[str, float, float]:
        """One pass over one file into its staging table by COPY (from a writer thread, while the next rows are
        normalised); returns the encoding read and the seconds spent reading (decoding, CSV parsing) and
        normalising its rows. Uses no Django connection (it may run in a worker process)."""
        src, table = self.sources[file_no - 1]
        try:
            source, rows = open_source(src.path, table.encoding, table.delimiter)
        except SourceError as exc:
            raise LegacyImportError(str(exc)) from None
        name, cols = {"act": (self.acts, ACT_STAGE_IN), "note": (self.notes, NOTE_STAGE_IN),
                      "note_text": (self.texts, TEXT_STAGE_IN)}[table.record]  # fmt: skip
        writer = CopyWriter(self.dsn, f'"{self.schema}".{name}', [c for c, _ in cols])
        clock = [0.0, 0.0]  # seconds reading, normalising
        try:
            if table.record == "act":
                self._read_acts(file_no, source, table, _timed_chunks(rows, clock), writer, bump, clock)
            else:
                reader = _RowReader(self.mapping, table, source, file_no)
                make = reader.note_line if table.record == "note" else reader.text_line
                for chunk in _timed_chunks(rows, clock):
                    t = time.perf_counter()
                    buf = [make(line, values) for line, values in chunk]
                    buf.append("")
                    text = "\n".join(buf)
                    clock[1] += time.perf_counter() - t
                    writer.write(text)
                    bump(len(buf) - 1)
        except SourceError as exc:
            raise LegacyImportError(str(exc)) from None
        finally:
            writer.close()
        return source.encoding, clock[0], clock[1]

    def _read_acts(
        self,
        file_no: int,
        source: Source,
        table: TableSpec,
        chunks: Iterator[list[tuple[int, list[str]]]],
        writer: CopyWriter,
        bump: Callable[[int], None],
        clock: list[float],
    ) -> None:
        """Each act row normalised (names' keys, dates, codes, flags, fingerprint) with its raw values as JSON
        (its future source_values and what the reports show) into one line of the staging table."""
        width = len(source.header)
        normaliser = _ActRow(self.mapping, table, source, file_no)
        consts = normaliser.consts
        pad = [""] * width
        trims = [_TRIM] * width
        for chunk in chunks:
            t = time.perf_counter()
            staged: list[str] = []
            for line, values in chunk:
                n = len(values)
                extra: list[str] = []
                if n != width:
                    extra = values[width:]
                    values = (values + pad)[:width]
                text = "\t".join(values)
                clean = not ("\\" in text or "\n" in text or "\r" in text) and text.count("\t") == width - 1
                trimmed = list(map(str.strip, values, trims))
                if consts:
                    trimmed += consts
                trimmed.append("")
                staged.append(normaliser.line(line, trimmed, n, clean, values, extra))
            staged.append("")
            text = "\n".join(staged)
            clock[1] += time.perf_counter() - t
            writer.write(text)
            bump(len(staged) - 1)

    # --------------------------------------------------------------------------------------------- validate

    def validate_acts(self) -> None:
        started = time.perf_counter()
        # octet_length() reads the value's header, length() counts its characters: a value cannot have more
        # characters than bytes, so the count only runs for the few values long in bytes.
        longest = " ".join(
            f"WHEN octet_length({f}) > {n} AND length({f}) > {n} THEN 'FIELD_TOO_LONG:{f}'"
            for f, n in {**ACT_TEXT_FIELDS, **ACT_HIJRI_TEXT_FIELDS}.items()
        )
        # Impossible years and dates: after the day of the import, or before the bureau's first register.
        today = timezone.localdate()
        first = self._first_register_year()
        # Each WHEN is a predicate that is TRUE for a bad row; NULLs are folded with coalesce or IS NOT TRUE, so
        # a row never escapes both the import and the rejects.
        verdict = f"""CASE
            WHEN pre_reason IS NOT NULL THEN pre_reason
            WHEN bureau_code IS NULL THEN 'UNKNOWN_BUREAU'
            WHEN kind IS NULL THEN 'UNKNOWN_KIND'
            WHEN (year BETWEEN 1900 AND 2200) IS NOT TRUE THEN 'BAD_YEAR'
            WHEN year > {today.year} OR year < {first} THEN 'YEAR_IMPOSSIBLE'
            WHEN (number >= 1) IS NOT TRUE THEN 'BAD_NUMBER'
            WHEN mojibake IS NOT NULL THEN 'MOJIBAKE'
            WHEN (btrim(given_name_ar) <> '' AND btrim(family_name_ar) <> '') IS NOT TRUE THEN 'MISSING_ARABIC_NAME'
            WHEN sex IS NULL THEN 'UNKNOWN_CODE:sex'
            WHEN 'bad' IN (coalesce(event_status, 'bad'), coalesce(drawn_status, 'bad')) THEN 'BAD_DATE'
            WHEN 'hijri_range' IN (event_status, drawn_status) THEN 'HIJRI_OUT_OF_RANGE'
            WHEN 'conflict' IN (event_status, drawn_status) THEN 'DATE_CONFLICT'
            WHEN (event_date > DATE '{today}') IS TRUE OR (drawn_up_on > DATE '{today}') IS TRUE
                THEN 'DATE_AFTER_IMPORT'
            WHEN (event_date > drawn_up_on) IS TRUE THEN 'EVENT_AFTER_DRAWN_UP'
            {longest}
        END"""
        # Reason and message in one pass (the message's expressions run for the rejected rows only).
        code = f"split_part({verdict}, ':', 1)"
        self._exec(
            f"""UPDATE {self.acts} SET reason = {code},
                message = CASE {code}
                    WHEN 'ROW_MALFORMED' THEN pre_message
                    WHEN 'UNKNOWN_BUREAU' THEN 'bureau ' || quote_literal(bureau_src) || ' is not in the mapping'
                    WHEN 'MOJIBAKE' THEN mojibake
                    WHEN 'UNKNOWN_CODE' THEN 'sex: unknown code'
                    WHEN 'FIELD_TOO_LONG' THEN split_part({verdict}, ':', 2) || ' is longer than the registry allows'
                    WHEN 'BAD_DATE' THEN concat_ws('; ',
                        CASE WHEN event_status = 'bad' THEN 'event date: ' || event_detail END,
                        CASE WHEN drawn_status = 'bad' THEN 'drawn up on: ' || drawn_detail END)
                    WHEN 'HIJRI_OUT_OF_RANGE' THEN concat_ws('; ',
                        CASE WHEN event_status = 'hijri_range' THEN 'event date: ' || event_detail END,
                        CASE WHEN drawn_status = 'hijri_range' THEN 'drawn up on: ' || drawn_detail END)
                    WHEN 'DATE_CONFLICT' THEN concat_ws('; ',
                        CASE WHEN event_status = 'conflict' THEN 'event date: ' || event_detail END,
                        CASE WHEN drawn_status = 'conflict' THEN 'drawn up on: ' || drawn_detail END)
                    WHEN 'EVENT_AFTER_DRAWN_UP' THEN 'event ' || event_date || ' after drawn up ' || drawn_up_on
                    WHEN 'YEAR_IMPOSSIBLE' THEN 'register year ' || year || CASE WHEN year > {today.year}
                        THEN ' is after the current year ({today.year})'
                        ELSE ' is before the first register of the bureau (' || {first} || ')' END
                    WHEN 'DATE_AFTER_IMPORT' THEN concat_ws('; ',
                        CASE WHEN event_date > DATE '{today}' THEN 'event ' || event_date END,
                        CASE WHEN drawn_up_on > DATE '{today}' THEN 'drawn up ' || drawn_up_on END)
                        || ' after the day of the import ({today})'
                    ELSE NULL END
            WHERE ({verdict}) IS NOT NULL"""
        )
        # Rows keyed twice in this run: the first by file and line is kept. Grouped by hash aggregate, not sorted
        # (a window over a million rows sorts them all); the keys of accepted rows are never NULL.
        # min() of "file|line|hash" (fixed widths) is the first row's place and fingerprint in one aggregate.
        first = "lpad(file_no::text, 10, '0') || lpad(line::text, 10, '0') || hash"
        self._exec_hashed(
            f"""UPDATE {self.acts} s SET dup_file = g.kf, dup_line = g.kl,
                dup_kind = CASE WHEN s.hash = g.kh THEN 'exact' ELSE 'same_number' END
            FROM (SELECT *, substr(first, 1, 10)::int AS kf, substr(first, 11, 10)::int AS kl, substr(first, 21) AS kh
                  FROM (SELECT bureau_code, kind, year, number, min({first} COLLATE "C") AS first FROM {self.acts}
                        WHERE reason IS NULL GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) x) g
            WHERE s.reason IS NULL AND s.bureau_code = g.bureau_code AND s.kind = g.kind AND s.year = g.year
              AND s.number = g.number AND (s.file_no, s.line) <> (g.kf, g.kl)"""
        )
        # Rows whose (bureau, kind, year, number) is already in the registry. From the same file and line: the
        # same row again (already imported) unless its content changed since (acts imported before the row hash
        # existed compare by their fingerprint).
        self._exec(
            f"""UPDATE {self.acts} s SET dup_id = a.id,
                dup_kind = CASE WHEN a.source_file = f.name AND a.source_row = s.line THEN
                                    CASE WHEN coalesce(a.source_values ->> 'row_hash' = s.row_hash,
                                                       a.source_values ->> 'hash' = s.hash) IS TRUE
                                         THEN 'already_imported' ELSE 'changed' END
                                WHEN a.source_values ->> 'hash' = s.hash THEN 'exact' ELSE 'same_number' END
            FROM {Act._meta.db_table} a
            JOIN {Register._meta.db_table} r ON r.id = a.register_id
            JOIN {Bureau._meta.db_table} b ON b.id = r.bureau_id,
            (SELECT * FROM unnest(%s::int[], %s::text[]) AS u(file_no, name)) f
            WHERE f.file_no = s.file_no AND s.reason IS NULL AND s.dup_kind IS NULL
              AND b.code = s.bureau_code AND r.kind = s.kind AND r.year = s.year AND a.number = s.number""",
            self._file_names(),
        )
        self._timed("validate", started)

    def _first_register_year(self) -> str:
        """SQL: the first register year of a staged row's bureau (the mapping's, else 1900: no bound)."""
        default = self.mapping.first_register_year or 1900
        whens = " ".join(
            f"WHEN {_sql_str(b.code)} THEN {b.first_register_year}"
            for b in self.mapping.bureaux.values()
            if b.first_register_year
        )
        return f"(CASE bureau_code {whens} ELSE {default} END)" if whens else str(default)

    def _file_names(self) -> list[list[Any]]:
        return [list(range(1, len(self.sources) + 1)), [s.name for s, _t in self.sources]]

    def registers(self) -> None:
        """The registers the accepted rows go into (created unless dry-run); closed ones reject their rows."""
        started = time.perf_counter()
        wanted = self._rows(
            f"SELECT DISTINCT bureau_code, kind, year FROM {self.acts} WHERE reason IS NULL AND dup_kind IS NULL"
        )
        bureaux = {b.code: b for b in Bureau.objects.all()}
        specs = {b.code: b for b in self.mapping.bureaux.values()}
        for code in sorted({str(w[0]) for w in wanted} - set(bureaux)):
            if not self.dry_run:
                spec = specs[code]
                bureaux[code] = Bureau.objects.create(
                    code=code, name_fr=spec.name_fr, name_ar=spec.name_ar or spec.name_fr
                )
        reg, bur = Register._meta.db_table, Bureau._meta.db_table
        if not self.dry_run and wanted:
            # One statement for the few hundred registers (a register is only its key and counter).
            self._exec(
                f"""INSERT INTO {reg} (bureau_id, kind, year, last_number)
                SELECT b.id, w.kind, w.year, 0 FROM unnest(%s::text[], %s::text[], %s::int[]) AS w(code, kind, year)
                JOIN {bur} b ON b.code = w.code
                ON CONFLICT (bureau_id, kind, year) DO NOTHING""",
                [list(c) for c in zip(*wanted, strict=True)],
            )
        # Fresh statistics: the registers were often just created, and every join below goes through them.
        self._exec(f"ANALYZE {reg}, {bur}")
        # A closed register rejects its rows (an UPDATE of those rows only: the staging table is wide).
        self._exec(
            f"""UPDATE {self.acts} s SET reason = 'REGISTER_CLOSED',
                message = 'register ' || s.bureau_code || '/' || s.kind || '/' || s.year || ' is closed'
            FROM {reg} r JOIN {bur} b ON b.id = r.bureau_id
            WHERE r.closed_at IS NOT NULL AND s.reason IS NULL AND s.dup_kind IS NULL AND b.code = s.bureau_code
              AND r.kind = s.kind AND r.year = s.year"""
        )
        # Probable duplicates: same person, same day, same parents, another number. Imported, flagged. (Keys are
        # never NULL: the name keys are written as '' when empty.)
        person = ("kind", "given_key_ar", "family_key_ar", "event_date", "father_key", "mother_key")
        self._exec_hashed(
            f"""UPDATE {self.acts} s SET probable_file = g.first >> 32, probable_line = g.first & {_LINE_MASK}
            FROM (SELECT {", ".join(person)}, min({_row_order()}) AS first FROM {self.acts}
                  WHERE reason IS NULL AND dup_kind IS NULL AND event_date IS NOT NULL
                  GROUP BY {", ".join(person)} HAVING count(*) > 1) g
            WHERE s.reason IS NULL AND s.dup_kind IS NULL AND {" AND ".join(f"s.{c} = g.{c}" for c in person)}
              AND {_row_order("s")} <> g.first"""
        )
        self._timed("registers", started)

    # ---------------------------------------------------------------------------------------------- insert

    def _secondary_indexes(self) -> list[tuple[str, str]]:
        rows = self._rows(
            """SELECT ic.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [Act._meta.db_table],
        )
        return [(str(a), str(b)) for a, b in rows]

    def _foreign_keys(self) -> list[tuple[str, str]]:
        """The act table's own foreign keys (name, definition), dropped during a bulk load and re-added after."""
        rows = self._rows(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
            " AND contype = 'f' ORDER BY conname",
            [Act._meta.db_table],
        )
        return [(str(a), str(b)) for a, b in rows]

    def insert_acts(self, user_id: int) -> int:
        started = time.perf_counter()
        accepted = self._rows(
            f"SELECT year, count(*) FROM {self.acts} WHERE reason IS NULL AND dup_kind IS NULL GROUP BY year ORDER BY 1"
        )
        total = sum(int(n) for _y, n in accepted)
        if self.dry_run or not total:
            return 0
        existing = Act.objects.count()
        bulk = self.commit_every is None and total >= max(BULK_MIN_ROWS, existing)
        batches: list[tuple[int, int]] = []
        size = self.commit_every or total
        lo, count = None, 0
        for year, n in accepted:
            lo = year if lo is None else lo
            count += int(n)
            if count >= size:
                batches.append((lo, year))
                lo, count = None, 0
        if lo is not None:
            batches.append((lo, accepted[-1][0]))
        text_cols = list(ACT_TEXT_FIELDS) + list(ACT_HIJRI_TEXT_FIELDS)
        now = timezone.now()
        # The acts are first written to a session-local table of the act table's columns (ids drawn from the act
        # table's sequence), then inserted once, each already sealed into its register's chain in number order.
        act_table = Act._meta.db_table
        insert = f"""
            INSERT INTO {SEALING_TABLE} (id, register_id, kind, number, status, drawn_up_on, event_date, sex,
                {", ".join(text_cols)}, declarant_age, declaration_type, drafted_by_id, drafted_at, signed_at,
                legacy_id, source_file, source_row, source_values,
                given_key_ar, family_key_ar, given_key_lat, family_key_lat)
            SELECT nextval(pg_get_serial_sequence('{act_table}', 'id')), m.id, s.kind, s.number, 'signed',
                s.drawn_up_on, s.event_date, coalesce(s.sex, ''),
                {", ".join(f"coalesce(s.{c}, '')" for c in text_cols)}, s.declarant_age, 'on_time', %s, %s,
                coalesce(s.drawn_up_on::timestamp + interval '12 hours', %s), left(s.legacy_id, 60), f.name, s.line,
                s.raw, s.given_key_ar, s.family_key_ar, s.given_key_lat, s.family_key_lat
            FROM {self.acts} s JOIN unnest(%s::int[], %s::text[]) AS f(file_no, name) ON f.file_no = s.file_no
            JOIN ({self._register_map()}) m ON m.code = s.bureau_code AND m.kind = s.kind AND m.year = s.year
            WHERE s.reason IS NULL AND s.dup_kind IS NULL AND s.year BETWEEN %s AND %s
            ORDER BY m.id, s.number"""
        # The registers' counters rise to the highest number inserted (from the staging rows: no RETURNING of a
        # million rows).
        raise_counters = f"""UPDATE {Register._meta.db_table} r SET last_number = t.top
            FROM (SELECT m.id, max(s.number) AS top FROM {self.acts} s
                  JOIN ({self._register_map()}) m ON m.code = s.bureau_code AND m.kind = s.kind AND m.year = s.year
                  WHERE s.reason IS NULL AND s.dup_kind IS NULL AND s.year BETWEEN %s AND %s GROUP BY m.id) t
            WHERE r.id = t.id AND r.last_number < t.top"""
        done = 0
        self.progress("insert", 0, total)

        def batch(number: int, lo_year: int, hi_year: int) -> int:
            # Historical numbers and counters raised in jumps: the guards' bulk-import exemption, which holds only
            # for the owner role (ADR 0003); the acts are then sealed into their registers' chains at once.
            db_guards.bulk_import_begin()
            self._exec(f"CREATE TEMPORARY TABLE {SEALING_TABLE} (LIKE {act_table} INCLUDING DEFAULTS) ON COMMIT DROP")
            self._exec(insert, [user_id, now, now, *self._file_names(), lo_year, hi_year])
            t_seal = time.perf_counter()
            inserted = db_guards.chain_insert_sealed(act_table, SEALING_TABLE, "s.number")
            self._timed("seal_chains", t_seal)
            self._exec(f"DROP TABLE {SEALING_TABLE}")
            self._exec(raise_counters, [lo_year, hi_year])
            return inserted

        if self.commit_every is not None:
            # One transaction per batch of registers: a killed run keeps what it committed; the next run counts
            # those rows as already imported (their provenance matches) and goes on with the rest.
            for number, (lo_year, hi_year) in enumerate(batches, start=1):
                with transaction.atomic():
                    done += batch(number, lo_year, hi_year)
                self.progress("insert", done, total)
                if self.after_batch is not None:
                    self.after_batch(number)
        else:
            # All or nothing. In bulk, the secondary indexes are dropped and rebuilt in the same transaction (DDL
            # is transactional: a killed run leaves them as they were).
            with transaction.atomic():
                dropped = self._secondary_indexes() if bulk else []
                foreign = self._foreign_keys() if bulk else []
                if dropped or foreign:
                    # the registers and bureaux created above, in the same transaction, have deferred foreign-key
                    # checks pending: a table with pending trigger events cannot be altered
                    self._exec("SET CONSTRAINTS ALL IMMEDIATE")
                for name, _ddl in foreign:
                    self._exec(f'ALTER TABLE {Act._meta.db_table} DROP CONSTRAINT "{name}"')
                for name, _ddl in dropped:
                    self._exec(f'DROP INDEX "{name}"')
                for number, (lo_year, hi_year) in enumerate(batches, start=1):
                    done += batch(number, lo_year, hi_year)
                    self.progress("insert", done, total)
                    if self.after_batch is not None:
                        self.after_batch(number)
                t_index = time.perf_counter()
                if dropped or foreign:
                    # Django's foreign keys are deferred: check any pending ones now, an index cannot be built over
                    # pending trigger events.
                    self._exec("SET CONSTRAINTS ALL IMMEDIATE")
                    self._exec("SET LOCAL maintenance_work_mem = '256MB'")
                    for _name, ddl in dropped:
                        self._exec(ddl)
                    # Re-adding a foreign key checks every row in one anti-join, instead of one trigger per row.
                    for name, ddl in foreign:
                        self._exec(f'ALTER TABLE {Act._meta.db_table} ADD CONSTRAINT "{name}" {ddl}')
                    self._timed("rebuild_indexes", t_index)
        self._timed("insert_acts", started)
        return done

    @staticmethod
    def _register_map() -> str:
        return (
            f"SELECT r.id, b.code, r.kind, r.year FROM {Register._meta.db_table} r"
            f" JOIN {Bureau._meta.db_table} b ON b.id = r.bureau_id"
        )

    # ------------------------------------------------------------------------------------------------ notes

    def notes_and_texts(self, user_id: int) -> int:
        started = time.perf_counter()
        act, reg, bur = Act._meta.db_table, Register._meta.db_table, Bureau._meta.db_table
        # A note is keyed by its act's register (bureau, year, number), by (year, number) with the act's bureau,
        # or by the act's legacy id (key_mode). Its authority and document may be missing: imported, flagged.
        verdict = """CASE
            WHEN pre_reason IS NOT NULL THEN pre_reason
            WHEN key_mode = 'register' AND bureau_code IS NULL THEN 'UNKNOWN_BUREAU'
            WHEN key_mode <> 'legacy_id' AND (year BETWEEN 1900 AND 2200) IS NOT TRUE THEN 'BAD_YEAR'
            WHEN key_mode <> 'legacy_id' AND (number >= 1) IS NOT TRUE THEN 'BAD_NUMBER'
            WHEN mojibake IS NOT NULL THEN 'MOJIBAKE'
            WHEN kind IS NULL THEN 'UNKNOWN_CODE'
            WHEN (btrim(text_ar) <> '') IS NOT TRUE THEN 'NOTE_INCOMPLETE'
            WHEN (dd_status IN ('ok', 'empty') AND no_status = 'ok') IS NOT TRUE THEN 'BAD_DATE'
            WHEN (length(authority) <= 200 AND length(document_number) <= 60) IS NOT TRUE THEN 'FIELD_TOO_LONG'
        END"""
        self._exec(f"UPDATE {self.notes} SET reason = {verdict} WHERE ({verdict}) IS NOT NULL")
        self._exec(
            f"""UPDATE {self.notes} SET message = CASE reason
                WHEN 'ROW_MALFORMED' THEN pre_message WHEN 'MOJIBAKE' THEN mojibake
                WHEN 'UNKNOWN_BUREAU' THEN 'bureau ' || quote_literal(bureau_src) || ' is not in the mapping'
                WHEN 'UNKNOWN_CODE' THEN 'note kind: unknown code'
                WHEN 'BAD_DATE' THEN concat_ws('; ',
                    CASE WHEN dd_status <> 'ok'
                         THEN 'document date: ' || coalesce(nullif(dd_detail, ''), dd_status) END,
                    CASE WHEN no_status <> 'ok' THEN 'noted on: ' || coalesce(nullif(no_detail, ''), no_status) END)
                END WHERE reason IS NOT NULL"""
        )
        # The act each note annotates: in the registry (imported now or before); in a dry run, also the rows this
        # run would import (negative ids). One statement per key mode, each a plain equi-join; a key matching
        # several acts is ambiguous (rejected), none an orphan.
        candidates = f"""SELECT a.id, b.code AS bureau_code, r.kind, r.year, a.number, a.legacy_id,
                coalesce(a.source_values ->> 'table', '') AS tbl
            FROM {act} a JOIN {reg} r ON r.id = a.register_id JOIN {bur} b ON b.id = r.bureau_id
            WHERE a.status = 'signed'"""
        if self.dry_run:
            candidates += f""" UNION ALL SELECT -{_row_order("s")}, s.bureau_code, s.kind, s.year, s.number,
                left(s.legacy_id, 60), s.raw ->> 'table' FROM {self.acts} s
                WHERE s.reason IS NULL AND s.dup_kind IS NULL"""
        matches = {
            "register": "c.bureau_code = n.bureau_code AND c.year = n.year AND c.number = n.number",
            "number": "c.year = n.year AND c.number = n.number",
            "legacy_id": "c.legacy_id = n.act_legacy_id AND (n.act_table = '' OR c.tbl = n.act_table)",
        }
        modes = {str(m) for (m,) in self._rows(f"SELECT DISTINCT key_mode FROM {self.notes} WHERE reason IS NULL")}
        for mode in sorted(modes):
            self._exec_hashed(
                f"""UPDATE {self.notes} t SET target_id = m.id,
                    reason = CASE WHEN m.n > 1 THEN 'NOTE_AMBIGUOUS' END,
                    message = CASE WHEN m.n > 1 THEN m.n || ' ' || t.act_kind || ' acts match the note''s key' END
                FROM (SELECT n.file_no, n.line, min(c.id) AS id, count(*) AS n
                      FROM {self.notes} n JOIN ({candidates}) c ON c.kind = n.act_kind AND {matches[mode]}
                      WHERE n.reason IS NULL AND n.key_mode = %s GROUP BY 1, 2) m
                WHERE t.file_no = m.file_no AND t.line = m.line""",
                [mode],
            )
        self._exec(
            f"""UPDATE {self.notes} SET reason = 'NOTE_ORPHAN',
                message = 'no ' || act_kind || ' act ' || CASE key_mode
                    WHEN 'legacy_id' THEN 'with legacy id ' || quote_literal(act_legacy_id)
                    WHEN 'number' THEN number || '/' || year || ' in any bureau'
                    ELSE number || '/' || year || ' in bureau ' || bureau_code END
            WHERE reason IS NULL AND target_id IS NULL"""
        )
        # The same note twice in the run, or already in the registry.
        self._exec(
            f"""UPDATE {self.notes} s SET dup_kind = 'exact', dup_file = d.kf, dup_line = d.kl
            FROM (SELECT file_no, line, row_number() OVER w AS rn,
                         first_value(file_no) OVER w AS kf, first_value(line) OVER w AS kl
                  FROM {self.notes} WHERE reason IS NULL
                  WINDOW w AS (PARTITION BY target_id, kind, text_ar, document_number, noted_on
                               ORDER BY file_no, line)) d
            WHERE d.rn > 1 AND s.file_no = d.file_no AND s.line = d.line"""
        )
        self._exec(
            f"""UPDATE {self.notes} s SET dup_kind = 'already_imported', dup_id = m.id
            FROM {MarginalNote._meta.db_table} m
            WHERE s.reason IS NULL AND s.dup_kind IS NULL AND m.act_id = s.target_id AND m.kind = s.kind
              AND m.text_ar = s.text_ar AND m.document_number = s.document_number AND m.noted_on = s.noted_on
              AND m.document_date IS NOT DISTINCT FROM s.document_date"""
        )
        # French texts follow their Arabic note (first row of each legacy id).
        self._exec(
            f"""UPDATE {self.texts} SET reason = pre_reason, message = pre_message WHERE pre_reason IS NOT NULL;
            UPDATE {self.texts} t SET dup_kind = 'exact', dup_file = d.kf, dup_line = d.kl
            FROM (SELECT file_no, line, row_number() OVER w AS rn,
                         first_value(file_no) OVER w AS kf, first_value(line) OVER w AS kl
                  FROM {self.texts} WHERE reason IS NULL
                  WINDOW w AS (PARTITION BY legacy_id ORDER BY file_no, line)) d
            WHERE d.rn > 1 AND t.file_no = d.file_no AND t.line = d.line;
            UPDATE {self.texts} t SET target_id = 1,
                reason = CASE WHEN n.reason IS NOT NULL THEN 'NOTE_REJECTED' END,
                message = CASE WHEN n.reason IS NOT NULL THEN 'its note (file ' || n.file_no || ' line ' || n.line
                                                             || ') was rejected: ' || n.reason END,
                dup_kind = CASE WHEN n.reason IS NULL THEN n.dup_kind END,
                dup_file = CASE WHEN n.reason IS NULL AND n.dup_kind IS NOT NULL THEN n.dup_file END,
                dup_line = CASE WHEN n.reason IS NULL AND n.dup_kind IS NOT NULL THEN n.dup_line END
            FROM (SELECT DISTINCT ON (legacy_id) * FROM {self.notes} WHERE legacy_id <> ''
                  ORDER BY legacy_id, file_no, line) n
            WHERE t.reason IS NULL AND t.dup_kind IS NULL AND n.legacy_id = t.legacy_id;
            UPDATE {self.texts} SET reason = 'NOTE_TEXT_ORPHAN',
                message = 'no note with legacy id ' || quote_literal(legacy_id)
            WHERE reason IS NULL AND dup_kind IS NULL AND target_id IS NULL"""
        )
        inserted = 0
        if not self.dry_run:
            inserted = self._exec(
                f"""INSERT INTO {MarginalNote._meta.db_table} (act_id, kind, text_ar, text_fr, authority,
                    document_number, document_date, officer_id, noted_on, created_at, source_incomplete)
                SELECT n.target_id, n.kind, n.text_ar, coalesce(nullif(btrim(n.text_fr), ''), t.text_fr, ''),
                       n.authority, n.document_number, n.document_date, %s, n.noted_on, now(), {_NOTE_INCOMPLETE}
                FROM {self.notes} n
                LEFT JOIN (SELECT DISTINCT ON (legacy_id) legacy_id, text_fr FROM {self.texts}
                           WHERE reason IS NULL AND dup_kind IS NULL ORDER BY legacy_id, file_no, line) t
                       ON n.legacy_id <> '' AND t.legacy_id = n.legacy_id
                WHERE n.reason IS NULL AND n.dup_kind IS NULL
                ORDER BY n.file_no, n.line""",
                [user_id],
            )
        self._timed("notes", started)
        return inserted

    # ----------------------------------------------------------------------------------------------- report

    def report(self, started_at: dt.datetime) -> dict[str, Any]:
        started = time.perf_counter()
        names = {i: s.name for i, (s, _t) in enumerate(self.sources, start=1)}
        groups: dict[int, dict[tuple[Any, Any, Any], Counter[str]]] = {i: {} for i in names}
        registers: dict[tuple[str, str, int | None], Counter[str]] = {}
        reasons: Counter[str] = Counter()
        dup_matches: Counter[str] = Counter()
        flag_counts: Counter[str] = Counter()
        probable = 0
        # One scan per staging table: every count of the report is a sum over these groups.
        queries = [
            f"""SELECT file_no, bureau_code, kind, year, reason, dup_kind, probable_file IS NOT NULL, flags, count(*)
            FROM {self.acts} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""",
            f"""SELECT file_no, bureau_code, act_kind, year, reason, dup_kind, false,
                CASE WHEN reason IS NULL AND dup_kind IS NULL AND {_NOTE_INCOMPLETE} THEN 'note_source_incomplete'
                     ELSE '' END, count(*)
            FROM {self.notes} n GROUP BY 1, 2, 3, 4, 5, 6, 8""",
            f"""SELECT file_no, NULL, NULL, NULL::int, reason, dup_kind, false, '', count(*)
            FROM {self.texts} GROUP BY 1, 5, 6""",
        ]
        for sql in queries:
            for file_no, bureau, kind, year, reason, dup_kind, is_probable, flags, n in self._rows(sql):
                outcome = "rejected" if reason is not None else "duplicates" if dup_kind is not None else "imported"
                groups[file_no].setdefault((bureau, kind, year), Counter()).update({"read": n, outcome: n})
                if reason is not None:
                    reasons[str(reason)] += n
                elif dup_kind is not None:
                    dup_matches[str(dup_kind)] += n
                elif is_probable:
                    probable += n
                for flag in flags.split(",") if flags else ():
                    flag_counts[flag] += n
        files = []
        totals: Counter[str] = Counter()
        outcomes = ("read", "imported", "rejected", "duplicates")
        for file_no, (source, table) in enumerate(self.sources, start=1):
            regs = sorted(
                [{"bureau": b, "kind": k, "year": y, **{o: c[o] for o in outcomes}}
                 for (b, k, y), c in groups[file_no].items()],
                key=lambda r: (str(r["kind"]), r["year"] or 0, str(r["bureau"])),
            )  # fmt: skip
            sums = Counter({k: sum(r[k] for r in regs) for k in outcomes})
            totals.update(sums)
            if table.record == "act":
                for r in regs:
                    registers.setdefault((str(r["bureau"]), str(r["kind"]), r["year"]), Counter()).update(
                        {k: r[k] for k in outcomes}
                    )
            facts = self.file_facts.get(file_no, {})
            entry: dict[str, Any] = {"file": source.name, "table": table.name, "record": table.record,
                                     "encoding": encoding_label(source.encoding), **sums,
                                     "registers": regs}  # fmt: skip
            entry.update({k: facts[k] for k in ("sample", "truncated") if k in facts})
            files.append(entry)
        report: dict[str, Any] = {
            "format": "jamaa-legacy-report/1",
            "commune": self.slug,
            "dry_run": self.dry_run,
            "mapping": Path(self.mapping.path).name,
            "started_at": started_at.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "files": files,
            "registers": [
                {"bureau": b, "kind": k, "year": y, **dict(c)}
                for (b, k, y), c in sorted(registers.items(), key=lambda i: (i[0][1], i[0][2] or 0, i[0][0]))
            ],
            "reasons": dict(sorted(reasons.items())),
            "duplicate_matches": dict(sorted(dup_matches.items())),
            "probable_duplicates": int(probable),
            "flags": dict(sorted(flag_counts.items())),
            "warnings": list(self.warnings),
            "totals": {k: int(totals[k]) for k in ("read", "imported", "rejected", "duplicates")},
        }
        assert report["totals"]["read"] == sum(report["totals"][k] for k in ("imported", "rejected", "duplicates"))
        self.write_files(report, names)
        self._timed("report", started)
        report["phases_s"] = self.phases
        (self.report_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        return report

    def write_files(self, report: dict[str, Any], names: dict[int, str]) -> None:
        self.report_dir.mkdir(parents=True, exist_ok=True)
        act = Act._meta.db_table
        # The act rows the two files list (rejected, duplicate, probable duplicate), in one scan of the staging.
        acts = self._rows(
            f"""SELECT s.file_no, s.line, s.legacy_id, s.reason, s.message, s.dup_kind, s.dup_file, s.dup_line,
                   s.dup_id, s.probable_file, s.probable_line, s.raw, k2.source_file, k2.source_row
            FROM {self.acts} s LEFT JOIN {act} k2 ON k2.id = s.dup_id
            WHERE s.reason IS NOT NULL OR s.dup_kind IS NOT NULL OR s.probable_file IS NOT NULL
            ORDER BY s.file_no, s.line"""
        )
        with (self.report_dir / "rejects.csv").open("w", encoding="utf-8", newline="") as handle:
            out = spreadsheet.writer(handle)  # the operator opens it in a spreadsheet
            out.writerow(["file", "line", "legacy_id", "reason", "message", "row"])
            rejected = [(r[0], r[1], r[2], r[3], r[4], r[11]) for r in acts if r[3] is not None]
            for table in (self.notes, self.texts):
                rejected += self._rows(
                    f"SELECT s.file_no, s.line, s.legacy_id, s.reason, s.message, s.raw FROM {table} s"
                    " WHERE s.reason IS NOT NULL ORDER BY s.file_no, s.line"
                )
            for file_no, line, legacy_id, reason, message, raw in rejected:
                row = self._ordered(file_no, _json(raw)["row"])
                out.writerow([names[file_no], line, legacy_id, reason, message or REASONS.get(reason, ""),
                              json.dumps(row, ensure_ascii=False)])  # fmt: skip
        with (self.report_dir / "duplicates.csv").open("w", encoding="utf-8", newline="") as handle:
            out = spreadsheet.writer(handle)  # the operator opens it in a spreadsheet
            out.writerow(["file", "line", "legacy_id", "match", "action", "kept_file", "kept_line", "kept_id",
                          "row"])  # fmt: skip
            dups: list[tuple[Any, ...]] = [
                (r[0], r[1], r[2], r[5], "review" if r[5] == "changed" else "skipped", r[6], r[7], r[8], r[11],
                 r[12], r[13])
                for r in acts if r[3] is None and r[5] is not None
            ]  # fmt: skip
            dups += [
                (r[0], r[1], r[2], "probable", "imported_flagged", r[9], r[10], None, r[11], None, None)
                for r in acts if r[3] is None and r[5] is None and r[9] is not None
            ]  # fmt: skip
            for table, dup_id in ((self.notes, "s.dup_id"), (self.texts, "NULL::bigint")):
                dups += self._rows(
                    f"""SELECT s.file_no, s.line, s.legacy_id, s.dup_kind, 'skipped', s.dup_file, s.dup_line, {dup_id},
                           s.raw, NULL, NULL
                    FROM {table} s WHERE s.reason IS NULL AND s.dup_kind IS NOT NULL ORDER BY s.file_no, s.line"""
                )
            for file_no, line, legacy_id, match, action, kf, kl, kid, raw, src_file, src_row in dups:
                kept_file = names.get(kf, "") if kf else (src_file or "")
                as_read = json.dumps(self._ordered(file_no, _json(raw)["row"]), ensure_ascii=False)
                kept_id = kid if kid and kid > 0 else ""
                out.writerow([names[file_no], line, legacy_id, match, action, kept_file, kl or src_row or "",
                              kept_id, as_read])  # fmt: skip
        self._fill_kept_ids()

    def _ordered(self, file_no: int, row: dict[str, Any]) -> dict[str, Any]:
        """A raw row with its columns in the file's order (jsonb keeps its own)."""
        header = self.sources[file_no - 1][0].header
        return {**{h: row[h] for h in header if h in row}, **{k: v for k, v in row.items() if k not in header}}

    def _fill_kept_ids(self) -> None:
        """duplicates.csv names the kept act's id when it is in the registry (after a real run)."""
        if self.dry_run:
            return
        path = self.report_dir / "duplicates.csv"
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        wanted = {(r[5], r[6]) for r in rows[1:] if not r[7] and r[5] and r[6]}
        if not wanted:
            return
        found = dict(
            ((str(f), str(line)), int(i))
            for f, line, i in self._rows(
                f"SELECT source_file, source_row, id FROM {Act._meta.db_table}"
                " WHERE (source_file, source_row::text) IN (SELECT * FROM unnest(%s::text[], %s::text[]))",
                [[w[0] for w in wanted], [w[1] for w in wanted]],
            )
        )
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = spreadsheet.writer(handle)  # the operator opens it in a spreadsheet
            out.writerow(rows[0])
            for r in rows[1:]:
                if not r[7] and (r[5], r[6]) in found:
                    r[7] = str(found[(r[5], r[6])])
                out.writerow(r)


def _xlsx_rows(source: Source) -> int:
    """A workbook's data rows, counted (read-only workbooks often carry no dimension)."""
    try:
        _src, rows = open_source(source.path, "auto", "")
    except SourceError:
        return 0
    return sum(1 for _row in rows)


def _try_lz4() -> None:
    """lz4 compresses each act's source_values several times faster than the default pglz; only values written
    by this session are affected, and a server built without lz4 keeps pglz."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET default_toast_compression = 'lz4'")
    except DatabaseError:
        pass


def _system_user_id() -> int:
    """The account imported acts and notes are recorded under (it cannot log in)."""
    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"is_active": False, "first_name": "Import", "last_name": "legacy"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return int(user.pk)


def legacy_import(
    *,
    slug: str,
    mapping_path: str | Path,
    files: list[Path],
    report_dir: Path,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    commit_every: int | None = None,
    after_batch: Callable[[int], None] | None = None,
    workers: int = 2,
    accept_truncated: bool = False,
    lock_wait_s: float = 0.0,
) -> ImportResult:
    """Import legacy exports into a commune's civil registry and write the reports.

    Raises LegacyImportError (unknown commune, unreadable mapping or file) before anything is imported. Writes
    signed acts, registers, bureaux, marginal notes and the name dictionary (nothing with dry_run), and
    report.json, rejects.csv and duplicates.csv in report_dir."""
    started = time.perf_counter()
    started_at = timezone.now()
    try:
        mapping = load_mapping(mapping_path)
    except ValueError as exc:
        raise LegacyImportError(str(exc)) from None
    commune = Commune.objects.filter(slug=slug).first()
    if commune is None:
        raise LegacyImportError(f"no commune {slug!r}")
    report_dir.mkdir(parents=True, exist_ok=True)
    try:
        run = _Run(slug=slug, mapping=mapping, files=[Path(f) for f in files], report_dir=report_dir,
                   dry_run=dry_run, progress=progress, commit_every=commit_every, after_batch=after_batch,
                   workers=workers, accept_truncated=accept_truncated)  # fmt: skip
    except ValueError as exc:
        raise LegacyImportError(str(exc)) from None
    with schema_context(commune.schema_name):
        try:
            run.open_sources()
        except ValueError as exc:
            raise LegacyImportError(str(exc)) from None
        lock = f"jamaa.legacy-import.{commune.schema_name}"
        deadline = time.monotonic() + lock_wait_s
        with connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [lock])
                if cursor.fetchone()[0]:
                    break
                if time.monotonic() >= deadline:
                    raise LegacyImportError(f"another legacy import into {slug} is running")
                time.sleep(1.0)
        try:
            # Hash joins and sorts over a million staged rows stay in memory (for this session only).
            run._exec("SET work_mem = '256MB'")
            _try_lz4()
            run.create_stage()
            run.load()
            # All or nothing (unless committing per batch): bureaux, registers, acts, notes and the name
            # dictionary commit together, so a run killed anywhere leaves no trace in the registry but its
            # staging tables (dropped by the next run), and running it again gives the uninterrupted result.
            with transaction.atomic() if commit_every is None else contextlib.nullcontext():
                run.progress("validate", 0, 3)
                run.validate_acts()
                run.progress("validate", 1, 3)
                user_id = _system_user_id() if not dry_run else 0
                run.registers()
                run.progress("validate", 2, 3)
                inserted = run.insert_acts(user_id)
                if inserted:
                    # Fresh statistics for the notes' join below (its columns only: the wide ones cost, not help).
                    run._exec(f"ANALYZE {Act._meta.db_table} (register_id, number, status)")
                run.notes_and_texts(user_id)
                run.progress("validate", 3, 3)
                if inserted:
                    t = time.perf_counter()
                    run.progress("dictionary", 0, 1)
                    search.name_keys_rebuild()
                    run._exec(f"ANALYZE {NameKey._meta.db_table}")
                    run.progress("dictionary", 1, 1)
                    run._timed("dictionary", t)
                # (inside the transaction: a run killed before its commit leaves no report that counts its rows)
                run.progress("report", 0, 1)
                report = run.report(started_at)
                run.progress("report", 1, 1)
        finally:
            try:
                run.drop_stage()
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("RESET work_mem")
                    cursor.execute("RESET default_toast_compression")
                    cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [lock])
    return ImportResult(report=report, report_dir=report_dir, seconds=time.perf_counter() - started,
                        phases=run.phases, read_processes=run.read_processes)  # fmt: skip


def iter_report_lines(report: dict[str, Any]) -> Iterator[str]:
    """A short human summary of a report (the CLI prints it)."""
    t = report["totals"]
    yield (f"{'DRY RUN: ' if report['dry_run'] else ''}read {t['read']:,}, imported {t['imported']:,}, "
           f"rejected {t['rejected']:,}, duplicates {t['duplicates']:,}")  # fmt: skip
    for warning in report.get("warnings", ()):
        yield f"  WARNING: {warning}"
    for f in report["files"]:
        yield (f"  {f['file']} ({f['encoding']}): read {f['read']:,}, imported {f['imported']:,}, "
               f"rejected {f['rejected']:,}, duplicates {f['duplicates']:,}")  # fmt: skip
        if f.get("sample"):
            yield "    names as decoded: " + " | ".join(f["sample"])
    if report["reasons"]:
        yield "  rejected: " + ", ".join(f"{k} {v:,}" for k, v in report["reasons"].items())
    if report["probable_duplicates"]:
        yield f"  probable duplicates imported and flagged: {report['probable_duplicates']:,}"
