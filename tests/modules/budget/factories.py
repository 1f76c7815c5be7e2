"""Users with the budget's roles and budgets built through the services (factories for this module only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from jamaa.modules.budget import permissions, services
from jamaa.modules.budget.models import Budget, BudgetLine

PASSWORD = "Pass-2026-word!"

OFFICE = ("10", "20", "21")  # spending, fonctionnement: fournitures de bureau
FUEL = ("10", "20", "22")
ROADS = ("30", "10", "11")  # spending, équipement


def user_with(username: str, *groups: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=user.pk)


def service_user(username: str = "bud_t_service") -> Any:
    return user_with(username, permissions.SERVICE)


def ordonnateur(username: str = "bud_t_ordo") -> Any:
    return user_with(username, permissions.ORDONNATEUR)


def signed_in(host: str, user: Any) -> Client:
    """A client signed in on the commune's site, as the user would be (through the login page)."""
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def line(budget: Budget, code: tuple[str, str, str], direction: str = "spending") -> BudgetLine:
    return BudgetLine.objects.get(budget=budget, direction=direction, chapter=code[0], article=code[1], line=code[2])


def budget_with(
    *,
    service: Any,
    ordo: Any,
    year: int,
    forecasts: dict[tuple[str, str, str], str],
    revenue: dict[tuple[str, str, str], str] | None = None,
    status: str = "executing",
) -> Budget:
    """A budget of the year with these forecasts, moved up to `status` through the services."""
    budget = services.budget_create(actor=service, year=year)
    for code, amount in forecasts.items():
        services.line_forecast_set(actor=service, line_id=line(budget, code).pk, forecast_dh=Decimal(amount))
    for code, amount in (revenue or {}).items():
        services.line_forecast_set(actor=service, line_id=line(budget, code, "revenue").pk, forecast_dh=Decimal(amount))
    steps = ["voted", "approved", "executing"]
    for step in steps[: steps.index(status) + 1] if status in steps else []:
        if step == "voted":
            services.budget_vote(
                actor=service,
                budget_id=budget.pk,
                council_session="Session ordinaire d'octobre",
                voted_on=dt.date(year - 1, 10, 20),
                deliberation_number=f"D-{year}/01",
            )
        elif step == "approved":
            services.budget_approve(
                actor=service, budget_id=budget.pk, approved_on=dt.date(year - 1, 12, 15), approval_reference="Visa 77"
            )
        else:
            services.budget_execute(actor=service, budget_id=budget.pk)
    budget.refresh_from_db()
    return budget
