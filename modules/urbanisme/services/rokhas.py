"""Dossiers deposited on Rokhas taken in through the exchange format (docs/modules/urbanisme.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from jamaa.platform.core.services import audit_record

from .. import exceptions
from ..models import Dossier, Use
from .dossiers import DossierInput, ParcelInput, _clean, _require_agent, dossier_deposit

IMPORT_FORMAT = "jamaa-urbanisme/1"
IMPORT_MAX = 500


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the references given to the new dossiers, and each record left out with its reason."""

    imported: list[str]
    skipped: list[tuple[str, str]]


def dossiers_import(*, actor: Any, records: Sequence[dict[str, Any]]) -> ImportReport:
    """Take in dossiers deposited on Rokhas (the exchange format of docs/modules/urbanisme.md): each one not seen
    before (by `rokhas_reference`) is deposited here through dossier_deposit (numbered in this commune's series,
    registered in the bureau d'ordre), each in its own transaction; a refused record is reported, the others
    kept. Running the same file again imports nothing new. Raises NotAnAgent, DossierInvalid (too many records).
    Writes what dossier_deposit writes."""
    _require_agent(actor)
    if len(records) > IMPORT_MAX:
        raise exceptions.DossierInvalid(extra={"fields": {"dossiers": [f"At most {IMPORT_MAX} a call."]}})
    imported: list[str] = []
    skipped: list[tuple[str, str]] = []
    for index, r in enumerate(records):
        ref = _clean(str(r.get("rokhas_reference") or ""))[:40]
        if not ref:
            skipped.append((f"#{index}", "rokhas_reference required"))
            continue
        if Dossier.objects.filter(rokhas_reference=ref).exists():
            skipped.append((ref, "already imported"))
            continue
        try:
            parcels = tuple(
                ParcelInput(
                    title_number=str(p.get("title_number", "")),
                    address=str(p.get("address", "")),
                    latitude=Decimal(str(p.get("latitude", "x"))),
                    longitude=Decimal(str(p.get("longitude", "x"))),
                    area_m2=Decimal(str(p.get("area_m2", "x"))),
                )
                for p in r.get("parcels") or ()
            )
            deposited = r.get("deposited_on")
            data = DossierInput(
                kind=str(r.get("kind", "")),
                subject=str(r.get("subject", "")),
                petitioner_kind=str(r.get("petitioner_kind", "")),
                petitioner_name=str(r.get("petitioner_name", "")),
                petitioner_cin=str(r.get("petitioner_cin", "")),
                petitioner_rc=str(r.get("petitioner_rc", "")),
                petitioner_ice=str(r.get("petitioner_ice", "")),
                architect_name=str(r.get("architect_name", "")),
                use=str(r.get("use", Use.HOUSING)),
                built_area_m2=Decimal(str(r.get("built_area_m2", "0"))),
                floors=int(r.get("floors", 0)),
                housing_units=int(r.get("housing_units", 0)),
                parcels=parcels,
                pieces=tuple(str(c) for c in r.get("pieces") or ()),
                rokhas_reference=ref,
                deposited_on=dt.date.fromisoformat(str(deposited)) if deposited else None,
            )
        except (InvalidOperation, TypeError, ValueError, AttributeError):
            skipped.append((ref, "malformed record"))
            continue
        try:
            dossier = dossier_deposit(actor=actor, data=data)
        except exceptions.DossierInvalid as exc:
            skipped.append((ref, "invalid: " + ", ".join(sorted(exc.extra.get("fields", {})))))
            continue
        imported.append(dossier.reference)
    audit_record(actor=actor, action="urbanisme.import", data={"imported": len(imported), "skipped": len(skipped)})
    return ImportReport(imported=imported, skipped=skipped)
