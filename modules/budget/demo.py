"""The budget's demo: three accounts (the budget service, the ordonnateur, a council member) and this year's
budget, voted, approved and executing, with a few engagements along the chain. Idempotent; runs inside the
commune's schema, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from . import permissions, services
from .models import Budget, BudgetLine

STAFF = [
    ("bud_service", "Service du budget", "demo-bud_service-2026"),
    ("bud_ordonnateur", "Ordonnateur", "demo-bud_ordonnateur-2026"),
    ("bud_conseil", "Conseiller communal", "demo-bud_conseil-2026"),
]
ROLES = {
    "bud_service": permissions.SERVICE,
    "bud_ordonnateur": permissions.ORDONNATEUR,
    "bud_conseil": permissions.COUNCIL,
}
FORECASTS = {
    ("spending", "10", "10", "11"): "4200000",
    ("spending", "10", "10", "12"): "650000",
    ("spending", "10", "20", "21"): "120000",
    ("spending", "10", "20", "22"): "260000",
    ("spending", "10", "20", "23"): "180000",
    ("spending", "20", "10", "11"): "900000",
    ("spending", "20", "20", "11"): "1400000",
    ("spending", "30", "10", "11"): "2500000",
    ("spending", "30", "20", "11"): "1800000",
    ("revenue", "10", "10", "11"): "350000",
    ("revenue", "10", "10", "31"): "90000",
    ("revenue", "10", "20", "11"): "1200000",
    ("revenue", "10", "20", "12"): "800000",
    ("revenue", "10", "20", "21"): "150000",
    ("revenue", "10", "20", "22"): "60000",
    ("revenue", "10", "20", "23"): "70000",
    ("revenue", "10", "20", "31"): "240000",
    ("revenue", "20", "10", "11"): "9500000",
}


def seed() -> None:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    for username, role in ROLES.items():
        if username in users:
            users[username].groups.add(Group.objects.get_or_create(name=role)[0])
    service, ordo = users.get("bud_service"), users.get("bud_ordonnateur")
    if service is None or ordo is None:
        return
    service, ordo = get_user_model().objects.get(pk=service.pk), get_user_model().objects.get(pk=ordo.pk)
    year = timezone.localdate().year
    if Budget.objects.filter(year=year).exists():
        return
    budget = services.budget_create(actor=service, year=year)
    for (direction, chapter, article, line), amount in FORECASTS.items():
        row = BudgetLine.objects.get(budget=budget, direction=direction, chapter=chapter, article=article, line=line)
        services.line_forecast_set(actor=service, line_id=row.pk, forecast_dh=Decimal(amount))
    services.budget_vote(
        actor=service,
        budget_id=budget.pk,
        council_session="Session ordinaire d'octobre",
        voted_on=dt.date(year - 1, 10, 24),
        deliberation_number=f"{year}/12",
    )
    services.budget_approve(
        actor=service, budget_id=budget.pk, approved_on=dt.date(year - 1, 12, 18), approval_reference="Visa n° 4521"
    )
    services.budget_execute(actor=service, budget_id=budget.pk)
    office = BudgetLine.objects.get(budget=budget, direction="spending", chapter="10", article="20", line="21")
    fuel = BudgetLine.objects.get(budget=budget, direction="spending", chapter="10", article="20", line="22")
    today = timezone.localdate()
    paper = services.engagement_propose(
        actor=service,
        line_id=office.pk,
        beneficiary="Librairie Al Qalam",
        subject="Papier et fournitures",
        amount_dh="18500",
    )
    services.engagement_approve(actor=ordo, engagement_id=paper.pk, on=today)
    liquidation = services.liquidation_record(
        actor=service, engagement_id=paper.pk, amount_dh="18500", invoice_reference="F-2026-114", service_done_on=today
    )
    order = services.payment_order_issue(actor=ordo, liquidation_id=liquidation.pk, on=today)
    services.payment_record(actor=service, order_id=order.pk, paid_on=today, treasury_reference="TR-0001")
    gasoil = services.engagement_propose(
        actor=service, line_id=fuel.pk, beneficiary="Station Atlas", subject="Gasoil du parc", amount_dh="42000"
    )
    services.engagement_approve(actor=ordo, engagement_id=gasoil.pk, on=today)
    services.engagement_propose(
        actor=service, line_id=office.pk, beneficiary="Imprimerie du Saïs", subject="Registres", amount_dh="7600"
    )
