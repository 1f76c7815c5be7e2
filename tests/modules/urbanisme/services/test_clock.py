"""The legal delay on worked examples: 10 days for a small project, 25 for a large one (decree 2-13-424),
counted from the deposit, the clock stopped while the dossier is incomplete and over at the signed decision."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme import rules, selectors, services

from ..factories import agent, deposit, signatory

pytestmark = pytest.mark.django_db
MARCH_2 = dt.date(2026, 3, 2)


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    monkeypatch.setattr(rules, "today", lambda: day)


def test_the_size_of_a_project() -> None:
    assert rules.project_size(kind="construire", built_area_m2=Decimal("180"), floors=2, housing_units=1) == "small"
    assert rules.project_size(kind="construire", built_area_m2=Decimal("501"), floors=2, housing_units=1) == "large"
    assert rules.project_size(kind="construire", built_area_m2=Decimal("300"), floors=4, housing_units=1) == "large"
    assert rules.project_size(kind="lotir", built_area_m2=Decimal("0"), floors=0, housing_units=0) == "large"
    assert rules.project_size(kind="refection", built_area_m2=Decimal("9000"), floors=9, housing_units=9) == "small"


def test_small_project_incomplete_for_seven_days(fes, monkeypatch: pytest.MonkeyPatch) -> None:
    with schema_context("fes"):
        a, s = agent(), signatory()
        # Deposited on 2 March without the contract: due 12 March, but the clock stops at once.
        _on(monkeypatch, MARCH_2)
        d = deposit(a, pieces=("demande", "propriete", "situation", "topo", "archi"), deposited_on=MARCH_2)
        d.refresh_from_db()
        assert (d.delay_days, d.due_on, d.clock_stopped_on) == (10, None, MARCH_2)
        # 9 March, the contract comes in: 7 days stopped, due 12 + 7 = 19 March; nothing used yet.
        _on(monkeypatch, dt.date(2026, 3, 9))
        services.pieces_receive(actor=a, dossier_id=d.pk, codes=["contrat"])
        d.refresh_from_db()
        assert (d.stopped_days, d.due_on) == (7, dt.date(2026, 3, 19))
        assert rules.elapsed_days(dossier=d, on=dt.date(2026, 3, 9)) == 0
        # 15 March: 6 days used, 4 left, not late.
        _on(monkeypatch, dt.date(2026, 3, 15))
        row = selectors.dossier_get(viewer=a, dossier_id=d.pk)
        assert (row.elapsed_days, row.row.days_left, row.row.late) == (6, 4, False)
        # 20 March: 11 days used, one past: late, on the dashboard.
        _on(monkeypatch, dt.date(2026, 3, 20))
        row = selectors.dossier_get(viewer=a, dossier_id=d.pk)
        assert (row.elapsed_days, row.row.days_left, row.row.late) == (11, -1, True)
        board = selectors.late_dashboard(viewer=a)
        assert [r.reference for r in board.late] == [d.reference] and board.late[0].days_left == -1
        assert (board.open_count, board.late_count, board.stopped_count, board.by_instructor) == (1, 1, 0, [("", 1)])
        # Found incomplete again on the 20th, completed on the 23rd: 3 more days stopped, due 22 March.
        services.dossier_instruct(actor=a, dossier_id=d.pk)
        services.dossier_incomplete(actor=a, dossier_id=d.pk, note="Plan de façade illisible")
        board = selectors.late_dashboard(viewer=a)
        assert (board.late, board.open_count, board.stopped_count) == ([], 0, 1)
        _on(monkeypatch, dt.date(2026, 3, 23))
        services.dossier_complete(actor=a, dossier_id=d.pk)
        d.refresh_from_db()
        assert (d.stopped_days, d.due_on) == (10, dt.date(2026, 3, 22))
        # The commission's avis and the arrêté on the 23rd: 11 days used, and the count stops there.
        sitting = services.sitting_create(actor=a, day=dt.date(2026, 3, 23))
        item = services.sitting_add(actor=a, sitting_id=sitting.pk, dossier_id=d.pk)
        services.sitting_avis(actor=a, item_id=item.pk, avis="favourable")
        services.decision_sign(actor=s, dossier_id=d.pk, signatory="Le Président")
        d.refresh_from_db()
        assert rules.elapsed_days(dossier=d, on=dt.date(2026, 4, 30)) == 11


def test_large_project_twenty_five_days(fes, monkeypatch: pytest.MonkeyPatch) -> None:
    with schema_context("fes"):
        a = agent()
        _on(monkeypatch, MARCH_2)
        d = deposit(
            a,
            kind="lotir",
            pieces=("demande", "propriete", "situation", "topo", "lotissement", "cahier", "vrd"),
            deposited_on=MARCH_2,
        )
        d.refresh_from_db()
        assert (d.size, d.delay_days, d.status, d.due_on) == ("large", 25, "deposited", dt.date(2026, 3, 27))
