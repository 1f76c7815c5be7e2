"""The religious holidays of 2026 and 2027 on their Hijri dates (Umm al-Qura), against this table; the fixed ones
by the Gregorian calendar; the service prepares the year's table once."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.rh import holidays, selectors, services
from jamaa.modules.rh.models import ReligiousHoliday

EXPECTED = {
    2026: [
        ("fitr-1447", "1447-10-01", dt.date(2026, 3, 20), 2),
        ("adha-1447", "1447-12-10", dt.date(2026, 5, 27), 2),
        ("muharram-1448", "1448-01-01", dt.date(2026, 6, 16), 1),
        ("mawlid-1448", "1448-03-12", dt.date(2026, 8, 25), 2),
    ],
    2027: [
        ("fitr-1448", "1448-10-01", dt.date(2027, 3, 9), 2),
        ("adha-1448", "1448-12-10", dt.date(2027, 5, 16), 2),
        ("muharram-1449", "1449-01-01", dt.date(2027, 6, 6), 1),
        ("mawlid-1449", "1449-03-12", dt.date(2027, 8, 14), 2),
    ],
}


@pytest.mark.parametrize("year", [2026, 2027])
def test_religious_holidays_on_their_hijri_dates(year: int) -> None:
    got = [(h.key, h.hijri, h.day, h.length) for h in holidays.religious_expected(year)]
    assert got == EXPECTED[year]


def test_fixed_holidays_and_days_off() -> None:
    fixed = [d for d, _fr, _ar in holidays.fixed_holidays(2026)]
    assert dt.date(2026, 1, 14) in fixed and dt.date(2026, 10, 31) in fixed and len(fixed) == 11
    assert holidays.days_off([(dt.date(2026, 3, 20), 2)]) == {dt.date(2026, 3, 20), dt.date(2026, 3, 21)}
    # a week with Monday 11 January? 2027: Monday 11 January is a holiday
    assert holidays.working_days(dt.date(2027, 1, 11), dt.date(2027, 1, 15), {dt.date(2027, 1, 11)}) == 4


@pytest.mark.django_db
def test_the_service_prepares_the_table_once(fes) -> None:
    with schema_context("fes"):
        services.holidays_prepare(year=2027)
        services.holidays_prepare(year=2027)
        assert ReligiousHoliday.objects.filter(year=2027).count() == 4
        rows = selectors.holiday_list(year=2027)
        assert len(rows) == 15 and sum(r.religious for r in rows) == 4
        assert not any(r.confirmed for r in rows if r.religious)
