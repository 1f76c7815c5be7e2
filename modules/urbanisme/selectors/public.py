"""For the portal: a dossier's status read by its number and the code of its récépissé (no personal data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..models import Dossier, PieceReceipt, Status
from ..rules import requirements_in_force


@dataclass(frozen=True)
class DossierPublicStatus:
    """What a petitioner (the portal) may read with the number and code of the récépissé: no personal data."""

    reference: str
    kind: str
    deposited_on: dt.date
    status: str
    missing_pieces: tuple[str, ...]
    due_on: dt.date | None
    decided_on: dt.date | None
    delivered_on: dt.date | None
    tax_dh: Decimal | None


def dossier_public_status(*, kind: str, number: int, year: int, code: str) -> DossierPublicStatus | None:
    """The status of a dossier for its petitioner, given its number and the code printed on the récépissé (both
    needed). None when no dossier matches."""
    d = Dossier.objects.filter(kind=kind, year=year, number=number, code=code.strip().upper()).first()
    if d is None:
        return None
    missing: tuple[str, ...] = ()
    if d.status == Status.INCOMPLETE:
        received = set(PieceReceipt.objects.filter(dossier=d).values_list("requirement__code", flat=True))
        missing = tuple(
            r.label_fr for r in requirements_in_force(kind=d.kind, on=d.deposited_on) if r.code not in received
        )
    return DossierPublicStatus(
        reference=d.reference,
        kind=d.kind,
        deposited_on=d.deposited_on,
        status=d.status,
        missing_pieces=missing,
        due_on=d.due_on,
        decided_on=d.decided_on,
        delivered_on=d.delivered_on,
        tax_dh=d.tax_dh,
    )
