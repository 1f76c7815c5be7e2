"""The importer's constants, reasons, result and error, and the small helpers every step uses."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jamaa.modules.etatcivil import search, services

from .. import normalise as nz
from ..mapping import ACT_HIJRI_TEXT_FIELDS, ACT_TEXT_FIELDS

ProgressFn = Callable[[str, int, int], None]

SYSTEM_USERNAME = "legacy-import"
COPY_CHUNK_ROWS = 20_000
COPY_READ_SIZE = 1 << 20  # psycopg2 reads a COPY source in blocks of this size (its 8 kB default costs GIL turns)
BULK_MIN_ROWS = 20_000  # below this, dropping and rebuilding the act indexes costs more than it saves
PARALLEL_MIN_BYTES = 4 << 20
SESSION_BATCH_MIN_ROWS = 2_000  # --sessions: a transaction holds whole registers of at least this many acts
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
    read_processes: int = 1  # processes that read the files

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
