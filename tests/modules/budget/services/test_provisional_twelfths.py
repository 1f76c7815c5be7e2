"""Without an approved budget, an operating line may be engaged up to one twelfth a month of the previous
exercice's credit; an investment line not at all; once the budget is approved, its own credit applies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.budget import exceptions, services
from jamaa.modules.budget.models import BudgetLine, Engagement

from ..factories import FUEL, OFFICE, ROADS, budget_with, line, ordonnateur, service_user

pytestmark = pytest.mark.django_db


def test_twelfths_of_last_year_until_the_budget_is_approved(fes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        # given: 2025 executed with 12,000 DH on office supplies and 50,000 on roads; 2026 only voted
        budget_with(
            service=service, ordo=ordo, year=2025, forecasts={OFFICE: "12000", ROADS: "50000"}, status="executing"
        )
        budget = budget_with(
            service=service, ordo=ordo, year=2026, forecasts={OFFICE: "30000", ROADS: "80000"}, status="voted"
        )
        office, roads = line(budget, OFFICE), line(budget, ROADS)
        march = dt.date(2026, 3, 15)
        assert services.line_ceiling(line_id=office.pk, on=march) == Decimal("3000.00")  # 12,000 × 3 / 12
        assert services.line_ceiling(line_id=roads.pk, on=march) == Decimal("0.00")

        first = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="Librairie", subject="Papier", amount_dh="2000"
        )
        second = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="Librairie", subject="Encre", amount_dh="1500"
        )
        works = services.engagement_propose(
            actor=service, line_id=roads.pk, beneficiary="BTP Sud", subject="Trottoirs", amount_dh="100"
        )

        # when / then: 2,000 fits in March's 3,000; 1,500 more does not (1,000 left); nothing on investment
        services.engagement_approve(actor=ordo, engagement_id=first.pk, on=march)
        with pytest.raises(exceptions.CreditExceeded) as refused:
            services.engagement_approve(actor=ordo, engagement_id=second.pk, on=march)
        assert refused.value.extra == {"line": "10.20.21", "available_dh": "1000.00", "asked_dh": "1500.00"}
        assert "1000.00 DH" in str(refused.value)  # the message says what is available
        with pytest.raises(exceptions.CreditExceeded):
            services.engagement_approve(actor=ordo, engagement_id=works.pk, on=march)
        assert Engagement.objects.get(pk=second.pk).status == "proposed"
        assert BudgetLine.objects.get(pk=office.pk).engaged_dh == Decimal("2000.00")

        # in May, five twelfths (5,000): the 1,500 now fits
        services.engagement_approve(actor=ordo, engagement_id=second.pk, on=dt.date(2026, 5, 2))
        assert BudgetLine.objects.get(pk=office.pk).engaged_dh == Decimal("3500.00")

        # once approved, the budget's own credits: 80,000 on roads
        services.budget_approve(
            actor=service, budget_id=budget.pk, approved_on=dt.date(2026, 5, 20), approval_reference="Visa 12"
        )
        services.engagement_approve(actor=ordo, engagement_id=works.pk, on=dt.date(2026, 5, 21))
        assert services.line_ceiling(line_id=office.pk, on=march) == Decimal("30000.00")


def test_no_previous_exercice_means_no_provisional_credit(fes) -> None:
    with schema_context("fes"):
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(service=service, ordo=ordo, year=2030, forecasts={FUEL: "9000"}, status="draft")
        fuel = line(budget, FUEL)
        assert services.line_ceiling(line_id=fuel.pk, on=dt.date(2030, 6, 1)) == Decimal("0.00")
        e = services.engagement_propose(
            actor=service, line_id=fuel.pk, beneficiary="Station", subject="Gasoil", amount_dh="10"
        )
        with pytest.raises(exceptions.CreditExceeded):
            services.engagement_approve(actor=ordo, engagement_id=e.pk, on=dt.date(2030, 6, 1))
