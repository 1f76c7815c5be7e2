"""The database keeps the budget's rules whatever the code does: a raw UPDATE cannot overspend a line, move a
budget backwards, edit a decided engagement or delete a record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.budget import services
from jamaa.modules.budget.models import BUDGET_TRANSITIONS

from ..factories import OFFICE, budget_with, line, ordonnateur, service_user

pytestmark = pytest.mark.django_db


def _refused(sql: str, params: list[object]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_sql_refuses_what_the_services_refuse(fes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(service=service, ordo=ordo, year=2026, forecasts={OFFICE: "1000"})
        office = line(budget, OFFICE)
        big = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="X", subject="Trop", amount_dh="1000.01"
        )
        ok = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="X", subject="Ok", amount_dh="600"
        )
        services.engagement_approve(actor=ordo, engagement_id=ok.pk, on=dt.date(2026, 2, 1))

        # overspending by a raw approval
        _refused(
            "UPDATE budget_engagement SET status = 'approved', decided_by_id = %s, decided_on = '2026-02-02' "
            "WHERE id = %s",
            [ordo.pk, big.pk],
        )
        # the line's totals written by hand
        _refused("UPDATE budget_budgetline SET engaged_dh = 0 WHERE id = %s", [office.pk])
        # a forecast changed after the vote
        _refused("UPDATE budget_budgetline SET forecast_dh = 999999 WHERE id = %s", [office.pk])
        # a decided engagement edited, or deleted
        _refused("UPDATE budget_engagement SET amount_dh = 1 WHERE id = %s", [ok.pk])
        _refused("UPDATE budget_engagement SET status = 'rejected' WHERE id = %s", [ok.pk])
        _refused("DELETE FROM budget_engagement WHERE id = %s", [ok.pk])
        # a budget moved backwards, or deleted
        _refused("UPDATE budget_budget SET status = 'draft' WHERE id = %s", [budget.pk])
        _refused("DELETE FROM budget_budget WHERE id = %s", [budget.pk])
        # a credit reduced below what is engaged
        _refused(
            'INSERT INTO budget_creditmovement (line_id, kind, "group", amount_dh, decision_reference, '
            "decision_date, reason, recorded_by_id, recorded_at) VALUES (%s, 'amendment', gen_random_uuid(), -500, "
            "'BM 1', '2026-03-01', '', %s, now())",
            [office.pk, ordo.pk],
        )


def test_transitions_in_sql_are_the_models() -> None:
    pairs = {(a, b) for a, tos in BUDGET_TRANSITIONS.items() for b in tos}
    from jamaa.modules.budget.migrations import __path__ as mig  # noqa: PLC0415

    text = open(f"{mig[0]}/0002_guards.py", encoding="utf-8").read()  # noqa: PTH123
    for a, b in pairs:
        assert f"('{a}', '{b}')" in text
    assert text.count("'), ('") + 1 >= len(pairs)
