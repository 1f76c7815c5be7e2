"""Choices for the forms: the pieces required per kind, the delivered permits a later request may follow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import permissions, rules
from ..models import Dossier, Kind, Status
from ..rules import requirements_in_force


@dataclass(frozen=True)
class PieceChoice:
    kind: str
    code: str
    label_fr: str
    label_ar: str


def piece_choices(*, on: dt.date | None = None) -> list[PieceChoice]:
    """Every kind's required pieces in force on `on` (today), for the deposit form."""
    day = on or rules.today()
    return [
        PieceChoice(kind=k, code=r.code, label_fr=r.label_fr, label_ar=r.label_ar)
        for k in Kind.values
        for r in requirements_in_force(kind=k, on=day)
    ]


def delivered_permits(*, viewer: Any, limit: int = 200) -> list[tuple[int, str]]:
    """Delivered building permits an occupancy permit or a conformity certificate may follow (id, label)."""
    if not permissions.may_read(viewer):
        return []
    qs = Dossier.objects.filter(kind=Kind.CONSTRUIRE, status=Status.DELIVERED).order_by("-decided_on", "-id")
    return [(d.pk, f"{d.reference} — {d.petitioner_name}") for d in qs[:limit]]
