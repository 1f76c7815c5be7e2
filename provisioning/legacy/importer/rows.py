"""A source row as staging-table lines: the act rows normalised in Python (search keys, dates, Hijri, codes,
flags, fingerprint), the note and text rows as read."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from functools import lru_cache
from operator import itemgetter

from jamaa.modules.etatcivil.models import NoteKind

from .. import normalise as nz
from ..mapping import ACT_HIJRI_TEXT_FIELDS, ACT_TEXT_FIELDS, CONST, Mapping, TableSpec
from ..readers import Source, SourceError
from .common import _NO_DATE, _ar_key, _has_title, _int, _lat_key, _n, _t, encoding_label


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
