"""The published figures are a snapshot per commune (figures.py): what it serves equals what the modules' own
functions give, right after a new payment or a complaint's answer; one commune's figures (snapshot, page cache)
never reach another's visitors; the beat recomputes them; the tracking lookup reads one unique index."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules.portail import figures, selectors, services, tasks
from jamaa.modules.portail.models import Citizen, FiguresSnapshot
from jamaa.platform.kernel import portal as kernel_portal
from jamaa.tenants.models import Commune

from ..factories import user_with, visitor
from ..views.test_open_data import _regie_quittance

pytestmark = pytest.mark.django_db


def _enabled(slug: str) -> list[str]:
    return list(Commune.objects.get(slug=slug).enabled_modules)


def _live(code: str) -> list[dict]:
    ds = kernel_portal.dataset(code=code)
    assert ds is not None
    return kernel_portal.check_rows(ds, ds.rows())


def test_the_snapshot_equals_the_modules_figures_after_a_payment_and_an_answer(
    fes, django_capture_on_commit_callbacks
) -> None:
    enabled = _enabled("fes")
    with schema_context("fes"):
        before = selectors.dataset_tables(enabled=enabled)  # computed and kept
        assert FiguresSnapshot.objects.count() == len(before) >= 5
        with django_capture_on_commit_callbacks(execute=True):  # the commit moves the commune's figures version
            _regie_quittance()
            citizen = Citizen.objects.create(email="figures@example.ma", display_name="Figures")
            request = services.request_submit(
                citizen_id=citizen.pk,
                data=services.RequestInput(kind="portail.complaint", text="Lampadaire", cin="FG12345"),
                enabled=tuple(enabled),
            )
            agent = user_with("figures_agent", "portail_agent")
            services.request_status_change(actor=agent, request_id=request.pk, status="answered", note="Réparé.")
        for code in ("regie.revenue_per_tax_month", "portail.complaint_outcomes", "courrier.processing_delays",
                     "portail.requests_per_month", "regie.budget_execution"):  # fmt: skip
            table = selectors.dataset_table(code=code, enabled=enabled)
            assert table.fresh and table.rows == _live(code), code
        revenue = selectors.dataset_table(code="regie.revenue_per_tax_month", enabled=enabled).rows
        assert sum(r["amount_dh"] for r in revenue) > sum(
            r["amount_dh"] for t in before if t.dataset.code == "regie.revenue_per_tax_month" for r in t.rows
        )
        outcomes = selectors.dataset_table(code="portail.complaint_outcomes", enabled=enabled).rows
        answered = [r for r in outcomes if r["outcome"] == "answered"]
        assert answered and answered[-1]["complaints"] >= 1 and answered[-1]["median_days_to_answer"] == 0
        assert all(isinstance(r["amount_dh"], Decimal) for r in revenue)  # types survive the JSON snapshot


def test_a_stale_snapshot_being_recomputed_is_served_but_not_cached(fes, django_capture_on_commit_callbacks) -> None:
    enabled = _enabled("fes")
    with schema_context("fes"):
        selectors.dataset_tables(enabled=enabled)
        with django_capture_on_commit_callbacks(execute=True):
            _regie_quittance()
        from django.core.cache import cache

        lock = f"portail:figures:lock:{connection.schema_name}"
        cache.set(lock, 1, 30)  # another visitor is recomputing
        try:
            stale = selectors.dataset_table(code="regie.revenue_per_tax_month", enabled=enabled)
            assert not stale.fresh
            response = visitor(fes.host).get("/portail/data/regie.revenue_per_tax_month.csv?stale=1")
            assert response.status_code == 200 and response["Cache-Control"] == "no-store"
            assert "X-Portal-Cache" not in response
        finally:
            cache.delete(lock)
        assert selectors.dataset_table(code="regie.revenue_per_tax_month", enabled=enabled).fresh


def test_fes_figures_are_never_served_on_meknes(fes, meknes) -> None:
    with schema_context("fes"):
        _regie_quittance()
    fes_client, meknes_client = visitor(fes.host), visitor(meknes.host)
    path = "/portail/data/regie.revenue_per_tax_month.json"
    fes_body = fes_client.get(path)
    assert fes_client.get(path)["X-Portal-Cache"] == "hit"  # Fès's file is in the page cache
    meknes_body = meknes_client.get(path)
    assert fes_body.json()["rows"] and fes_body.json()["publisher"] != meknes_body.json()["publisher"]
    with schema_context("meknes"):
        assert meknes_body.json()["rows"] == [
            {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}
            for row in _live("regie.revenue_per_tax_month")
        ]
        meknes_snapshot = FiguresSnapshot.objects.get(code="regie.revenue_per_tax_month").rows
    with schema_context("fes"):
        assert FiguresSnapshot.objects.get(code="regie.revenue_per_tax_month").rows != meknes_snapshot
    for page in ("/portail/transparency/", "/portail/transparency/regie.revenue_per_tax_month/"):
        assert fes_client.get(page).content != meknes_client.get(page).content


def test_the_beat_recomputes_each_communes_figures(fes) -> None:
    with schema_context("fes"):
        connection.tenant = Commune.objects.get(slug="fes")  # as the tenant-aware worker sets it
        computed = tasks.figures_refresh()
        assert computed == len(kernel_portal.datasets(enabled=_enabled("fes"))) == FiguresSnapshot.objects.count()
        assert {s.version for s in FiguresSnapshot.objects.all()} == {figures.version()}


def test_the_tracking_lookup_reads_the_unique_index(fes) -> None:
    with schema_context("fes"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = %s",
            ["portail_request_mail_number"],
        )
        (indexdef,) = cursor.fetchone()
        assert "UNIQUE" in indexdef and "(mail_year, mail_number)" in indexdef
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table: ask which index the planner would use
        sql, params = selectors.tracking_query(year=2026, number=12, proof="AB123456")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "portail_request_mail_number" in plan, plan
