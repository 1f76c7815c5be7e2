"""The Rokhas exchange: a year's dossiers exported as records, JSON or CSV (docs/modules/urbanisme.md)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from ..models import Decision, Dossier, Parcel
from .desk import _require_reader

EXPORT_FIELDS = (
    "reference",
    "rokhas_reference",
    "kind",
    "year",
    "number",
    "status",
    "subject",
    "petitioner_kind",
    "petitioner_name",
    "petitioner_cin",
    "petitioner_rc",
    "petitioner_ice",
    "architect_name",
    "use",
    "built_area_m2",
    "floors",
    "housing_units",
    "size",
    "deposited_on",
    "due_on",
    "decided_on",
    "delivered_on",
    "decision",
    "tax_dh",
    "tax_quittance",
    "parcels",
)


def _export_record(d: Dossier, parcels: list[Parcel], decision: str) -> dict[str, Any]:
    return {
        "reference": d.reference,
        "rokhas_reference": d.rokhas_reference,
        "kind": d.kind,
        "year": d.year,
        "number": d.number,
        "status": d.status,
        "subject": d.subject,
        "petitioner_kind": d.petitioner_kind,
        "petitioner_name": d.petitioner_name,
        "petitioner_cin": d.petitioner_cin,
        "petitioner_rc": d.petitioner_rc,
        "petitioner_ice": d.petitioner_ice,
        "architect_name": d.architect_name,
        "use": d.use,
        "built_area_m2": str(d.built_area_m2),
        "floors": d.floors,
        "housing_units": d.housing_units,
        "size": d.size,
        "deposited_on": d.deposited_on.isoformat(),
        "due_on": d.due_on.isoformat() if d.due_on else "",
        "decided_on": d.decided_on.isoformat() if d.decided_on else "",
        "delivered_on": d.delivered_on.isoformat() if d.delivered_on else "",
        "decision": decision,
        "tax_dh": "" if d.tax_dh is None else str(d.tax_dh),
        "tax_quittance": d.tax_quittance,
        "parcels": [
            {
                "title_number": p.title_number,
                "address": p.address,
                "latitude": str(p.latitude),
                "longitude": str(p.longitude),
                "area_m2": str(p.area_m2),
            }
            for p in parcels
        ],
    }


def export_records(*, viewer: Any, year: int) -> Iterator[dict[str, Any]]:
    """The year's dossiers in the exchange format (docs/modules/urbanisme.md, "Rokhas exchange")."""
    _require_reader(viewer)
    qs = Dossier.objects.filter(year=year).order_by("kind", "number").prefetch_related("parcels")
    decisions = dict(Decision.objects.filter(dossier__year=year).values_list("dossier_id", "year"))
    numbers = {
        k: f"AR-{y}/{n:05d}"
        for k, y, n in Decision.objects.filter(dossier__year=year).values_list("dossier_id", "year", "number")
    }
    del decisions
    for d in qs.iterator(chunk_size=500):
        yield _export_record(d, list(d.parcels.all()), numbers.get(d.pk, ""))


def export_json(*, viewer: Any, year: int) -> str:
    return json.dumps(
        {"format": "jamaa-urbanisme/1", "year": year, "dossiers": list(export_records(viewer=viewer, year=year))},
        ensure_ascii=False,
        indent=1,
    )


def export_csv(*, viewer: Any, year: int) -> str:
    """One line per dossier; parcels as `title|area|lat|lon` joined by `;`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_FIELDS)
    for r in export_records(viewer=viewer, year=year):
        parcels = ";".join(f"{p['title_number']}|{p['area_m2']}|{p['latitude']}|{p['longitude']}" for p in r["parcels"])
        writer.writerow([parcels if k == "parcels" else r[k] for k in EXPORT_FIELDS])
    return out.getvalue()
