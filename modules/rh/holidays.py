"""Morocco's public holidays and the working days of a leave, pure functions (no database).

Fixed holidays follow the Gregorian calendar. The religious ones follow the Hijri calendar: their expected day is
computed from the Umm al-Qura tables (`hijridate`, a project dependency); the Ministry of Habous announces the real
day after the sighting of the moon, often one day later, so the HR service confirms each one (services
`holiday_confirm`), and the leave computation reads the table (expected or confirmed days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hijridate import Hijri

FIXED: tuple[tuple[int, int, str, str, int], ...] = (
    # (month, day, French, Arabic, first year it is a holiday)
    (1, 1, "Nouvel an", "رأس السنة الميلادية", 0),
    (1, 11, "Manifeste de l'indépendance", "ذكرى تقديم وثيقة الاستقلال", 0),
    (1, 14, "Nouvel an amazigh", "رأس السنة الأمازيغية", 2024),
    (5, 1, "Fête du travail", "عيد الشغل", 0),
    (7, 30, "Fête du trône", "عيد العرش", 0),
    (8, 14, "Allégeance Oued Eddahab", "ذكرى استرجاع وادي الذهب", 0),
    (8, 20, "Révolution du roi et du peuple", "ذكرى ثورة الملك والشعب", 0),
    (8, 21, "Fête de la jeunesse", "عيد الشباب", 0),
    (10, 31, "Fête de l'unité", "عيد الوحدة", 2025),
    (11, 6, "Marche verte", "ذكرى المسيرة الخضراء", 0),
    (11, 18, "Fête de l'indépendance", "عيد الاستقلال", 0),
)

RELIGIOUS: tuple[tuple[str, int, int, int, str, str], ...] = (
    # (key, Hijri month, Hijri day, days off, French, Arabic)
    ("muharram", 1, 1, 1, "Nouvel an de l'Hégire", "فاتح محرم"),
    ("mawlid", 3, 12, 2, "Aïd al-Mawlid", "عيد المولد النبوي"),
    ("fitr", 10, 1, 2, "Aïd al-Fitr", "عيد الفطر"),
    ("adha", 12, 10, 2, "Aïd al-Adha", "عيد الأضحى"),
)


@dataclass(frozen=True, slots=True)
class ExpectedHoliday:
    key: str  # "fitr-1447": the event and its Hijri year
    name_fr: str
    name_ar: str
    hijri: str  # "1447-10-01"
    day: dt.date  # the first day (Umm al-Qura)
    length: int


def fixed_holidays(year: int) -> list[tuple[dt.date, str, str]]:
    """The Gregorian holidays of a year: (day, French, Arabic)."""
    return [(dt.date(year, m, d), fr, ar) for m, d, fr, ar, since in FIXED if year >= since]


def religious_expected(year: int) -> list[ExpectedHoliday]:
    """The religious holidays whose first day falls in the Gregorian `year`, on their Umm al-Qura days."""
    first_hijri = int((year - 622) * 33 / 32)
    found = []
    for hijri_year in range(first_hijri - 1, first_hijri + 3):
        for key, month, day, length, fr, ar in RELIGIOUS:
            g = Hijri(hijri_year, month, day).to_gregorian()
            first = dt.date(g.year, g.month, g.day)
            if first.year == year:
                found.append(
                    ExpectedHoliday(f"{key}-{hijri_year}", fr, ar, f"{hijri_year}-{month:02d}-{day:02d}", first, length)
                )
    return sorted(found, key=lambda h: h.day)


def days_off(holidays: Iterable[tuple[dt.date, int]]) -> set[dt.date]:
    """Every day off of (first day, length) pairs."""
    return {first + dt.timedelta(days=i) for first, length in holidays for i in range(length)}


def working_days(start: dt.date, end: dt.date, off: set[dt.date]) -> int:
    """Days from start to end (both included) that are neither a Saturday, a Sunday nor a day off."""
    count = 0
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in off:
            count += 1
        day += dt.timedelta(days=1)
    return count
