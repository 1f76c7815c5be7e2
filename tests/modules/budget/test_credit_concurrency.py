"""30 engagements proposed at the same instant take numbers 1..30; approved at the same instant on a line with
credit for 10, exactly 10 are approved and the 20 others refused with the available amount in the message. Each
in its own transaction on a real PostgreSQL connection, in a scratch commune (budget records can't be deleted: its
schema is dropped at the end)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.budget import exceptions, services
from jamaa.modules.budget.models import BudgetLine, Engagement
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import OFFICE, budget_with, line, ordonnateur, service_user

CLIENTS = 30
SLUG = "credits"
YEAR = 2026


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Crédits", name_ar="اعتمادات", modules=["regie", "budget"])
        with schema_context(SLUG):
            service, ordo = service_user(), ordonnateur()
            budget = budget_with(service=service, ordo=ordo, year=YEAR, forecasts={OFFICE: "10000.00"})
            office = line(budget, OFFICE)
        yield {"service": service, "ordo": ordo, "line_id": office.pk}
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def _at_once(work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(CLIENTS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=60)
                results.append(work(i))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    return results, errors


def test_thirty_engagements_on_credit_for_ten(scratch: dict[str, Any], django_db_blocker: Any) -> None:
    # given: a line with 10,000 DH; 30 engagements of 1,000 DH proposed at once
    proposed, errors = _at_once(
        lambda i: (
            services.engagement_propose(
                actor=scratch["service"],
                line_id=scratch["line_id"],
                beneficiary=f"Fournisseur {i}",
                subject="Ramettes de papier",
                amount_dh="1000.00",
            ).pk
        )
    )
    assert errors == []
    with django_db_blocker.unblock(), schema_context(SLUG):
        numbers = sorted(Engagement.objects.values_list("number", flat=True))
    assert numbers == list(range(1, CLIENTS + 1))

    # when: the ordonnateur's 30 approvals arrive at the same instant
    ids = iter(sorted(proposed))
    pick = {i: next(ids) for i in range(CLIENTS)}
    approved, refusals = _at_once(
        lambda i: services.engagement_approve(actor=scratch["ordo"], engagement_id=pick[i]).pk
    )

    # then: exactly 10 approved, 20 refused with what is available (0.00 DH), and the line says 10,000 engaged
    assert len(approved) == 10
    assert len(refusals) == 20
    assert all(isinstance(e, exceptions.CreditExceeded) for e in refusals), refusals[:3]
    assert all(" 0.00 DH" in str(e) and e.extra["available_dh"] == "0.00" for e in refusals)
    with django_db_blocker.unblock(), schema_context(SLUG):
        office = BudgetLine.objects.get(pk=scratch["line_id"])
        assert office.engaged_dh == Decimal("10000.00")
        assert Engagement.objects.filter(status="approved").count() == 10
        assert Engagement.objects.filter(status="proposed").count() == 20
