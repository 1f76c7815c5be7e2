"""20 requests for one agent's annual leave at the same instant, each in its own transaction on a real PostgreSQL
connection, each for 2 working days on a different week: the 22 days hold 11 of them; the balance ends at 0,
never below, and the refused ones wrote nothing. A scratch commune (agent files cannot be deleted: its schema is
dropped at the end)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.rh import exceptions, services
from jamaa.modules.rh.models import LeaveBalance, LeaveRequest
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import hr, recruit

REQUESTS = 20
SLUG = "rhconge"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Any, int]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Congés", name_ar="رخص")
        with schema_context(SLUG):
            actor = hr()
            agent_id = recruit(actor, "CONC1").agent_id
            services.holidays_prepare(year=2026)
        yield actor, agent_id
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def test_twenty_requests_at_once_never_take_the_balance_below_zero(
    scratch: tuple[Any, int], django_db_blocker: Any
) -> None:
    actor, agent_id = scratch
    barrier = threading.Barrier(REQUESTS)
    granted: list[int] = []
    refused: list[BaseException] = []
    errors: list[BaseException] = []
    # Monday–Tuesday of 20 weeks from 12 January 2026 (no holiday on them)
    first = dt.date(2026, 1, 12)
    weeks = [first + dt.timedelta(weeks=i) for i in range(REQUESTS)]

    def ask(start: dt.date) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=30)
                leave = services.leave_request(
                    actor=actor, agent_id=agent_id, kind="annual", start=start, end=start + dt.timedelta(days=1)
                )
                granted.append(leave.days)
        except exceptions.BalanceExceeded as exc:
            refused.append(exc)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask, args=(w,)) for w in weeks]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert granted == [2] * 11 and len(refused) == 9, (granted, refused)
    with django_db_blocker.unblock(), schema_context(SLUG):
        balance = LeaveBalance.objects.get(agent_id=agent_id, year=2026)
        assert (balance.days_used, balance.remaining) == (22, 0)
        assert LeaveRequest.objects.filter(agent_id=agent_id).count() == 11
