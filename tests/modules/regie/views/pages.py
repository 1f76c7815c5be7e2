"""What the régie's page tests share (their fixtures are in conftest.py): signing in, reading a page, its queries,
a payment, the pages of each role."""

from __future__ import annotations

from decimal import Decimal
from html import unescape
from typing import Any

from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import services
from jamaa.modules.regie.models import (
    Quittance,
)

PASSWORD = "Pass-2026-word!"  # factories.user_with


def login(client: Client, host: str, username: str) -> Client:
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]
    return client


def html(response: Any) -> str:
    page = unescape(response.content.decode())
    assert "{#" not in page and "{%" not in page and "{{" not in page  # no template syntax leaks into pages
    return page


def page_queries(captured: CaptureQueriesContext) -> list[str]:
    """The page's own queries (not the routing's periodic generation check nor the schema switch)."""
    return [
        q["sql"].split(" WHERE ")[0]
        for q in captured.captured_queries
        if "tenants_routinggeneration" not in q["sql"] and not q["sql"].startswith("SET search_path")
    ]


def in_fes(fn: Any) -> Any:
    with schema_context("fes"):
        return fn()


def pay_legalisation(ref: dict[str, Any], agent: Any = None) -> Quittance:
    """A 40 DH légalisation paid today (the day the test runs, read when called)."""
    today = timezone.localdate()
    with schema_context("fes"):
        return services.quittance_issue(
            actor=agent or ref["agent"],
            data=services.QuittanceInput(
                regie_id=ref["regie"],
                exercice=today.year,
                redevable_id=ref["owner"],
                tax_id=ref["taxes"]["LEGALISATION"],
                base=Decimal("2"),
                period=str(today.year),
                payment_method="cash",
                on=today,
            ),
        )


STAFF_PAGES = ["/regie/", "/regie/redevables/", "/regie/quittances/", "/regie/close/", "/regie/versements/"]
REGISSEUR_PAGES = [
    "/regie/cancellations/",
    "/regie/ordres/",
    "/regie/bordereaux/",
    "/regie/restes/",
    "/regie/journal/",
    "/regie/export/",
    "/regie/incidents/",
    "/regie/audit/",
    "/regie/setup/",
]
