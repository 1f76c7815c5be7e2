"""Many users at the same instant, with real transactions on PostgreSQL: quittance numbers, blocks of numbers
and ordres de recette stay gapless and without duplicates, and no quittance slips into a day being closed."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django_tenants.utils import schema_context

from jamaa.modules.regie import exceptions, permissions, selectors, services
from jamaa.modules.regie.models import OrdreRecette, Quittance, QuittanceBlock, QuittanceSeries, Regie
from jamaa.platform.db_guards import chain_verify
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import reference, staff

COLLECTORS, EACH = 6, 10
SLUG = "stubbook"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """One scratch commune (committed data) shared by this module's tests; each test uses its own régie."""
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Stub book", name_ar="دفتر")
        with schema_context(SLUG):
            ref = reference()
            ref["regisseur"] = staff("regisseur", permissions.REGISSEUR)
        yield ref
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def new_regie(name: str) -> Regie:
    return Regie.objects.create(
        name_fr=name, name_ar=name, arrete_number=name, arrete_date=dt.date(2026, 1, 1), cash_ceiling_dh=Decimal("1")
    )


def run_together(workers: list[Callable[[], None]]) -> list[BaseException]:
    """Start the workers at the same instant (a barrier), each in the scratch commune with its own connection."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def wrap(work: Callable[[], None]) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=30)
                work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors


def counter_issue(ref: dict[str, Any], agent: Any, regie_id: int, on: dt.date = dt.date(2026, 3, 1)) -> Quittance:
    return services.quittance_issue(
        actor=agent,
        data=services.QuittanceInput(
            regie_id=regie_id,
            exercice=2026,
            redevable_id=ref["redevable"].pk,
            tax_id=ref["tax"].pk,
            base=Decimal("3"),
            period="T1",
            payment_method="cash",
            on=on,
        ),
    )


def test_concurrent_collectors_get_a_gapless_series(scratch: dict[str, Any]) -> None:
    with schema_context(SLUG):
        regie = new_regie("series")
        agents = [staff(f"collector{i}", permissions.AGENT) for i in range(COLLECTORS)]
    issued: list[int] = []

    def collect(agent: Any) -> Callable[[], None]:
        return lambda: issued.extend(counter_issue(scratch, agent, regie.pk).number for _ in range(EACH))

    assert run_together([collect(a) for a in agents]) == []
    total = COLLECTORS * EACH
    assert sorted(issued) == list(range(1, total + 1))
    with schema_context(SLUG):
        report = selectors.series_report(series_id=QuittanceSeries.objects.get(regie=regie).pk)
        assert report.gaps == [] and report.duplicates == [] and len(report.numbers) == total


def test_blocks_allocated_concurrently_never_overlap_and_keep_the_series_gapless(scratch: dict[str, Any]) -> None:
    with schema_context(SLUG):
        regie = new_regie("blocks")
        collectors = [staff(f"street{i}", permissions.AGENT) for i in range(4)]
        counters = [staff(f"counter{i}", permissions.AGENT) for i in range(2)]

    def allocate(collector: Any) -> Callable[[], None]:
        def work() -> None:
            for _ in range(5):
                services.block_allocate(
                    collector=collector, allocated_by=scratch["regisseur"], regie_id=regie.pk, exercice=2026, size=7
                )

        return work

    def at_counter(agent: Any) -> Callable[[], None]:
        return lambda: [counter_issue(scratch, agent, regie.pk) for _ in range(10)] and None

    assert run_together([allocate(c) for c in collectors] + [at_counter(a) for a in counters]) == []
    with schema_context(SLUG):
        series = QuittanceSeries.objects.get(regie=regie)
        ranges = sorted(QuittanceBlock.objects.filter(series=series).values_list("first_number", "last_number"))
        numbers = list(Quittance.objects.filter(series=series).values_list("number", flat=True))
        in_blocks = [n for first, last in ranges for n in range(first, last + 1)]
        assert len(ranges) == 20 and len(numbers) == 20
        # every number up to the counter is in exactly one block or one counter quittance
        assert sorted(in_blocks + numbers) == list(range(1, series.last_number + 1))
        assert series.last_number == 20 * 7 + 20
        report = selectors.series_report(series_id=series.pk)
        assert report.gaps == [] and report.reserved == sorted(in_blocks)
        # and every chain (quittances of the series, the audit trail) is whole after the concurrent commits
        chains = chain_verify()
        assert chains.broken is None
        assert sorted(Quittance.objects.filter(series=series).values_list("chain_seq", flat=True)) == list(range(1, 21))


def test_concurrent_ordres_are_numbered_without_gaps(scratch: dict[str, Any]) -> None:
    with schema_context(SLUG):
        regie = new_regie("ordres")
        issuers = [staff(f"ordonnateur{i}", permissions.REGISSEUR) for i in range(5)]
    numbers: list[int] = []

    def issue(by: Any) -> Callable[[], None]:
        def work() -> None:
            for _ in range(6):
                ordre = services.ordre_issue(
                    actor=by,
                    regie_id=regie.pk,
                    exercice=2026,
                    tax_id=scratch["tax"].pk,
                    subject="ODP",
                    period="2026",
                    lines=[{"redevable_id": scratch["redevable"].pk, "amount_dh": Decimal("70")}],
                )
                numbers.append(ordre.number)

        return work

    assert run_together([issue(b) for b in issuers]) == []
    assert sorted(numbers) == list(range(1, 31))
    with schema_context(SLUG):
        assert sorted(OrdreRecette.objects.filter(regie=regie).values_list("number", flat=True)) == list(range(1, 31))


def test_no_quittance_slips_into_a_day_being_closed(scratch: dict[str, Any]) -> None:
    day = dt.date(2026, 3, 2)
    with schema_context(SLUG):
        regie = new_regie("close")
        agents = [staff(f"rush{i}", permissions.AGENT) for i in range(4)]
    issued: list[int] = []
    refused: list[str] = []
    enough = threading.Event()

    def rush(agent: Any) -> Callable[[], None]:
        def work() -> None:
            # issue until the closed day refuses (at most 200 each, to stay bounded)
            for _ in range(200):
                try:
                    issued.append(counter_issue(scratch, agent, regie.pk, on=day).pk)
                except exceptions.DayLocked:
                    refused.append(agent.username)
                    return
                if len(issued) >= 20:
                    enough.set()

        return work

    closed: list[Any] = []

    def close() -> None:
        enough.wait(60)
        closed.append(
            services.day_close(actor=scratch["regisseur"], regie_id=regie.pk, day=day, counted_dh=Decimal("0"))
        )

    assert run_together([rush(a) for a in agents] + [close]) == []
    assert sorted(refused) == sorted(a.username for a in agents)
    with schema_context(SLUG):
        versement = closed[0]
        in_versement = set(versement.items.values_list("quittance_id", flat=True))
        of_day = set(Quittance.objects.filter(series__regie=regie, day=day).values_list("pk", flat=True))
        assert of_day == set(issued) == in_versement
        assert versement.quittance_count == len(of_day) and versement.expected_dh == Decimal("210.00") * len(of_day)
        numbers = sorted(Quittance.objects.filter(series__regie=regie).values_list("number", flat=True))
        assert numbers == list(range(1, len(of_day) + 1))


def test_concurrent_retries_of_one_payment_issue_one_quittance(scratch: dict[str, Any]) -> None:
    # given a cashier whose "Collect" reaches the server six times at the same instant with the form's one key
    with schema_context(SLUG):
        regie = new_regie("retries")
        cashier = staff("cashier", permissions.AGENT)
    payments: list[services.Payment] = []

    def retry() -> None:
        payments.append(
            services.counter_payment(
                actor=cashier,
                idempotency_key="form-7f3a",
                data=services.CounterPaymentInput(
                    regie_id=regie.pk,
                    redevable_id=scratch["redevable"].pk,
                    tax_id=scratch["tax"].pk,
                    base=Decimal("3"),
                    period="T1",
                    payment_method="cash",
                    on=dt.date(2026, 3, 1),
                ),
            )
        )

    # when they all run together
    assert run_together([retry for _ in range(6)]) == []
    # then one quittance was issued, and every answer is that quittance (five of them replays)
    with schema_context(SLUG):
        issued = list(Quittance.objects.filter(series__regie=regie).values_list("pk", "number"))
    assert len(issued) == 1
    assert {(p.quittance.pk, p.quittance.number) for p in payments} == set(issued)
    assert sorted(p.replayed for p in payments) == [False, True, True, True, True, True]
