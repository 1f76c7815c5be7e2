"""Turning legacy cell values into typed candidates: dates in every form of the exports, Hijri conversion,
encodings, mojibake. Pure functions, cached: a million rows repeat a few thousand distinct values.

Nothing here decides whether a row is imported: it returns the value read (or None) and a status; the importer's
set-based SQL applies the rules. A legal fact is never "fixed": a value that cannot be read as written is never
guessed into another one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from jamaa.modules.etatcivil import calendars
from jamaa.modules.etatcivil.words import GREGORIAN_MONTHS_FR

# Status of a date cell (also the vocabulary of the importer's SQL predicates).
OK = "ok"
EMPTY = "empty"
YEAR_ONLY = "year"  # 00/00/1950 or a bare year: the day is unknown
BAD = "bad"  # not a date in any declared form
HIJRI_RANGE = "hijri_range"  # a Hijri date the converter cannot convert (outside 1343–1500 AH)


@dataclass(frozen=True, slots=True)
class DateRead:
    status: str
    value: dt.date | None = None
    year: int | None = None
    detail: str = ""


_EMPTY = DateRead(EMPTY)
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YEAR = re.compile(r"^(\d{4})$")
_ZERO_DMY = re.compile(r"^0{1,2}\s*[/.\-]\s*0{1,2}\s*[/.\-]\s*(\d{4})$")
_HIJRI_SUFFIX = re.compile(r"\s*(?:هـ|ه|H|AH|h)\.?\s*$")
_SPACES = re.compile(r"\s+")

FORMATS = ("dmy", "iso", "year_only", "typed")


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


@lru_cache(maxsize=1_000_000)
def read_gregorian(text: str, formats: tuple[str, ...] = FORMATS) -> DateRead:
    """A Gregorian date typed as dd/mm/yyyy, yyyy-mm-dd, 00/00/yyyy or yyyy (only the forms in `formats`)."""
    s = text.strip()
    if not s:
        return _EMPTY
    if "iso" in formats or "typed" in formats:
        m = _YMD.match(s)
        if m:
            d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
            return DateRead(OK, d, d.year) if d else DateRead(BAD, detail=f"no such day: {s}")
    if "year_only" in formats:
        m = _ZERO_DMY.match(s) or _YEAR.match(s)
        if m:
            return DateRead(YEAR_ONLY, None, int(m[1]))
    if "dmy" in formats:
        m = _DMY.match(s)
        if m:
            d = _safe_date(int(m[3]), int(m[2]), int(m[1]))
            return DateRead(OK, d, d.year) if d else DateRead(BAD, detail=f"no such day: {s}")
    return DateRead(BAD, detail=f"not a date: {s}")


# ------------------------------------------------------------------------------------- French words ("le quinze …")

_FR_UNITS = {
    "zero": 0, "un": 1, "une": 1, "premier": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
}  # fmt: skip
_FR_MONTHS = {unicodedata.normalize("NFKD", m).encode("ascii", "ignore").decode(): i + 1
              for i, m in enumerate(GREGORIAN_MONTHS_FR)}  # fmt: skip


def _ascii_words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return [w for w in re.split(r"[\s\-]+", plain.replace(",", " ")) if w]


def french_number(words: list[str]) -> int | None:
    """A cardinal written in French words (traditional or 1990 spelling, "mil" for years)."""
    total, current, prev = 0, 0, ""
    if not words:
        return None
    for w in words:
        if w == "et":
            continue
        if w in ("cent", "cents"):
            current = (current or 1) * 100
        elif w in ("mille", "mil"):
            total += (current or 1) * 1000
            current = 0
        elif w in ("vingt", "vingts") and prev == "quatre":
            current += 76  # quatre-vingt(s): 4 already counted
        elif w in _FR_UNITS:
            current += _FR_UNITS[w]
        else:
            return None
        prev = w
    return total + current


@lru_cache(maxsize=1_000_000)
def read_french_words(text: str) -> DateRead:
    """ "le quinze mars mil neuf cent cinquante" (what words.date_fr writes, and older spellings)."""
    words = _ascii_words(text)
    if not words:
        return _EMPTY
    if words[0] == "le":
        words = words[1:]
    months = [i for i, w in enumerate(words) if w in _FR_MONTHS]
    if len(months) != 1:
        return DateRead(BAD, detail=f"not a date in words: {text.strip()}")
    i = months[0]
    day, year = french_number(words[:i]), french_number(words[i + 1 :])
    if day is None or year is None:
        return DateRead(BAD, detail=f"not a date in words: {text.strip()}")
    d = _safe_date(year, _FR_MONTHS[words[i]], day)
    return DateRead(OK, d, year) if d else DateRead(BAD, detail=f"no such day: {text.strip()}")


# ------------------------------------------------------------------------------------------------------- Hijri

_HIJRI_MONTHS: dict[str, int] = {}
for _i, (_ar, _fr) in enumerate(zip(calendars.HIJRI_MONTHS_AR, calendars.HIJRI_MONTHS_FR, strict=True)):
    _HIJRI_MONTHS[_SPACES.sub(" ", _ar)] = _i + 1
    _HIJRI_MONTHS[" ".join(_ascii_words(_fr))] = _i + 1
_HIJRI_TEXT = re.compile(r"^(\d{1,2})\s+(.+?)\s+(\d{3,4})$")


def hijri_month_numbers() -> dict[str, int]:
    """Each Hijri month's name as read (Arabic with single spaces, French as ASCII words) → its number."""
    return dict(_HIJRI_MONTHS)


