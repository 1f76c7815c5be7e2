"""Many collectors issuing at the same instant: no gap, no duplicate (real transactions on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.regie import permissions, selectors, services
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import reference, user_with

COLLECTORS, EACH = 6, 10


@pytest.fixture
def scratch_commune(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        commune_create(slug="stubbook", name_fr="Stub book", name_ar="دفتر")
        yield "stubbook"
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "stubbook" CASCADE')
        Domain.objects.filter(tenant__slug="stubbook").delete()
        Commune.objects.filter(slug="stubbook").delete()


def test_concurrent_collectors_get_a_gapless_series(scratch_commune: str) -> None:
    with schema_context(scratch_commune):
        ref = reference()
        agents = [user_with(f"collector{i}", permissions.AGENT) for i in range(COLLECTORS)]
    barrier = threading.Barrier(COLLECTORS)
    issued: list[int] = []
    errors: list[BaseException] = []

    def collect(agent: Any) -> None:
        try:
            with schema_context(scratch_commune):
                barrier.wait(timeout=30)
                for _ in range(EACH):
                    q = services.quittance_issue(
                        agent=agent,
                        regie_id=ref["regie"].pk,
                        exercice=2026,
                        redevable_id=ref["redevable"].pk,
                        tax_id=ref["tax"].pk,
                        base=Decimal("3"),
                        period="T1",
                        payment_method="cash",
                        on=dt.date(2026, 3, 1),
                    )
                    issued.append(q.number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=collect, args=(a,)) for a in agents]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    total = COLLECTORS * EACH
    assert sorted(issued) == list(range(1, total + 1))
    with schema_context(scratch_commune):
        from jamaa.modules.regie.models import QuittanceSeries

        report = selectors.series_report(series_id=QuittanceSeries.objects.get().pk)
        assert report.gaps == [] and report.duplicates == [] and len(report.numbers) == total
