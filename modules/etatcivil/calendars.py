"""Gregorian ↔ Hijri conversion for civil-status documents (Umm al-Qura tables, via `hijridate`).

The converter only knows 1 Muharram 1343 – 30 Dhu al-Hijja 1500 AH, i.e. 1924-08-01 – 2077-11-16. Outside that
range it raises `HijriRangeError` (a `ValueError`) naming the range, instead of hijridate's bare
`OverflowError`; callers that render old acts catch it and print the Gregorian date alone.

Morocco starts its months by moon sighting, so the Hijri date recorded in an act may differ from Umm al-Qura by
one or two days: when an act carries its own Hijri date, that text governs and this module is not consulted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hijridate import Gregorian, Hijri
from hijridate import ummalqura as _uaq

__all__ = [
    "GREGORIAN_MAX",
    "GREGORIAN_MIN",
    "HIJRI_MAX",
    "HIJRI_MIN",
    "HIJRI_MONTHS_AR",
    "HIJRI_MONTHS_FR",
    "HijriDate",
    "HijriDateError",
    "HijriRangeError",
    "from_hijri",
    "in_range",
    "to_hijri",
]

GREGORIAN_MIN = datetime.date(*_uaq.GREGORIAN_RANGE[0])
GREGORIAN_MAX = datetime.date(*_uaq.GREGORIAN_RANGE[1])
HIJRI_MIN: tuple[int, int, int] = _uaq.HIJRI_RANGE[0]
HIJRI_MAX: tuple[int, int, int] = _uaq.HIJRI_RANGE[1]

HIJRI_MONTHS_AR: tuple[str, ...] = (
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
)
# The transliterations used in Moroccan French administrative texts.
HIJRI_MONTHS_FR: tuple[str, ...] = (
    "Moharram",
    "Safar",
    "Rabii I",
    "Rabii II",
    "Joumada I",
    "Joumada II",
    "Rajab",
    "Chaabane",
    "Ramadan",
    "Chaoual",
    "Dou al-Qiida",
    "Dou al-Hijja",
)


class HijriDateError(ValueError):
    """A Hijri date that cannot be converted (invalid day or month, or outside the converter's range)."""


class HijriRangeError(HijriDateError):
    """The date lies outside the Umm al-Qura tables (1343–1500 AH, 1924-08-01 – 2077-11-16)."""


@dataclass(frozen=True, slots=True)
class HijriDate:
    year: int
    month: int
    day: int

    @property
    def month_name_ar(self) -> str:
        return HIJRI_MONTHS_AR[self.month - 1]

    @property
    def month_name_fr(self) -> str:
        return HIJRI_MONTHS_FR[self.month - 1]

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def numeric(self) -> str:
        """dd/mm/yyyy, as written on Moroccan documents."""
        return f"{self.day:02d}/{self.month:02d}/{self.year}"

    def __str__(self) -> str:
        return self.isoformat()


def _range_text() -> str:
    lo, hi = HIJRI_MIN, HIJRI_MAX
    return (
        f"{GREGORIAN_MIN.isoformat()} – {GREGORIAN_MAX.isoformat()} "
        f"({lo[0]}-{lo[1]:02d}-{lo[2]:02d} – {hi[0]}-{hi[1]:02d}-{hi[2]:02d} AH)"
    )


def in_range(day: datetime.date) -> bool:
    """True when `day` can be converted to Hijri."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return GREGORIAN_MIN <= day <= GREGORIAN_MAX


def to_hijri(day: datetime.date) -> HijriDate:
    """The Umm al-Qura Hijri date of a Gregorian date; `HijriRangeError` outside 1924-08-01 – 2077-11-16."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    if not in_range(day):
        raise HijriRangeError(f"{day.isoformat()} is outside the Hijri converter's range {_range_text()}")
    h = Gregorian(day.year, day.month, day.day).to_hijri()
    return HijriDate(h.year, h.month, h.day)


def from_hijri(year: int, month: int, day: int) -> datetime.date:
    """The Gregorian date of a Hijri date; `HijriRangeError` outside 1343–1500 AH, `HijriDateError` if invalid."""
    if not HIJRI_MIN[0] <= year <= HIJRI_MAX[0]:
        raise HijriRangeError(
            f"Hijri year {year} is outside the Hijri converter's range {_range_text()}",
        )
    try:
        g = Hijri(year, month, day).to_gregorian()
    except OverflowError as exc:  # pragma: no cover - the year check above comes first
        raise HijriRangeError(f"{year}-{month:02d}-{day:02d} AH: {exc}") from exc
    except ValueError as exc:
        raise HijriDateError(f"invalid Hijri date {year}-{month:02d}-{day:02d}: {exc}") from exc
    return datetime.date(g.year, g.month, g.day)
