"""20 arrêtés issued at the same instant (one per agent, each in its own transaction): the year's series is
1..20 after the recruitments' own numbers, no gap, no duplicate; a refused issue gives its number back. A scratch
commune (acts cannot be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.rh import exceptions, services
from jamaa.modules.rh.models import Act
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import hr, recruit

ISSUES = 20
SLUG = "rharrete"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[Any, list[int]]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Arrêtés", name_ar="قرارات")
        with schema_context(SLUG):
            actor = hr()
            agents = [recruit(actor, f"NUM{i}").agent_id for i in range(ISSUES)]
        yield actor, agents
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def test_twenty_arretes_at_once_are_numbered_without_gap(
    scratch: tuple[Any, list[int]], django_db_blocker: Any
) -> None:
    actor, agents = scratch
    barrier = threading.Barrier(ISSUES)
    errors: list[BaseException] = []
    today = timezone.localdate()

    def issue(agent_id: int) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=30)
                services.act_issue(
                    actor=actor,
                    data=services.ActInput(agent_id=agent_id, kind="advancement", effective_date=today, echelon=2),
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with django_db_blocker.unblock(), schema_context(SLUG):
        numbers = sorted(Act.objects.filter(year=today.year).values_list("number", flat=True))
        assert numbers == list(range(1, 2 * ISSUES + 1))
        # a refused issue (not one step up) gives its number back: the next act is 41
        with pytest.raises(exceptions.CareerInvalid):
            services.act_issue(
                actor=actor,
                data=services.ActInput(agent_id=agents[0], kind="advancement", effective_date=today, echelon=5),
            )
        act = services.act_issue(
            actor=actor,
            data=services.ActInput(agent_id=agents[0], kind="sanction", effective_date=today + dt.timedelta(days=1)),
        )
        assert act.number == 2 * ISSUES + 1
