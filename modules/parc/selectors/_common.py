"""What the parc's selectors share: visibility, the reader's language, rounding, the reference lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import get_language_bidi

from .. import exceptions, permissions
from ..models import (
    ConsumptionThreshold,
    Driver,
    Service,
)

MAX_KM_PER_DAY = 1000
"""A reading further than this per day since the previous one is an impossible distance."""
EXPIRY_WINDOW_DAYS = 30


def _visible(viewer: Any) -> None:
    if not permissions.is_agent(viewer):
        raise exceptions.VehicleNotFound()


def _ar(fr: str, ar: str) -> str:
    return ar if get_language_bidi() and ar else fr


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- reference lists ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


def services_list(*, viewer: Any) -> list[Choice]:
    if not permissions.is_agent(viewer):
        return []
    return [Choice(s.pk, _ar(s.name_fr, s.name_ar)) for s in Service.objects.all()]


def drivers_list(*, viewer: Any) -> list[Choice]:
    if not permissions.is_agent(viewer):
        return []
    return [Choice(d.pk, _ar(d.name, d.name_ar)) for d in Driver.objects.all()]


def thresholds(*, viewer: Any) -> dict[str, Decimal]:
    """Litres per 100 km beyond which a fill is flagged, per kind."""
    if not permissions.is_agent(viewer):
        return {}
    return dict(ConsumptionThreshold.objects.values_list("kind", "max_l_per_100km"))
