"""For urbanisme (modules/urbanisme): whether a permit's tax is paid."""

from __future__ import annotations

from ..models import Quittance


def liquidation_quittance(*, liquidation_id: int) -> str | None:
    """The printed number of the quittance paying a liquidation ("2026/A/000012"), None while unpaid or when its
    quittance was cancelled."""
    quittance = (
        Quittance.objects.select_related("series")
        .filter(liquidation_id=liquidation_id, cancellation__isnull=True)
        .first()
    )
    if quittance is None:
        return None
    return f"{quittance.series.exercice}/{quittance.series.series}/{quittance.number:06d}"
