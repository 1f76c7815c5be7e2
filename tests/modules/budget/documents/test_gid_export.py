"""The GID workbook read back with openpyxl: the line codes as the GID has them, amounts per line and totals
equal to the execution (engaged, ordered, paid; the régie's receipts on revenue lines)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from jamaa.modules.budget import exports, selectors, services

from ..factories import FUEL, OFFICE, ROADS, budget_with, line, ordonnateur, service_user

pytestmark = pytest.mark.django_db


def test_gid_export_codes_and_totals(fes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(
            service=service,
            ordo=ordo,
            year=2026,
            forecasts={OFFICE: "10000", FUEL: "5000", ROADS: "200000"},
            revenue={("10", "20", "11"): "80000"},
        )
        e = services.engagement_propose(
            actor=service, line_id=line(budget, OFFICE).pk, beneficiary="Librairie", subject="Papier", amount_dh="2500"
        )
        services.engagement_approve(actor=ordo, engagement_id=e.pk, on=dt.date(2026, 2, 1))
        liq = services.liquidation_record(
            actor=service,
            engagement_id=e.pk,
            amount_dh="2500",
            invoice_reference="F-77",
            service_done_on=dt.date(2026, 2, 3),
        )
        order = services.payment_order_issue(actor=ordo, liquidation_id=liq.pk, on=dt.date(2026, 2, 4))
        services.payment_record(
            actor=service, order_id=order.pk, paid_on=dt.date(2026, 2, 9), treasury_reference="TR-1"
        )
        e2 = services.engagement_propose(
            actor=service, line_id=line(budget, ROADS).pk, beneficiary="BTP", subject="Voirie", amount_dh="120000"
        )
        services.engagement_approve(actor=ordo, engagement_id=e2.pk, on=dt.date(2026, 3, 1))
        report = selectors.execution_report(viewer=ordo, budget_id=budget.pk)

    content = exports.gid_workbook(year=2026, revenue=report.revenue, spending=report.spending)
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Recettes", "Dépenses"]
    sheet = book["Dépenses"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(exports.GID_HEADERS)
    by_code = {(r[1], r[2], r[3], r[4]): r for r in rows[1:-1]}
    office = by_code[("1", "10", "20", "21")]
    assert office[5] == "2121" and office[6] == "Fournitures de bureau" and office[7] == "لوازم المكتب"
    assert [Decimal(str(v)) for v in office[8:15]] == [
        Decimal("10000"),
        Decimal("0"),
        Decimal("10000"),
        Decimal("2500"),
        Decimal("2500"),
        Decimal("2500"),
        Decimal("2500"),
    ]
    roads = by_code[("2", "30", "10", "11")]
    assert Decimal(str(roads[11])) == Decimal("120000") and Decimal(str(roads[14])) == 0
    total = rows[-1]
    assert total[0] == "TOTAL"
    assert Decimal(str(total[10])) == Decimal("215000")  # credits
    assert Decimal(str(total[11])) == Decimal("122500")  # engaged
    assert Decimal(str(total[14])) == Decimal("2500")  # paid
    # every line of the nomenclature is there, with its codes as text
    assert len(rows) - 2 == len(report.spending)
    assert all(isinstance(r[2], str) and isinstance(r[5], str) for r in rows[1:-1])
    revenue = list(book["Recettes"].iter_rows(values_only=True))
    tnb = next(r for r in revenue[1:-1] if (r[2], r[3], r[4]) == ("10", "20", "11"))
    assert Decimal(str(tnb[10])) == Decimal("80000")

    text = exports.execution_csv(year=2026, revenue=report.revenue, spending=report.spending)
    assert text.startswith("\ufeffSens;Exercice;Partie;Chapitre")
    assert "D;2026;1;10;20;21;2121;Fournitures de bureau;لوازم المكتب;10000.00;0.00;10000.00;2500.00" in text
