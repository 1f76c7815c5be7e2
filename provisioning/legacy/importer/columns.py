"""Act rows normalised column-wise: a chunk of source rows becomes a Polars frame, each normaliser runs over whole
columns, and the chunk leaves as CSV for the staging table's COPY.

What is regular is computed by Polars expressions: trimming, codes, years, numbers and ages, the common date
forms (dd/mm/yyyy, yyyy-mm-dd, a Hijri dd/mm/yyyy looked up in a table of every day of the converter's range,
French words read once per distinct text), flags, the fingerprint's text and the row as JSON. What is irregular
goes to the row-wise readers of `normalise`, once per distinct value: name spellings (search keys, titles,
mojibake) and every date the fast forms do not settle (year only, conflicts, unreadable, other spellings), so
both paths give exactly what `normalise.read_date_field` gives.

Only ever used in the reading processes (`reading.py`), never in a process that forks later: Polars starts its
thread pool on first use, and a process forked after that inherits the pool without its threads (a deadlock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import lru_cache, partial
from typing import Any

import polars as pl

from .. import normalise as nz
from ..mapping import ACT_HIJRI_TEXT_FIELDS, ACT_TEXT_FIELDS, CONST, Mapping, TableSpec
from ..readers import Source
from .common import _ar_key, _has_title, _lat_key, encoding_label
from .rows import _TRIM

_DMY = r"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})$"  # the fast forms: ASCII digits, no spaces
_ISO = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"
# "24 محرم 1384 هـ": single spaces, a month's name exactly as `normalise` knows it, the usual suffix or none
_HIJRI_NAMED = r"^([0-9]{1,2}) ([^0-9]+?) ([0-9]{4})(?: هـ)?$"
_YEAR = r"^[0-9]{1,4}(?:\.0)?$"
_NUMBER = r"^[0-9]{1,10}(?:\.0)?$"
_AGE = r"^[0-9]{1,3}$"
_UTF8 = pl.String

# The columns of the staging table's COPY, in ACT_STAGE_IN's order.
_TEXT_FIELDS = [*ACT_TEXT_FIELDS, *ACT_HIJRI_TEXT_FIELDS]


def _quote_literal(value: str) -> str:
    """PostgreSQL's quote_literal (the reject message quotes the names as SQL would)."""
    body = value.replace("'", "''")
    if "\\" in value:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


@lru_cache(maxsize=500_000)
def _ar_facts(text: str) -> tuple[str, bool, bool, str]:
    """An Arabic name spelling: (search key, has a title, mojibake, mojibake's probable reading)."""
    moji = nz.looks_mojibake(text)
    return _ar_key(text), _has_title(text), moji, nz.mojibake_reading(text) if moji else ""


@lru_cache(maxsize=200_000)
def _mojibake_message(field: str, text: str) -> tuple[str | None]:
    """What a mojibake name is rejected with (None when it reads as Arabic)."""
    facts = _ar_facts(text)
    return (f"{field}: {_quote_literal(text)} probably reads {_quote_literal(facts[3])}" if facts[2] else None,)


@lru_cache(maxsize=500_000)
def _lat_facts(text: str) -> tuple[str, bool, bool]:
    """A Latin name spelling: (search key, has a title, holds Arabic letters)."""
    return _lat_key(text), _has_title(text), nz.has_arabic(text)


@lru_cache(maxsize=200_000)
def _words(text: str) -> tuple[str, dt.date | None]:
    """A date in French words: (status, day)."""
    read = nz.read_french_words(text) if text else nz.DateRead(nz.EMPTY)
    return read.status, read.value


@lru_cache(maxsize=500_000)
def _date_slow(
    gregorian: str, words: str, hijri: str, formats: tuple[str, ...], name: str
) -> tuple[str | None, str, str, str]:
    """A date the fast forms do not settle, as its staging columns: (ISO day or None, status, detail, flags)."""
    d = nz.read_date_field(gregorian, words, hijri, formats)
    day = d.value.isoformat() if d.status == nz.OK and d.value else None
    return day, d.status, d.detail, ",".join(f"{name}:{f}" for f in d.flags)


