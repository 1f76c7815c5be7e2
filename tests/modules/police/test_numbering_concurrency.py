"""20 agents submit a request at the same instant, each in its own transaction on a real PostgreSQL connection:
the occupation requests of the year are numbered 1..20, no gap, no duplicate (and so are their letters in the
bureau d'ordre). A scratch commune (requests can't be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.police.models import Request
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import cafe, staff, terrace_request, user_with

AGENTS = 20
SLUG = "policenum"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[tuple[Any, int]]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Numéros", name_ar="أرقام")
        with schema_context(SLUG):
            people = staff("num", password=None)
            agents = [user_with(f"num_agent{i}", "police_agent", password=None) for i in range(AGENTS)]
            pairs = [(a, cafe(people["agent"], name=f"Café {i}", cin=f"N{i:06d}").pk) for i, a in enumerate(agents)]
        yield pairs
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def test_twenty_agents_at_once_get_one_to_twenty(scratch: list[tuple[Any, int]], django_db_blocker: Any) -> None:
    barrier = threading.Barrier(AGENTS)
    errors: list[BaseException] = []

    def submit(agent: Any, establishment_id: int) -> None:
        try:
            with schema_context(SLUG):
                from jamaa.modules.police.models import Establishment

                establishment = Establishment.objects.get(pk=establishment_id)
                barrier.wait(timeout=30)
                terrace_request(agent, establishment)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=pair) for pair in scratch]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with django_db_blocker.unblock(), schema_context(SLUG):
        numbers = sorted(Request.objects.filter(kind="occupation").values_list("number", flat=True))
        mails = sorted(Request.objects.values_list("mail_reference", flat=True))
    assert numbers == list(range(1, AGENTS + 1))
    assert len(set(mails)) == AGENTS
