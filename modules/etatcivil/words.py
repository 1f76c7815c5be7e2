"""Dates, times and numbers written out in French and Arabic, as civil-status documents print them.

The generic code (numbers, Gregorian dates, times, amounts) lives in `jamaa.platform.core.words`, shared with the
other modules; this module adds the Hijri dates and re-exports the rest under the names the civil registry uses.
"""

from __future__ import annotations

from jamaa.platform.core.words import (
    GREGORIAN_MONTHS_AR,
    GREGORIAN_MONTHS_FR,
    ArabicCase,
    date_ar,
    date_fr,
    day_ordinal_ar,
    number_ar,
    number_fr,
    time_ar,
    time_fr,
)

from .calendars import HijriDate

__all__ = [
    "ArabicCase",
    "GREGORIAN_MONTHS_AR",
    "GREGORIAN_MONTHS_FR",
    "date_ar",
    "date_fr",
    "day_ordinal_ar",
    "hijri_ar",
    "hijri_fr",
    "number_ar",
    "number_fr",
    "time_ar",
    "time_fr",
]


def _day_fr(day: int) -> str:
    return "premier" if day == 1 else number_fr(day)


def hijri_fr(h: HijriDate) -> str:
    """ "le cinq Ramadan mille quatre cent quarante-cinq"."""
    return f"le {_day_fr(h.day)} {h.month_name_fr} {number_fr(h.year)}"


def hijri_ar(h: HijriDate) -> str:
    """ "الخامس من رمضان سنة ألف وأربعمائة وخمسة وأربعين"."""
    return f"{day_ordinal_ar(h.day)} من {h.month_name_ar} سنة {number_ar(h.year, case='genitive')}"
