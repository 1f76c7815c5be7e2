"""A test module's "today" constants are moved to the day each test runs in (tests/conftest.py): here they are
written as if the module had been imported the day before, as when a run crosses midnight in Casablanca."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

TODAY = timezone.localdate() - dt.timedelta(days=1)  # imported "yesterday"
YESTERDAY = TODAY - dt.timedelta(days=1)
LATE = TODAY - dt.timedelta(days=100)
YEAR = TODAY.year


def test_the_constants_are_moved_to_the_day_the_test_runs_in() -> None:
    today = timezone.localdate()
    assert TODAY == today
    assert YESTERDAY == today - dt.timedelta(days=1)
    assert LATE == today - dt.timedelta(days=100)
    assert YEAR == today.year
