"""A source row as staging-table lines: the note and text rows as read (the act rows are normalised column-wise,
in `columns`)."""

from __future__ import annotations

import json

from jamaa.modules.etatcivil.models import NoteKind

from .. import normalise as nz
from ..mapping import CONST, Mapping, TableSpec
from ..readers import Source, SourceError
from .common import _NO_DATE, _int, _n, _t, encoding_label


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


_TRIM = " \t\r\n"  # what the SQL steps trimmed (btrim E' \t\r\n'): str.strip() would trim more


# A note whose authority or authorising document is not in the export: imported, flagged "source incomplete".
_NOTE_INCOMPLETE = "(btrim(n.authority) = '' OR btrim(n.document_number) = '' OR n.document_date IS NULL)"
