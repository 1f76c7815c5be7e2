"""Under concurrency, on real PostgreSQL connections (a scratch commune: parc records can't be deleted, its schema
is dropped at the end):
- 10 managers issue a book of 5 vouchers at the same instant: books 1..10, vouchers 1..50, each book a
  consecutive block, no gap, no duplicate;
- 8 pump agents record the same voucher at the same instant (half of them on another vehicle): exactly one fill
  is recorded, on the voucher's own vehicle; the others are refused (used already, or another vehicle);
- 6 mission orders at once for 6 vehicles: numbers 1..6."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import exceptions, services
from jamaa.modules.parc.models import MissionOrder, Voucher, VoucherBook, VoucherUse
from jamaa.provisioning.services import commune_create
from jamaa.tenants.models import Commune, Domain

from .factories import garage, manager, vehicle

SLUG = "parcrace"


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        commune_create(slug=SLUG, name_fr="Course", name_ar="سباق")
        with schema_context(SLUG):
            managers = [manager(f"mgr{i}") for i in range(10)]
            agents = [garage(f"gar{i}") for i in range(8)]
            own = vehicle(managers[0], "777-J-1", odometer=100)
            other = vehicle(managers[0], "888-J-2", odometer=100)
            fleet = [vehicle(managers[0], f"9{i}-J-3", odometer=100) for i in range(6)]
        yield {"managers": managers, "agents": agents, "own": own, "other": other, "fleet": fleet}
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()


def _at_once(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(call: Callable[[], Any]) -> None:
        try:
            with schema_context(SLUG):
                barrier.wait(timeout=30)
                results.append(call())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


def test_ten_books_at_once_are_numbered_without_gaps(scratch: dict[str, Any], django_db_blocker: Any) -> None:
    own = scratch["own"]
    calls = [
        (lambda m=m: services.book_issue(actor=m, vehicle_id=own.pk, count=5, face_value=Decimal("100")).pk)
        for m in scratch["managers"]
    ]
    results, errors = _at_once(calls)
    assert errors == [] and len(results) == 10
    with django_db_blocker.unblock(), schema_context(SLUG):
        year = timezone.localdate().year
        books = list(VoucherBook.objects.filter(year=year).order_by("number"))
        assert [b.number for b in books] == list(range(1, 11))
        numbers = sorted(Voucher.objects.filter(year=year).values_list("number", flat=True))
        assert numbers == list(range(1, 51))
        for b in books:
            block = list(Voucher.objects.filter(book=b).order_by("number").values_list("number", flat=True))
            assert block == list(range(b.first_number, b.first_number + 5))


def test_one_voucher_used_by_eight_agents_at_once_is_used_once(scratch: dict[str, Any], django_db_blocker: Any) -> None:
    own, other = scratch["own"], scratch["other"]
    with django_db_blocker.unblock(), schema_context(SLUG):
        voucher = Voucher.objects.filter(status="issued").order_by("number").first()
    today = timezone.localdate()

    def use(agent: Any, target: Any, km: int) -> int:
        data = services.FillInput(
            voucher_id=voucher.pk, vehicle_id=target.pk, used_on=today, station="S", odometer=km, litres=Decimal("20")
        )
        return services.voucher_use(actor=agent, data=data).pk

    calls = [(lambda a=a, i=i: use(a, own if i % 2 == 0 else other, 200 + i)) for i, a in enumerate(scratch["agents"])]
    results, errors = _at_once(calls)
    assert len(results) == 1
    assert len(errors) == 7
    assert all(isinstance(e, (exceptions.VoucherUnavailable, exceptions.VoucherOtherVehicle)) for e in errors)
    with django_db_blocker.unblock(), schema_context(SLUG):
        (fill,) = VoucherUse.objects.filter(voucher_id=voucher.pk)
        assert fill.vehicle_id == own.pk
        assert Voucher.objects.get(pk=voucher.pk).status == "used"


def test_six_mission_orders_at_once_are_one_to_six(scratch: dict[str, Any], django_db_blocker: Any) -> None:
    today = timezone.localdate()
    calls = [
        (
            lambda m=m, v=v: (
                services.mission_issue(
                    actor=m,
                    data=services.MissionInput(
                        agent_name="Agent",
                        vehicle_id=v.pk,
                        destination="Fès",
                        purpose="Mission",
                        depart_on=today,
                        return_on=today + dt.timedelta(days=1),
                    ),
                ).number
            )
        )
        for m, v in zip(scratch["managers"], scratch["fleet"], strict=False)
    ]
    results, errors = _at_once(calls)
    assert errors == []
    assert sorted(results) == [1, 2, 3, 4, 5, 6]
    with django_db_blocker.unblock(), schema_context(SLUG):
        assert MissionOrder.objects.count() == 6
