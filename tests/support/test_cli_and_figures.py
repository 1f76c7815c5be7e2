"""`jamaa support …` from the command line; the size growth over a week; the Sentry link of a commune."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jamaa.platform.support import selectors, services
from jamaa.platform.support.models import SizeSnapshot
from tests.console.test_console_views import make_user

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("support", *args, stdout=out)
    return out.getvalue()


def test_health_sessions_and_alerts_from_the_command_line(fes, meknes) -> None:
    assert "fes\t" in run("health") and "meknes\t" in run("health")
    make_user("support-cli")
    out = run("open", "fes", "--operator", "support-cli", "--reason", "Ticket 77", "--minutes", "5")
    assert "/support/enter/" in out
    session_id = out.split()[1]
    assert session_id in run("sessions", "--commune", "fes")
    assert run("end", session_id).strip() == "ended"
    with pytest.raises(CommandError):
        run("end", session_id)
    with pytest.raises(CommandError):
        run("open", "fes", "--operator", "nobody", "--reason", "Ticket 78")
    assert "new alerts" in run("alerts")


def test_growth_over_a_week_and_the_sentry_link(fes, settings: Any) -> None:
    today = timezone.localdate()
    services.sizes_snapshot(day=today)
    now_size = SizeSnapshot.objects.get(schema_name="fes", day=today).size_bytes
    SizeSnapshot.objects.create(schema_name="fes", day=today - dt.timedelta(days=8), size_bytes=now_size - 4096)
    row = selectors.commune_health(slug="fes")
    assert row is not None and row.growth_7d_bytes == 4096
    settings.JAMAA_SENTRY_DSN = "https://abc123@o4501.ingest.sentry.io/4505"
    assert selectors.sentry_link(schema_name="fes") == "https://sentry.io/issues/?project=4505&query=commune%3Afes"
    settings.JAMAA_SENTRY_DSN = None
    assert selectors.sentry_link(schema_name="fes") == ""