_HIJRI_TABLE: dict[tuple[int, int, int], dt.date] = {}


def hijri_table() -> dict[tuple[int, int, int], dt.date]:
    """Every Hijri day of the converter's range (1343–1500 AH) → its Gregorian day, built once per process from
    one conversion per month (~1,900) instead of one per distinct date text (hundreds of thousands at scale)."""
    if not _HIJRI_TABLE:
        lo, hi = calendars.HIJRI_MIN[0], calendars.HIJRI_MAX[0]
        starts = [(y, m, calendars.from_hijri(y, m, 1)) for y in range(lo, hi + 1) for m in range(1, 13)]
        ends = [s for _y, _m, s in starts[1:]] + [calendars.GREGORIAN_MAX + dt.timedelta(days=1)]
        table: dict[tuple[int, int, int], dt.date] = {}
        for (y, m, start), end in zip(starts, ends, strict=True):
            for d in range((end - start).days):
                table[(y, m, d + 1)] = start + dt.timedelta(days=d)
        _HIJRI_TABLE.update(table)
    return _HIJRI_TABLE


@dataclass(frozen=True, slots=True)
class HijriRead:
    status: str
    hijri: tuple[int, int, int] | None = None
    gregorian: dt.date | None = None
    detail: str = ""


@lru_cache(maxsize=1_000_000)
def read_hijri(text: str) -> HijriRead:
    """A Hijri date as dd/mm/yyyy[ هـ] or "12 رجب 1370" / "12 Rajab 1370", converted by the Umm al-Qura tables."""
    s = _HIJRI_SUFFIX.sub("", text.strip())
    if not s:
        return HijriRead(EMPTY)
    m = _DMY.match(s)
    if m:
        y, mo, d = int(m[3]), int(m[2]), int(m[1])
    else:
        m = _HIJRI_TEXT.match(s)
        month = None
        if m:
            name = m[2].strip()
            month = _HIJRI_MONTHS.get(_SPACES.sub(" ", name)) or _HIJRI_MONTHS.get(" ".join(_ascii_words(name)))
        if not m or month is None:
            return HijriRead(BAD, detail=f"not a Hijri date: {text.strip()}")
        y, mo, d = int(m[3]), month, int(m[1])
    if not (1 <= mo <= 12 and 1 <= d <= 31):  # the converter's tables decide (they hold a 31-day month, 1349 AH)
        return HijriRead(BAD, detail=f"not a Hijri date: {text.strip()}")
    if not calendars.HIJRI_MIN[0] <= y <= calendars.HIJRI_MAX[0]:
        return HijriRead(HIJRI_RANGE, (y, mo, d), detail=f"{text.strip()}: outside the converter's range 1343–1500 AH")
    g = hijri_table().get((y, mo, d))
    if g is None:
        return HijriRead(BAD, (y, mo, d), detail=f"no such Hijri day: {text.strip()}")
    return HijriRead(OK, (y, mo, d), g)


# --------------------------------------------------------------------------------------------- a date field


@dataclass(frozen=True, slots=True)
class DateField:
    """What one act date reads as, from its Gregorian cell, its words and its Hijri text."""

    value: dt.date | None
    status: str  # OK, EMPTY, YEAR_ONLY, BAD, HIJRI_RANGE, or "conflict"
    flags: tuple[str, ...] = ()
    detail: str = ""


CONFLICT = "conflict"
HIJRI_TOLERANCE_DAYS = 2  # months start by moon sighting in Morocco; Umm al-Qura may differ by a day or two


