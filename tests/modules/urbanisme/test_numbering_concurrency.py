"""20 agents deposit building permits at the same instant, each in its own transaction on a real PostgreSQL
connection: the (construire, year) series is 1..20, no gap, no duplicate; so is the bureau d'ordre's incoming
series they register into. A scratch commune (dossiers can't be deleted: its schema is dropped at the end)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme.models import Dossier
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import agent, deposit

AGENTS = 20
SLUG = "urbchrono"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Any]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Chrono", name_ar="ترتيب", modules=["courrier", "urbanisme"])
        with schema_context(SLUG):
            agents = [agent(f"urb_c{i}") for i in range(AGENTS)]
        yield agents
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def test_twenty_deposits_at_once_get_one_to_twenty(scratch: list[Any], django_db_blocker: Any) -> None:
    barrier = threading.Barrier(AGENTS)
    errors: list[BaseException] = []

    def run(user: Any, i: int) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=30)
                deposit(user, petitioner_cin=f"C{i:06d}", petitioner_name=f"Citoyen {i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u, i)) for i, u in enumerate(scratch)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with django_db_blocker.unblock(), schema_context(SLUG):
        numbers = sorted(Dossier.objects.filter(kind="construire").values_list("number", flat=True))
        with connection.cursor() as cursor:
            cursor.execute("SELECT number FROM courrier_mail WHERE category = 'incoming' ORDER BY number")
            letters = [r[0] for r in cursor.fetchall()]
    assert numbers == list(range(1, AGENTS + 1))
    assert letters == list(range(1, AGENTS + 1))
