"""For the police administrative (modules/police): where its authorisations' ordres de recette stand."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..models import OrdreRecette


@dataclass(frozen=True)
class PoliceOrdreState:
    ordre_id: int
    status: str
    amount_dh: Decimal
    recovered_dh: Decimal


def police_ordre_states(*, ordre_ids: list[int]) -> dict[int, PoliceOrdreState]:
    """Where the ordres de recette of the police's authorisations stand (issued, taken in charge, recovered…),
    by id. No viewer: the police shows its holders' payments to its own staff."""
    return {
        o.pk: PoliceOrdreState(o.pk, o.status, o.amount_dh, o.recovered_dh)
        for o in OrdreRecette.objects.filter(pk__in=ordre_ids).only("status", "amount_dh", "recovered_dh")
    }