def read_date_field(gregorian: str, words: str, hijri: str, formats: tuple[str, ...] = FORMATS) -> DateField:
    """Resolve one date from its sources (each read is cached: a million rows hold a few hundred thousand distinct
    dates), in order: the Gregorian cell, the words, the Hijri text.

    The first source that gives a day governs; the others are kept as recorded and compared (a 1–2 day
    Hijri/Gregorian difference is flagged, a larger one is a conflict). A non-empty source that is not a date
    makes the field BAD only when no source gives a day (else it is flagged)."""
    g = read_gregorian(gregorian, formats) if gregorian else _EMPTY
    w = read_french_words(words) if words else _EMPTY
    h = read_hijri(hijri) if hijri else HijriRead(EMPTY)
    flags: list[str] = []
    value: dt.date | None = None
    for source in (g, w):
        if source.status == OK:
            value = source.value
            break
    if value is None and h.status == OK:
        value = h.gregorian
        flags.append("date_from_hijri")
    if value is not None:
        for name, source in (("gregorian", g), ("words", w)):
            if source.status == BAD:
                flags.append(f"{name}_unreadable")
            elif source.status == OK and source.value != value:
                return DateField(None, CONFLICT, (), f"{name} says {source.value}, another source {value}")
        if h.status == OK and h.gregorian != value:
            gap = abs((h.gregorian - value).days)  # type: ignore[operator]
            if gap > HIJRI_TOLERANCE_DAYS:
                return DateField(None, CONFLICT, (), f"Hijri {hijri.strip()} is {h.gregorian}, Gregorian {value}")
            flags.append("hijri_differs_1_2_days")
        elif h.status == HIJRI_RANGE:
            flags.append("hijri_outside_converter")
        elif h.status == BAD:
            flags.append("hijri_unreadable")
        return DateField(value, OK, tuple(flags))
    if g.status == YEAR_ONLY:
        return DateField(None, YEAR_ONLY, ("date_year_only",), str(g.year))
    if h.status == HIJRI_RANGE and g.status == EMPTY and w.status == EMPTY:
        return DateField(None, HIJRI_RANGE, (), h.detail)
    bad = [s.detail for s in (g, w) if s.status == BAD] + ([h.detail] if h.status in (BAD, HIJRI_RANGE) else [])
    if bad:
        return DateField(None, BAD, (), "; ".join(bad))
    return DateField(None, EMPTY)


# --------------------------------------------------------------------------------------------- text checks

_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[A-Za-z]")
# UTF-8 Arabic read as Windows-1252/Latin-1: Ø/Ù/Ú/Û followed by a continuation byte's character.
_MOJIBAKE = re.compile(
    "[ØÙÚÛ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
)


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


_LATIN1_LETTERS = re.compile("[\u00c0-\u00ff]")


def latin1_soup_share(texts: list[str]) -> float:
    """The share of À–ÿ among the letters of texts: Arabic bytes read as Latin-1 give mostly these."""
    letters = sum(sum(1 for c in t if c.isalpha()) for t in texts)
    return sum(len(_LATIN1_LETTERS.findall(t)) for t in texts) / letters if letters else 0.0


def likely_arabic_encoding(texts: list[str], read_as: str) -> tuple[str, str]:
    """Which encoding makes Arabic of texts decoded with the wrong one: (label, the first text so read), or
    ("", "") when none does. read_as: the codec they were decoded with ("xlsx": unknown)."""
    sources = [read_as] if read_as in ENCODINGS.values() else []
    for source in [*sources, "cp1252", "latin-1"]:
        for target, label in (("utf-8", "utf-8"), ("cp1256", "windows-1256")):
            if target == source.replace("-sig", ""):
                continue
            try:
                readings = [t.encode(source).decode(target) for t in texts]
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if readings and sum(has_arabic(r) for r in readings) * 2 > len(readings):
                return label, readings[0]
    return "", ""


def looks_mojibake(text: str) -> bool:
    """UTF-8 bytes decoded as a one-byte code page ("Ù…Ø­Ù…Ø¯" for محمد)."""
    return bool(_MOJIBAKE.search(text))


def mojibake_reading(text: str) -> str:
    """What a mojibake value probably said (for the human reading the reject file; never imported)."""
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return ""


# ------------------------------------------------------------------------------------------------- encodings

ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "windows-1256": "cp1256", "cp1256": "cp1256",
             "latin-1": "latin-1", "iso-8859-1": "latin-1", "latin1": "latin-1", "cp1252": "cp1252"}  # fmt: skip
_AR_RUN = re.compile("[\u0621-\u064a]{3,}")


def detect_encoding(sample: bytes) -> str:
    """UTF-8 if the bytes decode as such; else Windows-1256 if they read as Arabic words; else Latin-1.

    French text decodes the same in both code pages for its usual letters (é è à ç ê ô û…): only runs of Arabic
    letters tell Windows-1256 apart."""
    try:
        sample.decode("utf-8")
        return "utf-8-sig"
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a character cut by the end of the sample
            try:
                sample[: exc.start].decode("utf-8")
                return "utf-8-sig"
            except UnicodeDecodeError:
                pass
    text = sample.decode("cp1256", errors="replace")
    return "cp1256" if len(_AR_RUN.findall(text)) >= 3 else "latin-1"


def codec_name(declared: str) -> str:
    """The Python codec of a declared encoding (mapping file), or "auto"."""
    key = declared.strip().lower()
    if key in ("", "auto"):
        return "auto"
    if key not in ENCODINGS:
        raise ValueError(f"unknown encoding {declared!r} (known: {', '.join(sorted(ENCODINGS))}, auto)")
    return ENCODINGS[key]
