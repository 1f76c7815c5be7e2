"""The module's rules that both services and selectors read: the size of a project and its legal delay, the
clock (today, the due day, days used with the stops left out), the pieces in force for a kind on a day. Reads only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from .models import LIGHT, Dossier, Kind, PieceReceipt, PieceRequirement, Size

# A small project (decree 2-13-424's "petits projets"): at most R+2 (3 levels), 500 m² built, 4 dwellings.
SMALL_MAX_AREA = Decimal("500")
SMALL_MAX_FLOORS = 3
SMALL_MAX_UNITS = 4


def today() -> dt.date:
    """The commune's today, the day every date of the workflow is counted from (one place, so a test can set it)."""
    return timezone.localdate()


def project_size(*, kind: str, built_area_m2: Decimal, floors: int, housing_units: int) -> str:
    """Small or large, as the delay counts it: subdivisions, housing groups and land divisions are large; light
    works are small; a building is small up to R+2, 500 m² and 4 dwellings."""
    if kind in (Kind.LOTIR, Kind.GROUPE, Kind.MORCELLEMENT):
        return Size.LARGE
    if kind in LIGHT:
        return Size.SMALL
    small = built_area_m2 <= SMALL_MAX_AREA and floors <= SMALL_MAX_FLOORS and housing_units <= SMALL_MAX_UNITS
    return Size.SMALL if small else Size.LARGE


def due_date(*, deposited_on: dt.date, delay_days: int, stopped_days: int) -> dt.date:
    """The day the answer is due: the deposit, plus the legal delay, plus the days the clock stood still."""
    return deposited_on + dt.timedelta(days=delay_days + stopped_days)


def elapsed_days(*, dossier: Dossier, on: dt.date) -> int:
    """Days of the legal delay used on `on` (or on the decision day once decided), the stopped days left out."""
    end = dossier.decided_on or on
    stopped = dossier.stopped_days
    if dossier.clock_stopped_on is not None:
        stopped += max(0, (end - dossier.clock_stopped_on).days)
    return max(0, (end - dossier.deposited_on).days - stopped)


def requirements_in_force(*, kind: str, on: dt.date) -> list[PieceRequirement]:
    """The pieces a dossier of `kind` needs on `on` (the version in force that day), in order."""
    rows = PieceRequirement.objects.filter(kind=kind, effective_from__lte=on).exclude(effective_until__lte=on)
    latest: dict[str, PieceRequirement] = {}
    for r in rows.order_by("effective_from"):
        latest[r.code] = r
    return sorted(latest.values(), key=lambda r: (r.position, r.pk))


def missing_pieces(*, dossier: Dossier) -> list[PieceRequirement]:
    """The required pieces (in force on the deposit day) not received yet."""
    received = set(PieceReceipt.objects.filter(dossier=dossier).values_list("requirement__code", flat=True))
    return [r for r in requirements_in_force(kind=dossier.kind, on=dossier.deposited_on) if r.code not in received]
