"""Liquidation formulas: principal, late declaration (15% + 0.5%/month, min 500 DH), late payment
(10% + 5% first month + 0.5% each further month), months or parts of months."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jamaa.modules.regie.liquidation import liquidate, months_started

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 3, 1), D(2026, 3, 1), 0),
        (D(2026, 3, 1), D(2026, 3, 2), 1),
        (D(2026, 3, 1), D(2026, 4, 1), 1),
        (D(2026, 3, 1), D(2026, 4, 2), 2),
        (D(2026, 1, 31), D(2026, 2, 28), 1),
        (D(2025, 12, 15), D(2026, 3, 16), 4),
    ],
)
def test_months_or_parts_of_months(start: dt.date, end: dt.date, months: int) -> None:
    assert months_started(start, end) == months


def test_on_time_is_base_times_rate() -> None:
    result = liquidate(
        base=Decimal("120"),
        rate=Decimal("30"),
        declaration_due=D(2026, 3, 1),
        declared_on=D(2026, 2, 20),
        payment_due=D(2026, 3, 1),
        paid_on=D(2026, 2, 20),
    )
    assert (result.principal, result.declaration_penalty, result.payment_penalty, result.total) == (
        Decimal("3600.00"),
        Decimal("0"),
        Decimal("0"),
        Decimal("3600.00"),
    )
    assert [s.label for s in result.steps] == ["principal", "total"]


def test_late_declaration_and_late_payment() -> None:
    # declared 3 months and a bit late (4 months started), paid 2 months and a bit late (3 started)
    result = liquidate(
        base=Decimal("1000"),
        rate=Decimal("20"),
        declaration_due=D(2026, 3, 1),
        declared_on=D(2026, 6, 10),
        payment_due=D(2026, 3, 1),
        paid_on=D(2026, 5, 5),
    )
    # 20000 × (15% + 4 × 0.5%) = 3400 ; 20000 × (10% + 5% + 2 × 0.5%) = 3200
    assert result.declaration_penalty == Decimal("3400.00")
    assert result.payment_penalty == Decimal("3200.00")
    assert result.total == Decimal("26600.00")
    assert [s.label for s in result.steps] == ["principal", "late_declaration", "late_payment", "total"]


def test_declaration_penalty_has_a_minimum_and_a_missing_declaration_counts_as_late() -> None:
    result = liquidate(
        base=Decimal("10"),
        rate=Decimal("20"),
        declaration_due=D(2026, 3, 1),
        declared_on=None,
        payment_due=D(2026, 3, 1),
        paid_on=D(2026, 3, 20),
    )
    assert result.declaration_penalty == Decimal("500")  # 200 × 15.5% = 31 → 500 DH minimum
    assert result.payment_penalty == Decimal("30.00")  # 200 × 15%
    with pytest.raises(ValueError):
        liquidate(base=Decimal("-1"), rate=Decimal("1"))
