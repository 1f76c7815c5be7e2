"""The budget's tables live in the commune's schema: the commune's backup carries the budget, its lines and their
running totals, the engagements and their chain; after a restore the execution reads the same, the numbering
continues without a gap, the credit guard and the other SQL guards still hold, and a payment order's QR still
verifies. pg_dump and psql are other sessions: committed data, a commune of this test's own, dropped at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.budget import exceptions, selectors, services
from jamaa.modules.budget.models import BudgetLine, Engagement
from jamaa.platform.kernel import verification
from jamaa.provisioning import services as provisioning
from jamaa.provisioning.backup import commune_backup, commune_restore, table_checksums
from jamaa.provisioning.models import CommuneBackup
from jamaa.tenants.models import Commune, CommuneStatus, Domain
from jamaa.tenants.routing import routing_table

from .factories import OFFICE, budget_with, line, ordonnateur, service_user

SLUG = "budbackup"


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{SLUG}" CASCADE')
        Domain.objects.filter(tenant__slug=SLUG).delete()
        Commune.objects.filter(slug=SLUG).delete()
        CommuneBackup.objects.filter(slug=SLUG).delete()
        routing_table.clear()


def test_budget_survives_backup_and_restore(committed: None, tmp_path: Path) -> None:
    # given a commune with an executing budget, an engagement paid and one approved
    provisioning.commune_create(slug=SLUG, name_fr="Backup", name_ar="نسخ", modules=["regie", "budget"])
    with schema_context(SLUG):
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(service=service, ordo=ordo, year=2026, forecasts={OFFICE: "10000"})
        office = line(budget, OFFICE)
        paid = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="A", subject="S", amount_dh="4000"
        )
        services.engagement_approve(actor=ordo, engagement_id=paid.pk, on=dt.date(2026, 2, 1))
        liq = services.liquidation_record(
            actor=service,
            engagement_id=paid.pk,
            amount_dh="4000",
            invoice_reference="F",
            service_done_on=dt.date(2026, 2, 2),
        )
        order = services.payment_order_issue(actor=ordo, liquidation_id=liq.pk, on=dt.date(2026, 2, 3))
        services.payment_record(actor=service, order_id=order.pk, paid_on=dt.date(2026, 2, 4), treasury_reference="T")
        other = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="B", subject="S", amount_dh="5000"
        )
        services.engagement_approve(actor=ordo, engagement_id=other.pk, on=dt.date(2026, 2, 5))
    provisioning.commune_status_set(slug=SLUG, status=CommuneStatus.ARCHIVED, reason="restore drill")
    before = table_checksums(SLUG)
    assert before["budget_engagement"]["rows"] == 2 and before["budget_payment"]["rows"] == 1
    archive = commune_backup(slug=SLUG, output=tmp_path / f"{SLUG}.tar.gz").path
    # when the commune is deleted and restored from its archive
    provisioning.commune_delete(slug=SLUG, reason="restore drill")
    commune_restore(path=archive)
    # then the tables are identical, and the execution reads the same
    assert table_checksums(SLUG) == before
    with schema_context(SLUG):
        row = BudgetLine.objects.get(pk=office.pk)
        assert (row.engaged_dh, row.paid_dh) == (Decimal("9000.00"), Decimal("4000.00"))
        assert verification.verify(kind="budget.order", code=order.code) is not None
        # the numbering continues, and the credit is still kept by the database: 1,000 left
        service, ordo = service_user("bud_t_service2"), ordonnateur("bud_t_ordo2")
        third = services.engagement_propose(
            actor=service, line_id=office.pk, beneficiary="C", subject="S", amount_dh="1500"
        )
        assert third.number == 3
        with pytest.raises(exceptions.CreditExceeded):
            services.engagement_approve(actor=ordo, engagement_id=third.pk, on=dt.date(2026, 3, 1))
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE budget_engagement SET status = 'approved', decided_by_id = %s, decided_on = '2026-03-01' "
                "WHERE id = %s",
                [ordo.pk, third.pk],
            )
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM budget_payment")
        assert Engagement.objects.get(pk=third.pk).status == "proposed"
        report = selectors.execution_report(viewer=ordo, budget_id=budget.pk)
        assert report.totals["spending_paid"] == Decimal("4000.00")
