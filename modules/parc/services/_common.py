"""What the parc's services share: refusals from the database, roles, plates, the last odometer reading."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from .. import exceptions
from ..models import (
    OdometerReading,
    Vehicle,
)

T = TypeVar("T")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
EXPIRY_STAGES = (30, 7, 0)
"""Days before a document lapses when the beat announces it (0: it has lapsed)."""

# The letters of Moroccan plates, Latin → Arabic (the grey card prints both); J (ج) marks a commune's vehicles.
PLATE_LETTERS = {
    "A": "أ",
    "B": "ب",
    "D": "د",
    "E": "هـ",
    "H": "هـ",
    "W": "و",
    "T": "ط",
    "J": "ج",
    "M": "م",
    "G": "ج",
}


def _code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _fields_error(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _clean(obj: models.Model, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise exceptions.Invalid(extra=_fields_error(exc)) from None


def _guarded(call: Callable[[], T], refusal: Callable[[], Exception]) -> T:
    """Run an insert or update in a savepoint; a trigger's or a constraint's refusal becomes `refusal()` (the
    checks before it said why; this is the race the database settles)."""
    try:
        with transaction.atomic():
            return call()
    except IntegrityError:
        raise refusal() from None


def _require(predicate: Callable[[Any], bool], actor: Any) -> None:
    if not predicate(actor):
        raise exceptions.NotAllowed()


def _vehicle(vehicle_id: int, *, lock: bool = False) -> Vehicle:
    qs = Vehicle.objects.select_for_update() if lock else Vehicle.objects.all()
    vehicle = qs.filter(pk=vehicle_id).first()
    if vehicle is None:
        raise exceptions.VehicleNotFound()
    return vehicle


def plate_normalize(plate: str) -> str:
    """`12345 a 6`, `12345|A|6`, `12345-A-6` → `12345-A-6` (digits and letters separated by hyphens)."""
    parts = [p for p in re.split(r"[\s|/\-]+", plate.strip().upper()) if p]
    return "-".join(parts)


def plate_arabic(plate: str) -> str:
    """The Arabic form of a normalized Latin plate (`12345-A-6` → `12345-أ-6`); '' when a letter is unknown."""
    out = []
    for part in plate.split("-"):
        if part.isdigit():
            out.append(part)
        elif part in PLATE_LETTERS:
            out.append(PLATE_LETTERS[part])
        else:
            return ""
    return "-".join(out)


def last_odometer(*, vehicle_id: int) -> int | None:
    """The vehicle's highest reading (None before the first). Reads only."""
    value: int | None = OdometerReading.objects.filter(vehicle_id=vehicle_id).aggregate(m=models.Max("value"))["m"]
    return value
