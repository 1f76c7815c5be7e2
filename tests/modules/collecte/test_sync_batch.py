"""The upload as the régie sees it: a refused number is an incident for the régisseur (once, however often the
device sends it again), a block closed with numbers missing below a used one is a number_gap incident, and a
batch costs the same handful of statements whatever its size."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.collecte import services as collecte_services
from jamaa.modules.collecte.models import Device, RefusedPayment
from jamaa.modules.regie import exceptions as regie_exceptions
from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import services as regie_services
from jamaa.modules.regie.models import Incident, Quittance, Versement
from jamaa.platform.core.models import AuditEvent
from tests.modules.regie.factories import reference, user_with

from .test_api import DAY, call, draw_block, payment, register, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        data = reference()
        data["collector"] = user_with("collector", regie_permissions.AGENT)
        data["other"] = user_with("collector2", regie_permissions.AGENT)
        data["passer_by"] = user_with("passer-by")
        yield data


def incidents(kind: str) -> list[Incident]:
    with schema_context("fes"):
        return list(Incident.objects.filter(kind=kind).order_by("pk"))


def test_a_stale_number_is_one_incident_however_often_it_is_sent(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    old = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=5)
    upload(client, fes.host, device["token"], [payment(ref, old, 1)])
    new = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=5)
    call(client, fes.host, device["token"], "post", f"/collecte/api/blocks/{old['block_id']}/return/")
    stale = payment(ref, old, 2)
    # when a payment numbered from the returned block comes, then comes again with the next batch
    for batch in ([stale, payment(ref, new, 6)], [stale, payment(ref, new, 7)]):
        results = upload(client, fes.host, device["token"], batch)["results"]
        assert [(r["status"], r["code"]) for r in results] == [("refused", "NUMBER_OUTSIDE_BLOCK"), ("created", None)]
    # then the régisseur has one incident for it, with what the receipt said
    (incident,) = incidents("stale_block")
    assert (incident.regie_id, incident.day, incident.agent_id) == (ref["regie"].pk, DAY, ref["collector"].pk)
    assert incident.amount_dh == 875 and incident.created_by_id == ref["collector"].pk
    assert incident.data["client_uuid"] == stale["uuid"] and incident.data["number"] == 2
    assert incident.data["block_id"] == old["block_id"] and incident.data["stale_block"] is True
    with schema_context("fes"):
        assert RefusedPayment.objects.filter(client_uuid=stale["uuid"]).count() == 2  # every refusal is logged
        assert AuditEvent.objects.filter(action="regie.incident.recorded", target_id=str(incident.pk)).count() == 1


def test_numbers_outside_the_block_are_incidents_too(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=10)
    other = register(client, fes.host, "collector2", "Phone 2")
    other_block = draw_block(client, fes.host, other["token"], ref["regie"].pk, size=10)
    items = [payment(ref, block, 11), payment(ref, other_block, 12), payment(ref, block, 2, amount_dh="1.00")]
    results = upload(client, fes.host, device["token"], items)["results"]
    assert [r["code"] for r in results] == ["NUMBER_OUTSIDE_BLOCK", "NUMBER_OUTSIDE_BLOCK", "AMOUNT_MISMATCH"]
    found = incidents("stale_block")
    # one per refused number (an amount refused is not about the stub book)
    assert sorted((i.data["block_id"], i.data["number"], i.data["stale_block"]) for i in found) == sorted(
        [(block["block_id"], 11, False), (other_block["block_id"], 12, False)]
    )
    assert {i.regie_id for i in found} == {ref["regie"].pk}


def test_a_block_returned_with_a_missing_number_is_a_number_gap(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=10)
    # number 2's payment is refused (a wrong amount on its receipt) and 3 is used: 2 is missing
    results = upload(
        client,
        fes.host,
        device["token"],
        [payment(ref, block, 1), payment(ref, block, 2, amount_dh="1.00"), payment(ref, block, 3)],
    )["results"]
    assert [r["status"] for r in results] == ["created", "refused", "created"]
    assert incidents("number_gap") == []  # not yet: the device may still send it
    for _ in range(2):
        response = call(client, fes.host, device["token"], "post", f"/collecte/api/blocks/{block['block_id']}/return/")
        assert response.status_code == 200
    (gap,) = incidents("number_gap")
    assert gap.data["missing"] == [2] and gap.data["missing_count"] == 1 and gap.data["highest_used"] == 3
    assert (gap.regie_id, gap.agent_id, gap.data["block_id"]) == (
        ref["regie"].pk,
        ref["collector"].pk,
        block["block_id"],
    )
    # a block returned without a hole (4..10 unused are returned stubs, not gaps) records nothing
    second = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=10)
    upload(client, fes.host, device["token"], [payment(ref, second, second["first_number"])])
    call(client, fes.host, device["token"], "post", f"/collecte/api/blocks/{second['block_id']}/return/")
    assert len(incidents("number_gap")) == 1


def test_a_batch_costs_the_same_statements_whatever_its_size(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=100)

    def statements(numbers: range) -> tuple[int, list[str]]:
        items = [payment(ref, block, n) for n in numbers]
        with CaptureQueriesContext(connection) as queries:
            results = upload(client, fes.host, device["token"], items)["results"]
        assert {r["status"] for r in results} == {"created"}
        # django-tenants' periodic look at the routing table (and its SET search_path) comes now and then
        sql = [q["sql"] for q in queries if "tenants_routinggeneration" not in q["sql"]]
        return len(sql), sql

    small, _ = statements(range(1, 3))
    large, sql = statements(range(3, 43))
    assert large - small in (-1, 0, 1), "\n".join(s[:200] for s in sql)
    assert large < 60  # about 25 statements and as many SET search_path, for 2 payments or 40
    # one INSERT of quittances and one of their audit rows for the 40
    assert sum(s.startswith('INSERT INTO "regie_quittance"') for s in sql) == 1
    assert sum(s.startswith('INSERT INTO "core_auditevent"') for s in sql) == 1
    with schema_context("fes"):
        assert AuditEvent.objects.filter(action="regie.quittance.issued").count() == 42
        assert Quittance.objects.count() == 42


def test_the_batch_service_keeps_the_others_when_a_row_fails_at_insert(fes, ref) -> None:
    """The single INSERT fails (here: one UUID twice, caught by the unique index, as a racing upload's would be):
    each row is then inserted in its own savepoint and only the loser is refused."""
    with schema_context("fes"):
        block = regie_services.block_allocate(
            collector=ref["collector"], allocated_by=ref["collector"], regie_id=ref["regie"].pk, exercice=2026, size=5
        )
        same = uuid.uuid4()

        def item(number: int, client_uuid: uuid.UUID) -> regie_services.BlockQuittance:
            return regie_services.BlockQuittance(
                regie_id=ref["regie"].pk,
                exercice=2026,
                series="A",
                block_id=block.pk,
                number=number,
                redevable_id=ref["redevable"].pk,
                tax_id=ref["tax"].pk,
                base=Decimal("2"),
                period="T1 2026",
                payment_method="cash",
                on=DAY,
                client_uuid=client_uuid,
            )

        out = regie_services.quittances_issue_batch(
            actor=ref["collector"], items=[item(1, same), item(2, same), item(3, uuid.uuid4())]
        )
        assert isinstance(out[0], Quittance) and isinstance(out[2], Quittance)
        assert isinstance(out[1], regie_exceptions.ClientUuidTaken)
        assert sorted(Quittance.objects.values_list("number", flat=True)) == [1, 3]
        assert AuditEvent.objects.filter(action="regie.quittance.issued").count() == 2
        # and a non-collector is refused item by item, nothing written
        refused = regie_services.quittances_issue_batch(actor=ref["passer_by"], items=[item(4, uuid.uuid4())])
        assert isinstance(refused[0], regie_exceptions.NotACollector)
        assert Quittance.objects.count() == 2


def test_payments_taken_before_the_regisseurs_close_are_booked_late_never_lost(client: Client, fes, ref) -> None:
    """Issue 17 item 1: the régisseur closes days D and D+1 while a collector's phone holds payments of D."""
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=10)
    with schema_context("fes"):
        regisseur = user_with("regisseur", regie_permissions.REGISSEUR)
        # given the régie's days D and D+1 closed (nothing of this collector synced yet)
        for day in (DAY, DAY + dt.timedelta(1)):
            regie_services.day_close(actor=regisseur, regie_id=ref["regie"].pk, day=day, counted_dh=Decimal("0"))
    items = [payment(ref, block, 1), payment(ref, block, 2, base="2.00")]
    # when the phone syncs
    first = upload(client, fes.host, device["token"], items)["results"]
    # then both are received, booked into D+2 (the first open day), none refused
    booked = (DAY + dt.timedelta(2)).isoformat()
    assert [(r["status"], r["extra"].get("day"), r["extra"].get("taken_on")) for r in first] == [
        ("created", booked, DAY.isoformat())
    ] * 2
    # and sending them again (no answer reached the phone) is a repeat, not a different payment
    again = upload(client, fes.host, device["token"], items)["results"]
    assert [(r["status"], r["quittance_id"], r["extra"].get("day")) for r in again] == [
        ("duplicate", r["quittance_id"], booked) for r in first
    ]
    # and the régisseur has one late_payment incident per payment, on the day it was taken
    late = incidents("late_payment")
    assert sorted((i.day, i.data["number"], i.data["booked_on"], i.amount_dh) for i in late) == [
        (DAY, 1, booked, Decimal("875.00")),
        (DAY, 2, booked, Decimal("140.00")),
    ]
    # and the régisseur's supervision lists them
    browser = Client()
    browser.post("/login/", {"username": "regisseur", "password": "Pass-2026-word!"}, HTTP_HOST=fes.host)
    page = browser.get("/collecte/supervision/", HTTP_HOST=fes.host).content.decode()
    table = page.split('id="late-payments"')[1].split("</table>")[0]
    assert table.count("<tr>") == 3 and "875,00" in table and "140,00" in table
    with schema_context("fes"):
        # and the closed days' versements are untouched; the next close counts the late cash
        assert list(Versement.objects.order_by("day").values_list("quittance_count", "expected_dh")) == [
            (0, Decimal("0")),
            (0, Decimal("0")),
        ]
        versement = regie_services.day_close(
            actor=regisseur, regie_id=ref["regie"].pk, day=DAY + dt.timedelta(2), counted_dh=Decimal("1015.00")
        )
        assert (versement.quittance_count, versement.expected_dh, versement.difference_dh) == (
            2,
            Decimal("1015.00"),
            Decimal("0"),
        )
        assert Incident.objects.filter(kind="cash_difference").count() == 0
    # and with D+2 closed too, the payments of D go on to D+3 at the service level
    with schema_context("fes"):
        device_id = Device.objects.get().pk
        result = collecte_services.payments_upload(
            device_id=device_id,
            payments=[
                collecte_services.PaymentInput(
                    client_uuid=uuid.uuid4(),
                    block_id=block["block_id"],
                    number=3,
                    redevable_id=ref["redevable"].pk,
                    tax_id=ref["tax"].pk,
                    base=Decimal("1.00"),
                    period="T1 2026",
                    payment_method="cash",
                    collected_at=timezone.make_aware(dt.datetime.combine(DAY, dt.time(23, 30))),
                    amount_dh=Decimal("70.00"),
                )
            ],
        )
        assert [(r.status, r.extra.get("day")) for r in result.results] == [
            ("created", (DAY + dt.timedelta(3)).isoformat())
        ]
        assert Quittance.objects.get(number=3).day == DAY + dt.timedelta(3)
