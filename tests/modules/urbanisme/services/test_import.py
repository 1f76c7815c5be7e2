"""Dossiers deposited on Rokhas come in from the exchange format: each new one deposited here (numbered, in the
bureau d'ordre), one already imported or malformed reported and left out; the same file twice imports nothing new."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme import selectors, services

from ..factories import agent, deposit

pytestmark = pytest.mark.django_db


def test_an_export_imports_into_another_commune_once(fes, meknes) -> None:
    with schema_context("fes"):
        a = agent("urb_x1")
        d = deposit(a, rokhas_reference="RKH-2026-000123")
        (record,) = list(selectors.export_records(viewer=a, year=d.year))
    record["pieces"] = ["demande", "propriete", "situation", "topo", "archi", "contrat"]
    with schema_context("meknes"):
        b = agent("urb_x2")
        report = services.dossiers_import(actor=b, records=[record, {"rokhas_reference": "RKH-X", "parcels": "?"}, {}])
        assert report.imported == [f"PC-{d.year}/000001"]
        assert report.skipped == [("RKH-X", "malformed record"), ("#2", "rokhas_reference required")] or [
            s[0] for s in report.skipped
        ] == ["RKH-X", "#2"]
        (row,) = selectors.dossier_list(viewer=b)
        assert row.status == "deposited" and row.petitioner == "Fatima Zahra Alaoui"
        again = services.dossiers_import(actor=b, records=[record])
        assert again.imported == [] and again.skipped == [("RKH-2026-000123", "already imported")]
