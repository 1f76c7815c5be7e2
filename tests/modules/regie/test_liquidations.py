"""Liquidations stored with their steps and paid by one quittance: the TNB worked example (late declaration and
late payment, a started m² counts whole), quarters, paying twice, paying on another day, reference defaults."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.regie import exceptions, services
from jamaa.modules.regie.models import BudgetLine, Liquidation, Quittance, Tariff, Tax

from .factories import installed, staff

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        yield installed(passwords=False)


def tnb(ref, **kw) -> Liquidation:
    values = {
        "by": ref["agent"],
        "regie_id": ref["regie"].pk,
        "redevable_id": ref["person"].pk,
        "tax_id": ref["taxes"]["TNB"].pk,
        "base": Decimal("1200.40"),
        "period": "2026",
        "on": D(2026, 5, 10),
        "declaration_due": D(2026, 3, 1),
        "declared_on": D(2026, 5, 10),
        "payment_due": D(2026, 3, 1),
    }
    values.update(kw)
    by = values.pop("by")
    return services.liquidation_create(actor=by, data=services.LiquidationInput(**values))


def test_tnb_worked_example_is_stored_with_every_step(ref) -> None:
    # given 1,200.40 m² of undeveloped land at 30 DH/m² (Law 14-25), declared and paid on 10 May for 1 March
    liquidation = tnb(ref)
    # then the base counts the started m² whole: 1,201 m² × 30 = 36,030.00
    assert (liquidation.base, liquidation.rate, liquidation.principal_dh) == (
        Decimal("1201"),
        Decimal("30"),
        Decimal("36030.00"),
    )
    # 3 months started: declaration 36,030 × (15% + 3 × 0.5%) = 5,944.95; payment × (10% + 5% + 2 × 0.5%)
    assert liquidation.declaration_penalty_dh == Decimal("5944.95")
    assert liquidation.payment_penalty_dh == Decimal("5764.80")
    assert liquidation.total_dh == Decimal("47739.75")
    assert [s["label"] for s in liquidation.steps] == [
        "base",
        "principal",
        "late_declaration",
        "late_payment",
        "total",
    ]
    assert liquidation.steps[0]["amount"] == "1201" and "counts whole" in liquidation.steps[0]["formula"]
    assert liquidation.steps[-1]["amount"] == "47739.75"
    stored = Liquidation.objects.get(pk=liquidation.pk)
    assert stored.steps == liquidation.steps and stored.status == "liquidated"


def test_paying_issues_one_quittance_with_the_penalties_and_freezes_the_liquidation(ref) -> None:
    liquidation = tnb(ref)
    quittance = services.liquidation_pay(
        actor=ref["agent"], liquidation_id=liquidation.pk, payment_method="cheque", on=D(2026, 5, 10)
    )
    assert (quittance.amount_dh, quittance.penalties_dh, quittance.base, quittance.rate) == (
        Decimal("47739.75"),
        Decimal("11709.75"),
        Decimal("1201"),
        Decimal("30"),
    )
    assert quittance.liquidation_id == liquidation.pk and quittance.budget_line == "10.20.11"
    assert quittance.series.exercice == 2026 and quittance.day == D(2026, 5, 10)
    liquidation.refresh_from_db()
    assert liquidation.status == "paid"
    # paying twice is a clear conflict, and nothing more is issued
    with pytest.raises(exceptions.LiquidationNotPayable) as refused:
        services.liquidation_pay(
            actor=ref["agent"], liquidation_id=liquidation.pk, payment_method="cash", on=D(2026, 5, 10)
        )
    assert refused.value.http_status == 409
    assert Quittance.objects.count() == 1
    # the database freezes a paid liquidation
    with connection.cursor() as cursor, pytest.raises(DatabaseError), transaction.atomic():
        cursor.execute("SET search_path = fes, public")
        cursor.execute(f"UPDATE regie_liquidation SET status = 'liquidated' WHERE id = {liquidation.pk}")


def test_paying_on_a_day_the_penalties_differ_is_refused(ref) -> None:
    liquidation = tnb(ref)
    # a month later one more month has started: the stored computation no longer holds
    with pytest.raises(exceptions.LiquidationOutdated):
        services.liquidation_pay(
            actor=ref["agent"], liquidation_id=liquidation.pk, payment_method="cash", on=D(2026, 6, 15)
        )
    # a day later in the same month it still holds
    quittance = services.liquidation_pay(
        actor=ref["agent"], liquidation_id=liquidation.pk, payment_method="cash", on=D(2026, 5, 11)
    )
    assert quittance.amount_dh == Decimal("47739.75")


def test_on_time_no_penalty_and_started_quarter_counts_whole(ref) -> None:
    # a taxi owes 150 DH a quarter; 2.3 quarters count as 3
    transport = services.liquidation_create(
        actor=ref["agent"],
        data=services.LiquidationInput(
            regie_id=ref["regie"].pk,
            redevable_id=ref["person"].pk,
            tax_id=ref["taxes"]["TRANSPORT"].pk,
            base=Decimal("2.3"),
            period="T1-T3 2026",
            on=D(2026, 2, 1),
            payment_due=D(2026, 3, 31),
        ),
    )
    assert (transport.base, transport.total_dh) == (Decimal("3"), Decimal("450.00"))
    assert [s["label"] for s in transport.steps] == ["base", "principal", "total"]
    # débits de boissons: 8 % of the declared sales, to the centime
    drinks = services.liquidation_create(
        actor=ref["agent"],
        data=services.LiquidationInput(
            regie_id=ref["regie"].pk,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["BOISSONS"].pk,
            base=Decimal("125000.555"),
            period="2025",
            on=D(2026, 3, 20),
        ),
    )
    assert (drinks.base, drinks.principal_dh) == (Decimal("125000.56"), Decimal("10000.04"))
    # before Law 14-25 the TNB tariff was 20 DH/m²
    old = tnb(ref, on=D(2025, 2, 1), declaration_due=None, declared_on=None, payment_due=None, period="2025")
    assert (old.rate, old.total_dh) == (Decimal("20"), Decimal("24020.00"))


def test_refusals(ref) -> None:
    with pytest.raises(exceptions.InvalidLiquidation) as bad:
        tnb(ref, base=Decimal("0"), period=" ")
    assert set(bad.value.extra["fields"]) == {"base", "period"}
    with pytest.raises(exceptions.NoTariff):
        tnb(ref, on=D(2020, 1, 1), declaration_due=None, declared_on=None, payment_due=None)
    with pytest.raises(exceptions.NotACollector):
        tnb(ref, by=staff("passer-by"))
    # a tax whose budget line the régie's arrêté does not list
    other = Tax.objects.create(code="X", name_fr="X", name_ar="X", base_kind="fixed", budget_line="99.99")
    Tariff.objects.create(tax=other, rate=Decimal("1"), valid_from=D(2020, 1, 1))
    with pytest.raises(exceptions.BudgetLineNotAuthorised):
        tnb(ref, tax_id=other.pk)
    assert Liquidation.objects.count() == 0
    # a cancelled liquidation cannot be paid
    liquidation = tnb(ref)
    services.liquidation_cancel(actor=ref["agent"], liquidation_id=liquidation.pk, reason="erreur de surface")
    with pytest.raises(exceptions.LiquidationNotPayable):
        services.liquidation_pay(actor=ref["agent"], liquidation_id=liquidation.pk, payment_method="cash")


def test_reference_defaults_are_idempotent(ref) -> None:
    counts = (BudgetLine.objects.count(), Tax.objects.count(), Tariff.objects.count())
    again = services.reference_install_defaults()
    assert again.pk == ref["regie"].pk
    assert (BudgetLine.objects.count(), Tax.objects.count(), Tariff.objects.count()) == counts
    assert {t.code for t in Tax.objects.all()} >= {
        "TNB",
        "CONSTRUCTION",
        "BOISSONS",
        "SEJOUR",
        "TRANSPORT",
        "ODP",
        "LEGALISATION",
    }
    assert set(again.budget_lines.values_list("code", flat=True)) >= {"10.20.11", "10.20.31", "401"}
    assert services.tariff_in_force(tax_id=ref["taxes"]["ODP"].pk, on=D(2026, 1, 1)).rate == Decimal("70")
