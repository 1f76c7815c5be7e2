"""Numbers, dates, times and amounts of money written out in French and Arabic, as official documents print them.

Shared by the modules (civil-status extracts, régie receipts). French numbers come from `num2words` (traditional
spelling: "deux mille vingt-quatre"). Arabic numbers are written here: num2words' Arabic gives construct forms
where a number stands alone (200 → "مئتا", 2000 → "ألفا"), has no genitive, and its ordinals are wrong past
twenty; after "سنة" a year is in the genitive ("سنة ألفين وأربعة وعشرين"). Month names are the ones used in
Morocco (ماي، يوليوز، غشت، شتنبر، نونبر، دجنبر). Amounts: dirhams and centimes, the counted noun agreeing with the
number in Arabic (درهم واحد، درهمان، ثلاثة دراهم، أحد عشر درهما، مائة درهم، ألفا درهم).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from num2words import num2words

__all__ = [
    "ArabicCase",
    "GREGORIAN_MONTHS_AR",
    "GREGORIAN_MONTHS_FR",
    "amount_ar",
    "amount_fr",
    "date_ar",
    "date_fr",
    "day_ordinal_ar",
    "format_dh",
    "number_ar",
    "number_fr",
    "time_ar",
    "time_fr",
]

ArabicCase = Literal["nominative", "genitive"]

GREGORIAN_MONTHS_FR: tuple[str, ...] = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
GREGORIAN_MONTHS_AR: tuple[str, ...] = (
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "ماي",
    "يونيو",
    "يوليوز",
    "غشت",
    "شتنبر",
    "أكتوبر",
    "نونبر",
    "دجنبر",
)

# ---------------------------------------------------------------------------------------------------- French


def number_fr(n: int) -> str:
    """A cardinal in French words: 2024 → "deux mille vingt-quatre"."""
    if n < 0:
        raise ValueError(f"cannot write a negative number in words: {n}")
    return str(num2words(n, lang="fr"))


def _day_fr(day: int) -> str:
    return "premier" if day == 1 else number_fr(day)


def date_fr(day: datetime.date) -> str:
    """ "le quinze mars deux mille vingt-quatre" ("le premier …" on the first of the month)."""
    return f"le {_day_fr(day.day)} {GREGORIAN_MONTHS_FR[day.month - 1]} {number_fr(day.year)}"


def _feminine_fr(words: str) -> str:
    """ "un" → "une" at the end of a number counting a feminine noun (une heure, vingt et une minutes)."""
    return words[:-2] + "une" if words == "un" or words.endswith(" un") or words.endswith("-un") else words


def time_fr(t: datetime.time) -> str:
    """ "dix heures trente minutes", "une heure", "zéro heure cinq minutes" (24-hour clock)."""
    hours = _feminine_fr(number_fr(t.hour))
    text = f"{hours} {'heure' if t.hour < 2 else 'heures'}"
    if t.minute:
        text += f" {_feminine_fr(number_fr(t.minute))} {'minute' if t.minute == 1 else 'minutes'}"
    return text


# ---------------------------------------------------------------------------------------------------- Arabic

_ONES_AR = ("", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة")
_TENS_AR = ("", "عشرة", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون")
_HUNDREDS_AR = (
    "",
    "مائة",
    "مائتان",
    "ثلاثمائة",
    "أربعمائة",
    "خمسمائة",
    "ستمائة",
    "سبعمائة",
    "ثمانمائة",
    "تسعمائة",
)
_AND = " و"  # the conjunction is written attached to the next word: "ألف وأربعمائة"


def _genitive(word: str, case: ArabicCase) -> str:
    """Sound plurals and duals: -ون/-ان become -ين in the genitive."""
    if case != "genitive":
        return word
    if word in {"اثنان", "مائتان", "ألفان"}:
        return word[:-2] + "ين"
    if word.endswith("ون"):
        return word[:-2] + "ين"
    return word


def _below_hundred(n: int, case: ArabicCase) -> str:
    if n < 10:
        return _genitive(_ONES_AR[n], case)
    if n == 10:
        return "عشرة"
    if n == 11:
        return "أحد عشر"
    if n == 12:
        return "اثني عشر" if case == "genitive" else "اثنا عشر"
    if n < 20:
        return f"{_ONES_AR[n - 10]} عشر"
    tens, ones = divmod(n, 10)
    tens_word = _genitive(_TENS_AR[tens], case)
    return tens_word if not ones else _genitive(_ONES_AR[ones], case) + _AND + tens_word


def _below_thousand(n: int, case: ArabicCase) -> str:
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(_genitive(_HUNDREDS_AR[hundreds], case))
    if rest:
        parts.append(_below_hundred(rest, case))
    return _AND.join(parts)


# (one, dual nominative, plural of 3–10, accusative singular of 11–99) of each power of a thousand.
_SCALES_AR = (
    ("ألف", "ألفان", "آلاف", "ألفا"),
    ("مليون", "مليونان", "ملايين", "مليونا"),
    ("مليار", "ملياران", "ملايير", "مليارا"),
)


def _scale(k: int, words: tuple[str, str, str, str], case: ArabicCase) -> str:
    """k thousands (millions, milliards), 1 ≤ k ≤ 999, the counted noun agreeing with the last two digits of k."""
    one, dual, plural, accusative = words
    if k == 1:
        return one
    if k == 2:
        return _genitive(dual, case)
    last = k % 100
    if k > 100 and last in (1, 2):  # 101 000 = مائة ألف وألف, 102 000 = مائة ألف وألفان
        return f"{_below_thousand(k - last, case)} {one}{_AND}{_scale(last, words, case)}"
    if 3 <= last <= 10:
        return f"{_below_thousand(k, case)} {plural}"
    if last == 0:
        return f"{_below_thousand(k, case)} {one}"
    return f"{_below_thousand(k, case)} {accusative}"


def _cardinal_ar(n: int, case: ArabicCase) -> str:
    parts = []
    for power in range(len(_SCALES_AR), 0, -1):
        k, n = divmod(n, 1000**power)
        if k:
            parts.append(_scale(k, _SCALES_AR[power - 1], case))
    if n:
        parts.append(_below_thousand(n, case))
    return _AND.join(parts)


def number_ar(n: int, *, case: ArabicCase = "nominative", limit: int = 999_999) -> str:
    """A cardinal (0 – `limit`, at most 999 999 999 999) in Arabic words; `case="genitive"` after a noun:
    سنة ألفين وأربعة وعشرين. Millions and milliards (مليون، ملايين، مليار) for amounts: pass a larger `limit`."""
    if n < 0 or n > min(limit, 999_999_999_999):
        raise ValueError(f"cannot write {n} in Arabic words (0 – {limit:,})")
    if n == 0:
        return "صفر"
    return _cardinal_ar(n, case)


_ORDINALS_AR = (
    "",
    "الأول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
)
_ORDINALS_AR_F = (
    "",
    "الواحدة",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
    "الحادية عشرة",
    "الثانية عشرة",
)


def day_ordinal_ar(day: int) -> str:
    """The day of the month as an ordinal (masculine, for يوم): 1 → الأول, 15 → الخامس عشر, 21 → الحادي والعشرون."""
    if not 1 <= day <= 31:
        raise ValueError(f"not a day of the month: {day}")
    if day <= 10:
        return _ORDINALS_AR[day]
    if day < 20:
        unit = "الحادي" if day == 11 else _ORDINALS_AR[day - 10]
        return f"{unit} عشر"
    tens, ones = divmod(day, 10)
    tens_word = "ال" + _TENS_AR[tens]
    if not ones:
        return tens_word
    unit = "الحادي" if ones == 1 else _ORDINALS_AR[ones]
    return unit + _AND + tens_word


def date_ar(day: datetime.date) -> str:
    """ "الخامس عشر من مارس سنة ألفين وأربعة وعشرين"."""
    month = GREGORIAN_MONTHS_AR[day.month - 1]
    return f"{day_ordinal_ar(day.day)} من {month} سنة {number_ar(day.year, case='genitive')}"


_ONES_AR_F = ("", "واحدة", "اثنتان", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثماني", "تسع")


def _minutes_ar(m: int) -> str:
    """Minutes counted with the feminine دقيقة: خمس دقائق، إحدى عشرة دقيقة، خمس وعشرون دقيقة."""
    if m == 1:
        return "دقيقة واحدة"
    if m == 2:
        return "دقيقتان"
    if m <= 10:
        return f"{'عشر' if m == 10 else _ONES_AR_F[m]} دقائق"
    if m < 20:
        unit = {11: "إحدى", 12: "اثنتا"}.get(m, _ONES_AR_F[m - 10])
        return f"{unit} عشرة دقيقة"
    tens, ones = divmod(m, 10)
    number = _TENS_AR[tens] if not ones else ("إحدى" if ones == 1 else _ONES_AR_F[ones]) + _AND + _TENS_AR[tens]
    return f"{number} دقيقة"


def _period_ar(hour: int) -> str:
    if 5 <= hour < 12:
        return "صباحا"
    if 12 <= hour < 18:
        return "بعد الزوال"
    if 18 <= hour < 21:
        return "مساء"
    return "ليلا"


def time_ar(t: datetime.time) -> str:
    """ "الساعة العاشرة وثلاثون دقيقة صباحا" (twelve-hour clock with the part of the day)."""
    hour12 = t.hour % 12 or 12
    text = f"الساعة {_ORDINALS_AR_F[hour12]}"
    if t.minute:
        text += _AND + _minutes_ar(t.minute)
    return f"{text} {_period_ar(t.hour)}"


# ---------------------------------------------------------------------------------------------------- amounts

_CENT = Decimal("0.01")


def _split_dh(amount: Decimal) -> tuple[int, int]:
    """(dirhams, centimes) of a non-negative amount rounded to the centime."""
    if amount < 0:
        raise ValueError(f"cannot write a negative amount in words: {amount}")
    cents = int(amount.quantize(_CENT, rounding=ROUND_HALF_UP) * 100)
    return divmod(cents, 100)


def format_dh(amount: Decimal) -> str:
    """The amount in figures as printed in Morocco: 1 234 567,50 (no-break spaces between thousands)."""
    sign = "-" if amount < 0 else ""
    dirhams, cents = _split_dh(abs(amount))
    return f"{sign}{dirhams:,}".replace(",", "\u00a0") + f",{cents:02d}"


def _count_fr(n: int, one: str, many: str) -> str:
    words = number_fr(n)
    if n == 1:
        return f"un {one}"
    # "un million de dirhams", "deux milliards de dirhams", but "un million deux cents dirhams".
    if words.endswith(("million", "millions", "milliard", "milliards")):
        return f"{words} de {many}"
    return f"{words} {many}"


def amount_fr(amount: Decimal) -> str:
    """ "mille deux cent trente-quatre dirhams et cinquante centimes", "un dirham", "quinze centimes"."""
    dirhams, cents = _split_dh(amount)
    parts = []
    if dirhams or not cents:
        parts.append(_count_fr(dirhams, "dirham", "dirhams") if dirhams else "zéro dirham")
    if cents:
        parts.append(_count_fr(cents, "centime", "centimes"))
    return " et ".join(parts)


_DUAL_CONSTRUCT = ("مائتان", "ألفان", "مليونان", "ملياران")


def _count_ar(n: int, one: str, dual: str, plural: str, accusative: str) -> str:
    """n of a masculine noun: درهم واحد، درهمان، ثلاثة دراهم، أحد عشر درهما، مائة درهم، ألفا درهم، مائة وخمسة دراهم."""
    if n == 1:
        return f"{one} واحد"
    if n == 2:
        return dual
    words = number_ar(n, limit=999_999_999_999)
    last = n % 100
    if 3 <= last <= 10:
        return f"{words} {plural}"
    if 11 <= last <= 99:
        return f"{words} {accusative}"
    if last == 0 and words.endswith(_DUAL_CONSTRUCT):
        words = words[:-1]  # construct state before the noun: مائتا درهم، ألفا درهم
    return f"{words} {one}"


def amount_ar(amount: Decimal) -> str:
    """ "ألف ومائتان وأربعة وثلاثون درهما وخمسون سنتيما"."""
    dirhams, cents = _split_dh(amount)
    parts = []
    if dirhams or not cents:
        parts.append(_count_ar(dirhams, "درهم", "درهمان", "دراهم", "درهما") if dirhams else "صفر درهم")
    if cents:
        parts.append(_count_ar(cents, "سنتيم", "سنتيمان", "سنتيمات", "سنتيما"))
    return _AND.join(parts)
