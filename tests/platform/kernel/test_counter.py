"""The gapless counter: 20 concurrent transactions (real PostgreSQL connections, one thread each) get 1..20; a
rolled-back transaction leaves no gap; years and keys are separate series; outside a transaction it refuses."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import schema_context

from jamaa.platform.kernel.counter import CounterOutsideTransaction, counter_last, counter_next, row_next
from jamaa.platform.kernel.models import Counter

CALLERS = 20


@pytest.fixture
def key(fes, django_db_blocker: Any) -> Iterator[str]:
    """A fresh series in Fès, committed for real (threads use their own connections); its rows stay (a counter
    row never disappears: migration 0002), under a key no other test uses."""
    name = f"test:{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        yield name
        connections.close_all()


def test_twenty_concurrent_transactions_get_one_to_twenty(key: str, django_db_blocker: Any) -> None:
    barrier = threading.Barrier(CALLERS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def draw() -> None:
        try:
            with schema_context("fes"), transaction.atomic():
                barrier.wait(timeout=30)  # everyone draws at the same instant (the first one creates the row)
                numbers.append(counter_next(key=key, year=2026))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draw) for _ in range(CALLERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(numbers) == list(range(1, CALLERS + 1))
    with django_db_blocker.unblock(), schema_context("fes"):
        assert counter_last(key=key, year=2026) == CALLERS


def test_a_rolled_back_transaction_leaves_no_gap(key: str) -> None:
    with schema_context("fes"):
        with transaction.atomic():
            assert counter_next(key=key, year=2026) == 1
        with pytest.raises(RuntimeError), transaction.atomic():
            assert counter_next(key=key, year=2026) == 2
            raise RuntimeError("the record could not be written")
        with transaction.atomic():
            assert counter_next(key=key, year=2026) == 2
        assert counter_last(key=key, year=2026) == 2


def test_a_waiting_caller_gets_the_number_a_rolled_back_holder_released(key: str) -> None:
    with schema_context("fes"), transaction.atomic():
        counter_next(key=key, year=2026)  # the row exists: 1
    holder_drew = threading.Event()
    release = threading.Event()
    got: list[int] = []

    def holder() -> None:
        try:
            with schema_context("fes"), transaction.atomic():
                got.append(counter_next(key=key, year=2026))
                holder_drew.set()
                release.wait(10)
                transaction.set_rollback(True)
        finally:
            connections.close_all()

    def waiter() -> None:
        try:
            with schema_context("fes"), transaction.atomic():
                got.append(counter_next(key=key, year=2026))  # blocks on the holder's row lock
        finally:
            connections.close_all()

    a = threading.Thread(target=holder)
    a.start()
    assert holder_drew.wait(10)
    b = threading.Thread(target=waiter)
    b.start()
    b.join(0.5)
    assert b.is_alive()  # queued on the lock
    release.set()
    a.join(10)
    b.join(10)
    assert got == [2, 2]
    with schema_context("fes"):
        assert counter_last(key=key, year=2026) == 2


def test_years_keys_and_blocks_are_separate(key: str) -> None:
    with schema_context("fes"), transaction.atomic():
        assert counter_next(key=key, year=2026) == 1
        assert counter_next(key=key, year=2027) == 1
        assert counter_next(key=f"{key}:b", year=2026) == 1
        assert counter_next(key=key, year=2026, count=10) == 2  # a block of 2..11
        assert counter_next(key=key, year=2026) == 12


def test_outside_a_transaction_it_refuses_and_writes_nothing(key: str) -> None:
    with schema_context("fes"):
        assert not connection.in_atomic_block
        with pytest.raises(CounterOutsideTransaction):
            counter_next(key=key, year=2026)
        assert not Counter.objects.filter(key=key).exists()
        with pytest.raises(ValueError), transaction.atomic():
            counter_next(key=key, year=2026, count=0)


def test_each_commune_has_its_own_series(key: str, meknes) -> None:
    with schema_context("fes"), transaction.atomic():
        assert counter_next(key=key, year=2026) == 1
    with schema_context("meknes"):
        with transaction.atomic():
            assert counter_next(key=key, year=2026) == 1


# --- a counter row never goes back nor disappears; a module's own counter rows (row_next) ---------------------


def test_a_counter_row_never_goes_back_nor_disappears(key: str) -> None:
    with schema_context("fes"):
        with transaction.atomic():
            counter_next(key=key, year=2026, count=3)
        for attempt in (
            lambda: Counter.objects.filter(key=key).update(last_number=2),
            lambda: Counter.objects.filter(key=key).update(year=2025),
            lambda: Counter.objects.filter(key=key).delete(),
        ):
            with pytest.raises(DatabaseError, match="counter"), transaction.atomic():
                attempt()
        with pytest.raises(DatabaseError, match="truncate"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("TRUNCATE kernel_counter")
        assert counter_last(key=key, year=2026) == 3


def test_row_next_draws_from_a_module_s_own_counter_row(django_db_blocker: Any) -> None:
    """Under concurrency: 12 threads draw from one row of a module's table (a kernel Counter row stands in for
    it, through the model-agnostic call) and get 1..12; a block of 5 follows; outside a transaction it refuses."""
    name = f"test:{uuid.uuid4().hex[:8]}"
    with django_db_blocker.unblock():
        with schema_context("fes"):
            row = Counter.objects.create(key=name, year=2026, last_number=0)
        barrier = threading.Barrier(12)
        numbers: list[int] = []
        errors: list[BaseException] = []

        def draw() -> None:
            try:
                with schema_context("fes"), transaction.atomic():
                    barrier.wait(timeout=30)
                    numbers.append(row_next(model=Counter, pk=row.pk))
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=draw) for _ in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        assert sorted(numbers) == list(range(1, 13))
        with schema_context("fes"):
            with transaction.atomic():
                assert row_next(model=Counter, pk=row.pk, count=5) == 13
            assert counter_last(key=name, year=2026) == 17
            with pytest.raises(CounterOutsideTransaction):
                row_next(model=Counter, pk=row.pk)
            with pytest.raises(Counter.DoesNotExist), transaction.atomic():
                row_next(model=Counter, pk=-1)
        connections.close_all()
