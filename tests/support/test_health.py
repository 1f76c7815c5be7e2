"""The fleet's health: errors and failed tasks land on their own commune's row; the page takes a constant number
of queries; a stale backup raises an alert (and an email) that clears once a fresh backup exists; the retention
policy keeps daily 7, weekly 4, monthly 12."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jamaa.platform.celery_app import app
from jamaa.platform.support import selectors, services
from jamaa.provisioning.models import CommuneBackup
from tests.console.test_console_views import console_client, make_user, page

from .conftest import commune_user, signed_in

pytestmark = pytest.mark.django_db


@app.task(name="tests.support.failing_task")
def failing_task() -> None:
    raise RuntimeError("the printer caught fire")


def _row(slug: str) -> selectors.HealthRow:
    row = selectors.commune_health(slug=slug)
    assert row is not None
    return row


def test_an_error_and_a_failed_task_in_fes_show_on_fes_row_only(fes, meknes, monkeypatch: pytest.MonkeyPatch) -> None:
    before_fes, before_meknes = _row("fes"), _row("meknes")

    def broken(**kwargs: Any) -> Any:
        raise ZeroDivisionError("home cards")

    monkeypatch.setattr("jamaa.platform.views.module_cards", broken)
    commune_user("fes", "sup_health")
    response = signed_in(fes.host, "sup_health", raise_request_exception=False).get("/")
    assert response.status_code == 500
    failing_task.apply(headers={"_schema_name": "fes"}, throw=False)
    after_fes, after_meknes = _row("fes"), _row("meknes")
    assert after_fes.errors_24h == before_fes.errors_24h + 1
    assert after_fes.task_failures_24h == before_fes.task_failures_24h + 1
    assert (after_meknes.errors_24h, after_meknes.task_failures_24h) == (
        before_meknes.errors_24h,
        before_meknes.task_failures_24h,
    )
    errors = selectors.recent_errors(schema_name="fes")
    assert {e.kind for e in errors[:2]} == {"request", "task"}
    assert any("ZeroDivisionError: home cards" in e.error and e.where == "GET /" for e in errors)
    assert any("the printer caught fire" in e.error and e.where == "tests.support.failing_task" for e in errors)
    assert not any("printer" in e.error for e in selectors.recent_errors(schema_name="meknes"))
    # the console's page of Fès shows them with the commune's tag, Meknès's does not
    client = console_client(make_user("support-health"))
    fes_page, meknes_page = page(client.get("/support/health/fes/")), page(client.get("/support/health/meknes/"))
    assert "the printer caught fire" in fes_page and "commune:fes" in fes_page
    assert "the printer caught fire" not in meknes_page


def test_the_health_page_takes_the_same_number_of_queries_for_one_commune_or_the_fleet(fes, meknes) -> None:
    with CaptureQueriesContext(connection) as one:
        selectors.fleet_health(slugs=["fes"])
    with CaptureQueriesContext(connection) as two:
        rows = selectors.fleet_health()
    assert len(one.captured_queries) == len(two.captured_queries)
    assert {"fes", "meknes"} <= {r.slug for r in rows}


def test_the_health_page_shows_the_fleet_a_page_at_a_time_and_searched(fes, meknes, monkeypatch: Any) -> None:
    from jamaa.platform.support import views
    from jamaa.tenants.models import Commune

    # given pages of one commune
    monkeypatch.setattr(views, "HEALTH_PAGE_SIZE", 1)
    client = console_client(make_user("support-health-pages"))
    slugs = list(Commune.objects.exclude(schema_name="public").order_by("slug").values_list("slug", flat=True))
    assert len(slugs) >= 2
    # then the first page has the first commune's row, the total and a link to the next page only
    body = page(client.get("/support/health/"))
    assert f'id="health-{slugs[0]}"' in body and f'id="health-{slugs[1]}"' not in body
    assert f'id="health-total">{len(slugs)}<' in body and 'rel="next"' in body and 'rel="prev"' not in body
    # and the second page the second commune, with a link back
    body = page(client.get("/support/health/", {"page": 2}))
    assert f'id="health-{slugs[1]}"' in body and f'id="health-{slugs[0]}"' not in body and 'rel="prev"' in body
    # when searched, only the matching communes are listed and counted, on one page
    body = page(client.get("/support/health/", {"q": "meknes"}))
    assert 'id="health-meknes"' in body and 'id="health-fes"' not in body and 'id="health-total">1<' in body
    assert 'id="health-pages"' not in body
    assert "Aucune commune ne correspond." in page(client.get("/support/health/", {"q": "no-such-commune"}))
    # and the page's row for a commune holds the same figures as the full computation's, but for the estimated size
    paged = selectors.fleet_health(search="fes", limit=1, exact_sizes=False)[0]
    assert paged.slug == "fes" and paged.size_bytes > 0
    assert paged.errors_24h == _row("fes").errors_24h and paged.last_migration == _row("fes").last_migration


def test_a_backup_older_than_its_threshold_raises_an_alert_that_clears(fes, meknes, settings: Any) -> None:
    make_user("ops-alerts", operator=True).__class__.objects.filter(username="ops-alerts").update(email="ops@jamaa.ma")
    now = timezone.now()
    old = CommuneBackup.objects.create(slug="fes", path="/nonexistent/fes.tar.gz", size_bytes=1, sha256="0" * 64)
    CommuneBackup.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(hours=30))
    fresh = CommuneBackup.objects.create(slug="meknes", path="/nonexistent/m.tar.gz", size_bytes=1, sha256="0" * 64)
    CommuneBackup.objects.filter(pk=fresh.pk).update(created_at=now - dt.timedelta(hours=2))
    opened = services.alerts_evaluate(now=now)
    codes = {(a.schema_name, a.code) for a in opened}
    assert ("fes", "backup_stale") in codes and ("meknes", "backup_stale") not in codes
    assert "30 h" in next(a.message for a in opened if a.schema_name == "fes" and a.code == "backup_stale")
    assert any("fes: backup_stale" in m.subject and "ops@jamaa.ma" in m.to for m in mail.outbox)
    assert services.alerts_evaluate(now=now) == []  # once, not at every check
    assert "backup_stale" in _row("fes").alerts
    client = console_client(make_user("support-alerts"))
    assert "backup_stale" in page(client.get("/support/health/"))
    CommuneBackup.objects.create(slug="fes", path="/nonexistent/fes2.tar.gz", size_bytes=1, sha256="0" * 64)
    services.alerts_evaluate()
    assert "backup_stale" not in _row("fes").alerts


def test_retention_keeps_daily_7_weekly_4_monthly_12() -> None:
    start = dt.datetime(2026, 12, 31, 2, 0, tzinfo=dt.UTC)
    backups = [(i, start - dt.timedelta(days=i)) for i in range(400)]  # one a day for 400 days
    kept = selectors.retention_keep(backups)
    days = sorted((start - dict(backups)[i]).days for i in kept)
    assert days[:7] == [0, 1, 2, 3, 4, 5, 6]
    assert len(kept) <= 7 + 4 + 12 and len(kept) >= 12
    assert max(days) < 366  # twelve months back, not more
    assert selectors.retention_keep([(1, start), (2, start - dt.timedelta(hours=1))]) == {1}


def test_requests_and_the_queue_are_counted_per_commune(fes, meknes, settings: Any) -> None:
    import json
    import time

    import redis

    from jamaa.platform.support import metrics

    commune_user("fes", "sup_metrics")
    before = metrics.request_figures()
    client = signed_in(fes.host, "sup_metrics")
    for _ in range(3):
        assert client.get("/").status_code == 200
    after = metrics.request_figures()
    assert after["fes"].requests >= before.get("fes", metrics.RequestFigures()).requests + 3
    assert (
        after.get("meknes", metrics.RequestFigures()).requests
        == before.get("meknes", metrics.RequestFigures()).requests
    )
    assert after["fes"].p95_s is not None
    # two tasks of Fès waiting, sent 120 s and 5 s ago, and one of Meknès, in a queue of this test's own
    settings.CELERY_TASK_DEFAULT_QUEUE = "support-test-queue"
    if not str(settings.CELERY_BROKER_URL).startswith("redis"):
        pytest.skip("no Redis broker")
    r = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    r.delete("support-test-queue")
    now = time.time()
    for schema, age in (("fes", 120), ("fes", 5), ("meknes", 1)):
        message = {"headers": {"_schema_name": schema, "jamaa_sent_at": now - age}, "body": ""}
        r.lpush("support-test-queue", json.dumps(message))
    try:
        queues = metrics.queue_figures()
        assert queues["fes"].length == 2 and queues["fes"].oldest_age_s is not None
        assert queues["fes"].oldest_age_s >= 119 and queues["meknes"].length == 1
        row = _row("fes")
        assert row.queue_length == 2
    finally:
        r.delete("support-test-queue")