@lru_cache(maxsize=1)
def _hijri_days() -> tuple[int, pl.Series]:
    """Every Hijri day of the converter's range as a Series indexed by (year - first) * 372 + (month - 1) * 31 +
    day - 1 (null where there is no such day), and that first year."""
    table = nz.hijri_table()
    first = min(y for y, _m, _d in table)
    last = max(y for y, _m, _d in table)
    days: list[dt.date | None] = [None] * ((last - first + 1) * 372)
    for (y, m, d), day in table.items():
        days[(y - first) * 372 + (m - 1) * 31 + d - 1] = day
    return first, pl.Series(values=days, dtype=pl.Date)


def _mapped(column: pl.Series, fn: Any, picks: tuple[int, ...]) -> list[pl.Series]:
    """`fn` (a cached function of one value returning a tuple of facts) over a column's distinct values; the facts
    at `picks`, each as a column in the column's order."""
    distinct = column.unique().to_list()
    facts = [fn(v) for v in distinct]
    return [column.replace_strict(distinct, [f[k] for f in facts], default=None) for k in picks]


def _md5_20(texts: list[str]) -> list[str]:
    return [hashlib.md5(t.encode()).hexdigest()[:20] for t in texts]


class ActColumns:
    """One file's act rows → CSV chunks of its staging table. Decides exactly what the staging SQL decided
    before it (same flags in the same order, same fingerprint, same messages)."""

    def __init__(self, mapping: Mapping, table: TableSpec, source: Source, file_no: int) -> None:
        self.width = len(source.header)
        index = {h: i for i, h in enumerate(source.header)}
        self.consts = [c[len(CONST) :] for c in table.constants()]
        for k, const in enumerate(table.constants()):
            index[const] = self.width + k  # a constant's cell follows the row's
        self.index = index
        self.file_no = file_no
        fields = table.fields
        self.fields = fields
        self.table = table
        self.late_days = mapping.late_declaration_days
        self.kind = table.kind or None
        self.kind_codes = {k: (None if v is None else str(v)) for k, v in mapping.codes.get("kind", {}).items()}
        self.sex_codes = {k: (None if v is None else str(v)) for k, v in mapping.codes.get("sex", {}).items()}
        self.bureaux = {k: b.code for k, b in mapping.bureaux.items()}
        self.old = sorted(mapping.old_places)
        self.pad = [""] * self.width
        # The row as JSON: the header's names (the last of a repeated name wins, as in jsonb).
        last = {h: i for i, h in enumerate(source.header)}
        self.json_fields = [(h, i) for h, i in last.items()]
        self.json_head = (
            '{"table":' + json.dumps(table.name, ensure_ascii=False) + ',"encoding":'
            + json.dumps(encoding_label(source.encoding), ensure_ascii=False) + ',"row":'
        )  # fmt: skip

    def _at(self, column: str) -> int:
        return self.index[column] if column else -1

    def csv(self, chunk: list[tuple[int, list[str]]]) -> str:
        """The chunk's rows as CSV lines for `COPY … (FORMAT csv, NULL '\\N')`."""
        width, pad = self.width, self.pad
        nf = [len(v) for _line, v in chunk]
        rows = [v if len(v) == width else (v + pad)[:width] for _line, v in chunk]
        raw = pl.DataFrame(
            {f"c{i}": pl.Series(values=col, dtype=_UTF8) for i, col in enumerate(zip(*rows, strict=True))}
            if rows and width
            else {f"c{i}": pl.Series(values=[""] * len(chunk), dtype=_UTF8) for i in range(width)}
        )
        trimmed = raw.select(pl.col(f"c{i}").str.strip_chars(_TRIM).alias(f"t{i}") for i in range(width))
        cells = {f"t{i}": trimmed[f"t{i}"] for i in range(width)}
        size = len(chunk)
        for k, const in enumerate(self.consts):
            cells[f"t{width + k}"] = pl.Series(values=[const] * size, dtype=_UTF8)
        empty = pl.Series(values=[""] * size, dtype=_UTF8)

        def cell(column: str) -> pl.Series:
            i = self._at(column)
            return cells[f"t{i}"] if i >= 0 else empty

        f = self.fields
        texts = {name: cell(f.get(name, "")) for name in _TEXT_FIELDS}
        given_ar, family_ar = texts["given_name_ar"], texts["family_name_ar"]
        father_ar, mother_ar = texts["father_name_ar"], texts["mother_name_ar"]
        given_fr, family_fr = texts["given_name_fr"], texts["family_name_fr"]
        place_ar, place_fr = texts["place_ar"], texts["place_fr"]
        kga, tga = _mapped(given_ar, _ar_facts, (0, 1))
        (kfa,) = _mapped(family_ar, _ar_facts, (0,))
        kpa, mpa = _mapped(father_ar, _ar_facts, (0, 2))
        kma, mma = _mapped(mother_ar, _ar_facts, (0, 2))
        (msg_given,) = _mapped(given_ar, partial(_mojibake_message, "given_name_ar"), (0,))
        (msg_family,) = _mapped(family_ar, partial(_mojibake_message, "family_name_ar"), (0,))
        kgl, tgl, agl = _mapped(given_fr, _lat_facts, (0, 1, 2))
        kfl, afl = _mapped(family_fr, _lat_facts, (0, 2))

        t = self.table
        bureau_src = cell(t.key["bureau"])
        year_src, number_src, age_src = cell(t.key["year"]), cell(t.key["number"]), cell(f.get("declarant_age", ""))
        sex_src = cell(f.get("sex", ""))
        frame = pl.DataFrame(
            {
                "bureau_src": bureau_src, "year_src": year_src, "number_src": number_src, "age_src": age_src,
                "sex_src": sex_src, "kind_src": cell(t.kind_column), "legacy": cell(t.legacy_id),
                "remark": cell(f.get("remark", "")),
                "given_ar": given_ar, "family_ar": family_ar, "father_ar": father_ar, "mother_ar": mother_ar,
                "given_fr": given_fr, "family_fr": family_fr, "place_ar": place_ar, "place_fr": place_fr,
                "kga": kga, "tga": tga, "kfa": kfa,
                "kpa": kpa, "mpa": mpa, "kma": kma, "mma": mma, "kgl": kgl, "tgl": tgl, "agl": agl,
                "kfl": kfl, "afl": afl, "msg_given": msg_given, "msg_family": msg_family,
                "nf": pl.Series(values=nf, dtype=pl.Int64),
                "line": pl.Series(values=[line for line, _v in chunk], dtype=pl.Int64),
            }
        )  # fmt: skip
        for name in ("event_date", "drawn_up_on"):
            frame = frame.hstack(self._date(name, cell, size))
        c = pl.col
        year = pl.when(c("year_src").str.contains(_YEAR)).then(
            c("year_src").str.split(".").list.first().cast(pl.Int64, strict=False)
        )
        number = pl.when(c("number_src").str.contains(_NUMBER)).then(
            c("number_src").str.split(".").list.first().cast(pl.Int64, strict=False)
        )
        age = pl.when(c("age_src").str.contains(_AGE)).then(c("age_src").cast(pl.Int64, strict=False))
        frame = frame.with_columns(
            year.alias("year"),
            pl.when(number <= 2_000_000_000).then(number).alias("number"),
            pl.when(age <= 150).then(age).alias("age"),
            (
                pl.lit(self.kind, dtype=_UTF8)
                if self.kind
                else c("kind_src").replace_strict(
                    list(self.kind_codes), list(self.kind_codes.values()), default=None, return_dtype=_UTF8
                )
            ).alias("kind"),
            pl.when(c("sex_src") == "")
            .then(pl.lit(""))
            .otherwise(
                c("sex_src")
                .replace_strict(list(self.sex_codes), list(self.sex_codes.values()), default=None, return_dtype=_UTF8)
                .fill_null(pl.when(c("sex_src").is_in(["M", "F"])).then(c("sex_src")))
            )
            .alias("sex"),
            c("bureau_src")
            .replace_strict(list(self.bureaux), list(self.bureaux.values()), default=None, return_dtype=_UTF8)
            .alias("bureau_code"),
        )
        # The register's year (when the act was drawn up) against the event's: later than the law's
        # late-declaration allowance, or earlier than the event.
        ev = c("event_date_text").str.to_date("%Y-%m-%d", strict=False)
        far = (
            c("event_date_text").is_not_null()
            & (c("year") >= 1)
            & (c("year") != ev.dt.year())
            & ((c("year") < ev.dt.year()) | ((pl.date(c("year"), 1, 1) - ev).dt.total_days() > self.late_days))
        ).fill_null(False)

        def flag(condition: pl.Expr, name: str) -> pl.Expr:
            return pl.when(condition).then(pl.lit(name))

        flags = pl.concat_str(
            [
                flag(c("mpa"), "mojibake:father_name_ar"),
                flag(c("mma"), "mojibake:mother_name_ar"),
                pl.when((c("given_fr") == "") & (c("family_fr") == ""))
                .then(pl.lit("latin_missing"))
                .when(c("agl") | c("afl"))
                .then(pl.lit("arabic_in_latin_column")),
                flag((c("father_ar") == "") & (c("mother_ar") == ""), "parents_missing"),
                flag(c("tga") | c("tgl"), "title_in_name"),
                flag(c("place_fr").is_in(self.old) | c("place_ar").is_in(self.old), "place_before_merger"),
                flag((c("age_src") != "") & c("age").is_null(), "declarant_age_unreadable"),
                flag(far, "register_year_far_from_event"),
                pl.when(c("event_date_flags") != "").then(c("event_date_flags")),
                pl.when(c("drawn_up_on_flags") != "").then(c("drawn_up_on_flags")),
            ],
            separator=",",
            ignore_nulls=True,
        )
        frame = frame.with_columns(flags.alias("flags"))
        frame = frame.with_columns(
            pl.coalesce(c("msg_given"), c("msg_family")).alias("mojibake"),
            pl.concat_str(
                [
                    pl.when(c("kind").is_null() | (c("kind") == "")).then(pl.lit("None")).otherwise(c("kind")),
                    c("kga"), c("kfa"), c("kgl"), c("kfl"),
                    pl.when(c("event_date_text").is_null() | (c("event_date_text") == ""))
                    .then(pl.lit("None")).otherwise(c("event_date_text")),
                    pl.when(c("drawn_up_on_text").is_null() | (c("drawn_up_on_text") == ""))
                    .then(pl.lit("None")).otherwise(c("drawn_up_on_text")),
                    c("kpa"), c("kma"), c("sex").fill_null("None"), c("place_ar"),
                ],
                separator="|",
            ).alias("fingerprint"),
        )  # fmt: skip
        digest = pl.Series(values=_md5_20(frame["fingerprint"].to_list()), dtype=_UTF8)
        # The row as read (padded to the header, then the cells past it): its hash and its JSON.
        row_hash = pl.Series(
            values=_md5_20(["\x1f".join(v if len(v) >= width else r) for (_l, v), r in zip(chunk, rows, strict=True)]),
            dtype=_UTF8,
        )
        extra = pl.Series(
            values=[
                ',"_extra":' + json.dumps(v[width:], ensure_ascii=False) if len(v) > width else None for _l, v in chunk
            ],
            dtype=_UTF8,
        )
        row_json = (
            raw.select(pl.struct([pl.col(f"c{i}").alias(h) for h, i in self.json_fields]).struct.json_encode())
            .to_series()
            .str.strip_suffix("}")
            if self.json_fields
            else pl.Series(values=["{"] * size, dtype=_UTF8)
        )
        remark_json = frame.select(
            pl.when(c("remark") != "").then(
                pl.concat_str(
                    pl.lit(","),
                    pl.struct(c("remark")).struct.json_encode().str.strip_prefix("{").str.strip_suffix("}"),
                )
            )
        ).to_series()
        frame = frame.with_columns(
            digest.alias("hash"), row_hash.alias("row_hash"), extra.alias("extra"), row_json.alias("row_json"),
            remark_json.alias("remark_json"),
        )  # fmt: skip
        source_values = pl.concat_str(
            [
                pl.lit(self.json_head),
                c("row_json"),
                c("extra").fill_null(""),
                pl.lit('},"hash":"'),
                c("hash"),
                pl.lit('","row_hash":"'),
                c("row_hash"),
                pl.lit('"'),
                pl.when(c("flags") != "")
                .then(pl.concat_str(pl.lit(',"flags":["'), c("flags").str.replace_all(",", '","', literal=True),
                                    pl.lit('"]')))
                .otherwise(pl.lit("")),
                c("remark_json").fill_null(""),
                pl.lit("}"),
            ]
        )  # fmt: skip
        malformed = c("nf") != width
        out = frame.select(
            pl.lit(self.file_no, dtype=pl.Int64).alias("file_no"),
            c("line"),
            c("legacy").alias("legacy_id"),
            source_values.alias("raw"),
            c("bureau_src"),
            c("bureau_code"),
            c("kind"),
            c("year"),
            c("number"),
            *[texts[name].alias(name) for name in _TEXT_FIELDS],
            c("sex"),
            c("age").alias("declarant_age"),
            c("event_date_text"),
            c("event_date_status"),
            c("event_date_detail"),
            c("drawn_up_on_text"),
            c("drawn_up_on_status"),
            c("drawn_up_on_detail"),
            c("kga"),
            c("kfa"),
            c("kgl"),
            c("kfl"),
            c("kpa"),
            c("kma"),
            c("flags"),
            c("mojibake"),
            c("hash"),
            c("row_hash"),
            pl.when(malformed).then(pl.lit("ROW_MALFORMED")).alias("pre_reason"),
            pl.when(malformed)
            .then(pl.format("{} fields, the header has {}", c("nf"), pl.lit(width)))
            .alias("pre_message"),
        )
        return out.write_csv(include_header=False, null_value="\\N", quote_style="non_numeric")

    def _date(self, name: str, cell: Any, size: int) -> pl.DataFrame:
        """An act date's staging columns (<name>_text, _status, _detail, _flags): the fast forms by
        expressions, the rest by `normalise.read_date_field` once per distinct (gregorian, words, hijri)."""
        spec = self.table.dates.get(name)
        if spec is None:
            return pl.DataFrame(
                {
                    f"{name}_text": pl.Series(values=[None] * size, dtype=_UTF8),
                    f"{name}_status": pl.Series(values=[nz.EMPTY] * size, dtype=_UTF8),
                    f"{name}_detail": pl.Series(values=[""] * size, dtype=_UTF8),
                    f"{name}_flags": pl.Series(values=[""] * size, dtype=_UTF8),
                }
            )
        g, w, h = cell(spec.gregorian), cell(spec.words), cell(spec.hijri)
        formats = tuple(spec.formats)
        frame = pl.DataFrame({"g": g, "w": w, "h": h})
        c = pl.col

        def ymd(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
            # a real day of year >= 1000 (earlier years, 0 included, are left to the row-wise reader)
            return pl.when(~y.str.starts_with("0")).then(
                pl.concat_str(y, pl.lit("-"), m, pl.lit("-"), d).str.to_date("%Y-%m-%d", strict=False)
            )

        gv = pl.lit(None, dtype=pl.Date)
        if "iso" in formats or "typed" in formats:
            iso = c("g").str.extract_groups(_ISO)
            gv = ymd(iso.struct.field("1"), iso.struct.field("2"), iso.struct.field("3"))
        if "dmy" in formats:
            dmy = c("g").str.extract_groups(_DMY)
            gv = pl.coalesce(gv, ymd(dmy.struct.field("3"), dmy.struct.field("2"), dmy.struct.field("1")))
        words = _mapped(w, _words, (0, 1))
        frame = frame.with_columns(gv.alias("gv"), words[0].alias("ws"), words[1].cast(pl.Date).alias("wv"))
        first, days = _hijri_days()
        hm, ht = c("h").str.extract_groups(_DMY), c("h").str.extract_groups(_HIJRI_NAMED)
        months = nz.hijri_month_numbers()
        hy = pl.coalesce(hm.struct.field("3"), ht.struct.field("3")).cast(pl.Int64, strict=False)
        hd = pl.coalesce(hm.struct.field("1"), ht.struct.field("1")).cast(pl.Int64, strict=False)
        hmonth = pl.coalesce(
            hm.struct.field("2").cast(pl.Int64, strict=False),
            ht.struct.field("2").replace_strict(list(months), list(months.values()), default=None,
                                                return_dtype=pl.Int64),
        )  # fmt: skip
        # the day's place in the table (None outside it: the row-wise reader then decides)
        place = pl.when(
            hy.is_between(first, first + len(days) // 372 - 1) & hmonth.is_between(1, 12) & hd.is_between(1, 31)
        ).then((hy - first) * 372 + (hmonth - 1) * 31 + hd - 1)
        frame = frame.with_columns(pl.lit(days).gather(place).alias("hv"))
        value = pl.coalesce(c("gv"), c("wv"), c("hv"))
        from_hijri = c("gv").is_null() & c("wv").is_null() & c("hv").is_not_null()
        differs = c("hv").is_not_null() & ~from_hijri & (c("hv") != value)
        gap = (c("hv") - value).dt.total_days().abs()
        fast = (
            ((c("g") == "") | c("gv").is_not_null())
            & c("ws").is_in([nz.EMPTY, nz.OK])
            & ((c("h") == "") | c("hv").is_not_null())
            & ~(c("gv").is_not_null() & c("wv").is_not_null() & (c("gv") != c("wv"))).fill_null(False)
            & ~(differs & (gap > nz.HIJRI_TOLERANCE_DAYS)).fill_null(False)
        )
        frame = frame.with_columns(
            fast.alias("fast"),
            value.dt.to_string("%Y-%m-%d").alias("text"),
            pl.when(from_hijri)
            .then(pl.lit(f"{name}:date_from_hijri"))
            .when(differs)
            .then(pl.lit(f"{name}:hijri_differs_1_2_days"))
            .otherwise(pl.lit(""))
            .alias("flags"),
        )
        slow = frame.select(c("fast").not_()).to_series()
        text, status, detail, flagged = (
            frame["text"].to_list(),
            [nz.OK if v is not None else nz.EMPTY for v in frame["text"].to_list()],
            [""] * size,
            frame["flags"].to_list(),
        )
        if slow.any():
            gs, ws, hs = g.to_list(), w.to_list(), h.to_list()
            for i in slow.arg_true().to_list():
                text[i], status[i], detail[i], flagged[i] = _date_slow(gs[i], ws[i], hs[i], formats, name)
        return pl.DataFrame(
            {
                f"{name}_text": pl.Series(values=text, dtype=_UTF8),
                f"{name}_status": pl.Series(values=status, dtype=_UTF8),
                f"{name}_detail": pl.Series(values=detail, dtype=_UTF8),
                f"{name}_flags": pl.Series(values=flagged, dtype=_UTF8),
            }
        )
