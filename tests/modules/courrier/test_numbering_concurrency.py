"""20 clerks register at the same instant, each in its own transaction on a real PostgreSQL connection: the
incoming series of the year is 1..20, no gap, no duplicate. A scratch commune (letters can't be deleted: its
schema is dropped at the end)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.courrier.models import Mail
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import clerk, incoming

CLERKS = 20
SLUG = "chrono"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[Any]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Chrono", name_ar="ترتيب")
        with schema_context(SLUG):
            clerks = [clerk(f"clerk{i}") for i in range(CLERKS)]
        yield clerks
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def test_twenty_clerks_at_once_get_one_to_twenty(scratch: list[Any], django_db_blocker: Any) -> None:
    barrier = threading.Barrier(CLERKS)
    errors: list[BaseException] = []

    def register(user: Any, i: int) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=30)
                incoming(user, f"Lettre {i}", cin=f"C{i:06d}", name=f"Citoyen {i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(u, i)) for i, u in enumerate(scratch)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with django_db_blocker.unblock(), schema_context(SLUG):
        numbers = sorted(Mail.objects.filter(category="incoming").values_list("number", flat=True))
    assert numbers == list(range(1, CLERKS + 1))
