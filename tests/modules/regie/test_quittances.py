"""The numbered stub book: computed amounts, versioned tariffs, counter-entry cancellation, immutability."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django_tenants.utils import schema_context

from jamaa.modules.regie import exceptions, permissions, selectors, services
from jamaa.modules.regie.models import Quittance, QuittanceSeries

from .factories import reference, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def regie(fes):
    with schema_context("fes"):
        ref = reference()
        ref["agent"] = user_with("collector", permissions.AGENT)
        ref["regisseur"] = user_with("regisseur", permissions.REGISSEUR)
        yield ref


def issue(ref, on=dt.date(2026, 3, 1), base=Decimal("12.5"), **kw) -> Quittance:
    return services.quittance_issue(
        actor=kw.pop("agent", ref["agent"]),
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=ref["redevable"].pk,
            tax_id=ref["tax"].pk,
            base=base,
            period="T1 2026",
            payment_method="cash",
            on=on,
            **kw,
        ),
    )


def test_amount_uses_the_tariff_in_force_and_numbers_follow(regie) -> None:
    first = issue(regie)
    second = issue(regie, on=dt.date(2026, 7, 1), penalties_dh=Decimal("50"))
    assert (first.number, first.rate, first.amount_dh) == (1, Decimal("70"), Decimal("875.00"))
    assert (second.number, second.rate, second.amount_dh) == (2, Decimal("80"), Decimal("1050.00"))
    assert first.payer_name == "Café Atlas" and first.budget_line == "10.20.31"
    with pytest.raises(exceptions.NoTariff):
        issue(regie, on=dt.date(2024, 12, 31))
    with pytest.raises(exceptions.NotACollector):
        issue(regie, agent=user_with("passer-by"))
    assert selectors.series_report(series_id=first.series_id).numbers == [1, 2]


def test_cancellation_is_a_counter_entry_approved_by_a_supervisor(regie) -> None:
    quittance = issue(regie)
    with pytest.raises(exceptions.NotASupervisor):
        services.quittance_cancel(
            quittance_id=quittance.pk,
            requested_by=regie["agent"],
            approved_by=regie["agent"],
            reason="erreur de montant",
        )
    with pytest.raises(exceptions.InvalidQuittance):
        services.quittance_cancel(
            quittance_id=quittance.pk, requested_by=regie["agent"], approved_by=regie["regisseur"], reason=" "
        )
    cancellation = services.quittance_cancel(
        quittance_id=quittance.pk,
        requested_by=regie["agent"],
        approved_by=regie["regisseur"],
        reason="erreur de montant",
    )
    assert cancellation.amount_dh == Decimal("-875.00")
    with pytest.raises(exceptions.AlreadyCancelled):
        services.quittance_cancel(
            quittance_id=quittance.pk, requested_by=regie["agent"], approved_by=regie["regisseur"], reason="encore"
        )
    issue(regie)
    report = selectors.series_report(series_id=quittance.series_id)
    # the cancelled number stays in the register; the net total counts only the valid one
    assert report.numbers == [1, 2] and report.cancelled == [1] and report.gaps == []
    assert report.net_total_dh == Decimal("875.00")


def test_the_database_guards_the_stub_book(regie) -> None:
    quittance = issue(regie)
    services.quittance_cancel(
        quittance_id=quittance.pk, requested_by=regie["agent"], approved_by=regie["regisseur"], reason="doublon"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        for sql in [
            f"UPDATE regie_quittance SET amount_dh = 1 WHERE id = {quittance.pk}",
            f"DELETE FROM regie_quittance WHERE id = {quittance.pk}",
            "DELETE FROM regie_quittancecancellation",
            f"UPDATE regie_quittanceseries SET last_number = 0 WHERE id = {quittance.series_id}",
        ]:
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
    # constraints: an amount that is not base × rate + penalties, a non-positive amount (the number drawn from
    # the counter, as the numbering trigger wants, so that the constraint is what refuses)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuittanceSeries.objects.filter(pk=quittance.series_id).update(last_number=F("last_number") + 1)
        Quittance.objects.create(
            series_id=quittance.series_id,
            number=QuittanceSeries.objects.get(pk=quittance.series_id).last_number,
            redevable=regie["redevable"],
            payer_name="x",
            tax=regie["tax"],
            budget_line="x",
            period="x",
            base=Decimal("1"),
            rate=Decimal("70"),
            amount_dh=Decimal("1"),
            payment_method="cash",
            agent=regie["agent"],
        )
    assert Quittance.objects.get(pk=quittance.pk).amount_dh == Decimal("875.00")
