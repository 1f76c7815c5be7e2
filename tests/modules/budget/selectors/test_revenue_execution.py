"""Revenue execution comes live from the régie's receipts per budget line (less cancellations), with the restes à
recouvrer of its open ordres; matched by line code (10.20.31) or code économique (401); the open-data view
publishes the same figures once the budget is voted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.budget import selectors, services
from jamaa.modules.budget.models import RevenueFold, RevenueMark
from jamaa.modules.regie import services as regie_services
from tests.modules.regie.factories import installed

from ..factories import OFFICE, budget_with, ordonnateur, service_user

pytestmark = pytest.mark.django_db
D = dt.date


def _issue(ref, tax, base, on):
    return regie_services.quittance_issue(
        actor=ref["agent"],
        regie_id=ref["regie"].pk,
        exercice=on.year,
        redevable_id=ref["person"].pk,
        tax_id=ref["taxes"][tax].pk,
        base=Decimal(base),
        period="2026",
        payment_method="cash",
        on=on,
    )


def test_collected_per_line_live_from_the_regie(fes) -> None:
    with schema_context("fes"):
        ref = installed(passwords=False)
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(
            service=service,
            ordo=ordo,
            year=2026,
            forecasts={OFFICE: "1000"},
            revenue={("10", "10", "11"): "5000", ("10", "20", "31"): "90000"},
        )
        odp = _issue(ref, "ODP", "10", D(2026, 4, 7))
        legal = [_issue(ref, "LEGALISATION", "2", D(2026, 4, 6)), _issue(ref, "LEGALISATION", "1", D(2026, 5, 2))]
        _issue(ref, "LEGALISATION", "4", D(2025, 12, 31))  # another exercice
        request = regie_services.cancellation_request(quittance_id=legal[1].pk, requested_by=ref["agent"], reason="x")
        regie_services.cancellation_decide(request_id=request.pk, decided_by=ref["regisseur"], approve=True)

        report = selectors.execution_report(viewer=ordo, budget_id=budget.pk)
        rows = {r.code: r for r in report.revenue}
        # the terrace on 10.20.31 by its code; the légalisations on 10.10.11 by its code économique 401
        assert rows["10.20.31"].collected_dh == odp.amount_dh and rows["10.20.31"].receipts == 1
        assert rows["10.10.11"].collected_dh == legal[0].amount_dh and rows["10.10.11"].receipts == 2
        assert report.totals["revenue_collected"] == odp.amount_dh + legal[0].amount_dh

        published = {(r.direction, r.code): r for r in selectors.execution_open_data(year=2026)}
        assert published[("revenue", "10.20.31")].collected_dh == odp.amount_dh
        assert published[("spending", "10.20.21")].credit_dh == Decimal("1000.00")
        assert selectors.execution_open_data(year=2019) == []


def test_folded_totals_plus_what_is_newer_read_live(fes) -> None:
    with schema_context("fes"):
        ref = installed(passwords=False)
        service, ordo = service_user(), ordonnateur()
        budget = budget_with(service=service, ordo=ordo, year=2026, forecasts={OFFICE: "1000"})
        first = _issue(ref, "ODP", "10", D(2026, 4, 7))
        live = selectors.revenue_collected(year=2026)
        # when the receipts are folded (as if ten minutes had passed), the figures stay the same
        later = timezone.now() + services.SETTLE + dt.timedelta(seconds=1)
        assert services.revenue_fold(now=later, force=True)
        assert RevenueMark.objects.get(pk=1).quittance_id == first.pk
        assert selectors.revenue_collected(year=2026) == live
        # a quittance and a cancellation after the fold are read live on top of the folded totals
        second = _issue(ref, "ODP", "20", D(2026, 6, 1))
        request = regie_services.cancellation_request(quittance_id=first.pk, requested_by=ref["agent"], reason="x")
        regie_services.cancellation_decide(request_id=request.pk, decided_by=ref["regisseur"], approve=True)
        assert selectors.revenue_collected(year=2026)["10.20.31"] == (second.amount_dh, 2)
        # folded again: the same
        assert services.revenue_fold(now=later + services.SETTLE * 2, force=True)
        assert selectors.revenue_collected(year=2026)["10.20.31"] == (second.amount_dh, 2)
        assert RevenueFold.objects.get(year=2026, budget_line="10.20.31").cancelled_count == 1
        report = selectors.execution_report(viewer=ordo, budget_id=budget.pk)
        assert {r.code: r for r in report.revenue}["10.20.31"].collected_dh == second.amount_dh
