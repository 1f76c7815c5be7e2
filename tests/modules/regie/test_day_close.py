"""The day's close: expected net takings (a cancelled quittance counts 0 and is listed), an incident for a cash
difference, the day locked afterwards (no quittance slips in, no second close), who may close what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.regie import exceptions, selectors, services
from jamaa.modules.regie.models import Incident, Versement
from jamaa.platform.core.models import AuditEvent

from .factories import installed

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 4, 6)


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        yield installed(passwords=False)


def issue(ref, agent, base="10", on=DAY, method="cash"):
    return services.quittance_issue(
        actor=agent,
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=on.year,
            redevable_id=ref["person"].pk,
            tax_id=ref["taxes"]["LEGALISATION"].pk,
            base=Decimal(base),
            period="acte",
            payment_method=method,
            on=on,
        ),
    )


def test_agent_close_expects_the_net_and_records_a_difference(ref) -> None:
    a1, a2 = ref["agent"], ref["agent2"]
    first, second = issue(ref, a1), issue(ref, a1, base="3", method="cheque")
    issue(ref, a2, base="5")
    request = services.cancellation_request(quittance_id=second.pk, requested_by=a1, reason="erreur de nombre")
    services.cancellation_decide(request_id=request.pk, decided_by=ref["regisseur"], approve=True)
    summary = selectors.day_summary(regie_id=ref["regie"].pk, day=DAY, viewer=a1, agent_id=a1.pk)
    assert (summary.count, summary.cancelled_count, summary.net_dh, summary.expected_dh) == (
        2,
        1,
        Decimal("200.00"),
        Decimal("200.00"),
    )
    assert (summary.cash_ceiling_dh, summary.over_ceiling) == (Decimal("50000.00"), False)
    # another agent cannot close a1's day
    with pytest.raises(exceptions.NotARegisseur):
        services.day_close(actor=a2, agent=a1, regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("200"))
    versement = services.day_close(
        actor=a1, agent=a1, regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("190"), note="10 DH manquants"
    )
    assert (versement.level, versement.number, versement.expected_dh, versement.counted_dh) == (
        "agent",
        1,
        Decimal("200.00"),
        Decimal("190.00"),
    )
    assert versement.difference_dh == Decimal("-10.00") and versement.quittance_count == 2
    items = {
        i.quittance_id: i.amount_dh
        for i in selectors.versement_items(viewer=ref["regisseur"], versement_id=versement.pk)
    }
    assert items == {first.pk: Decimal("200.00"), second.pk: Decimal("0")}
    incident = Incident.objects.get()
    assert (incident.kind, incident.amount_dh, incident.agent, incident.versement) == (
        "cash_difference",
        Decimal("-10.00"),
        a1,
        versement,
    )
    # a1's day is locked: no quittance slips in, no second close; a2 still collects
    with pytest.raises(exceptions.DayLocked):
        issue(ref, a1)
    with pytest.raises(exceptions.DayAlreadyClosed):
        services.day_close(
            actor=ref["regisseur"], agent=a1, regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("200")
        )
    issue(ref, a2, base="1")
    # the régie's close needs the régisseur; it takes every quittance of the day, exactly once
    with pytest.raises(exceptions.NotARegisseur):
        services.day_close(actor=a1, regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("0"))
    regie_day = services.day_close(actor=ref["regisseur"], regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("320"))
    assert (regie_day.level, regie_day.number, regie_day.expected_dh, regie_day.quittance_count) == (
        "regie",
        2,
        Decimal("320.00"),
        4,
    )
    assert Incident.objects.count() == 1
    with pytest.raises(exceptions.DayLocked):
        issue(ref, a2)
    with pytest.raises(exceptions.DayAlreadyClosed):
        services.day_close(actor=ref["suppleant"], regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("320"))
    with pytest.raises(exceptions.DayLocked):
        services.day_close(actor=a2, agent=a2, regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("60"))
    assert selectors.day_summary(regie_id=ref["regie"].pk, day=DAY, viewer=ref["regisseur"]).locked
    # the trésorier's reference, once
    services.versement_set_treasury_reference(actor=ref["regisseur"], versement_id=regie_day.pk, reference="TGR-1")
    with pytest.raises(exceptions.TreasuryReferenceAlreadySet):
        services.versement_set_treasury_reference(actor=ref["regisseur"], versement_id=regie_day.pk, reference="TGR-2")
    with pytest.raises(exceptions.InvalidClose):
        services.versement_set_treasury_reference(actor=ref["regisseur"], versement_id=versement.pk, reference="x")
    # another day is open; the refused issues used no number
    assert issue(ref, a1, on=DAY + dt.timedelta(days=1)).number == 5


def test_an_empty_day_closes_at_zero_and_the_database_keeps_versements(ref) -> None:
    versement = services.day_close(actor=ref["regisseur"], regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("0"))
    assert (versement.expected_dh, versement.quittance_count) == (Decimal("0.00"), 0)
    with pytest.raises(exceptions.InvalidClose):
        services.day_close(actor=ref["regisseur"], regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("-1"))
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        for sql in [
            f"UPDATE regie_versement SET counted_dh = 5, difference_dh = 5 WHERE id = {versement.pk}",
            f"DELETE FROM regie_versement WHERE id = {versement.pk}",
        ]:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
    assert Versement.objects.get(pk=versement.pk).counted_dh == Decimal("0")


def test_an_incident_is_recorded_once_per_key_and_audited(ref) -> None:
    regie_id, agent = ref["regie"].pk, ref["agent"]
    first = services.incident_record(
        actor=agent,
        regie_id=regie_id,
        day=DAY,
        kind="stale_block",
        agent=agent,
        data={"number": 7},
        amount_dh=Decimal("140"),
        key="payment:abc",
    )
    # the same key again (a device resending the refused payment) answers the same incident
    again = services.incident_record(
        actor=agent, regie_id=regie_id, day=DAY, kind="stale_block", agent=agent, data={"number": 7}, key="payment:abc"
    )
    assert again.pk == first.pk
    assert (first.kind, first.amount_dh, first.data) == (
        "stale_block",
        Decimal("140"),
        {"number": 7, "key": "payment:abc"},
    )
    # without a key, or with another, each is recorded
    services.incident_record(actor=agent, regie_id=regie_id, day=DAY, kind="stale_block", note=" vu ")
    services.incident_record(actor=agent, regie_id=regie_id, day=DAY, kind="stale_block", key="payment:def")
    assert Incident.objects.filter(kind="stale_block").count() == 3
    assert AuditEvent.objects.filter(action="regie.incident.recorded").count() == 3
    with pytest.raises(exceptions.InvalidIncident):
        services.incident_record(actor=agent, regie_id=regie_id, day=DAY, kind="bogus")
    with pytest.raises(exceptions.RegieNotFound):
        services.incident_record(actor=agent, regie_id=regie_id + 999, day=DAY, kind="number_gap")


def test_closing_a_block_with_a_hole_records_a_number_gap(ref) -> None:
    agent = ref["agent"]
    block = services.block_allocate(
        collector=agent, allocated_by=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, size=10
    )
    for number in (1, 2, 5):
        services.quittance_issue(
            actor=agent,
            data=services.QuittanceInput(
                regie_id=ref["regie"].pk,
                exercice=2026,
                redevable_id=ref["person"].pk,
                tax_id=ref["taxes"]["LEGALISATION"].pk,
                base=Decimal("1"),
                period="acte",
                payment_method="cash",
                on=DAY,
                block_id=block.pk,
                number=number,
            ),
        )
    services.block_close(block_id=block.pk, closed_by=ref["regisseur"])
    services.block_close(block_id=block.pk, closed_by=ref["regisseur"])  # already closed: nothing more
    (gap,) = Incident.objects.filter(kind="number_gap")
    assert (gap.regie_id, gap.agent_id, gap.created_by_id) == (ref["regie"].pk, agent.pk, ref["regisseur"].pk)
    assert (gap.data["missing"], gap.data["missing_count"], gap.data["highest_used"]) == ([3, 4], 2, 5)
    # an unused block, or one used without a hole, has no gap: its tail is returned stubs
    empty = services.block_allocate(
        collector=agent, allocated_by=agent, regie_id=ref["regie"].pk, exercice=2026, size=5
    )
    services.block_close(block_id=empty.pk, closed_by=agent)
    assert Incident.objects.filter(kind="number_gap").count() == 1
