"""Who may see what: the régie's visibility rules, applied by every read of the package."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import exceptions, permissions
from ..models import (
    OrdreStatus,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
OPEN_ORDRE = (OrdreStatus.ISSUED, OrdreStatus.TAKEN_IN_CHARGE)


# --- Who may see what -------------------------------------------------------------------------------------
# Decided here, once: every page, API route and document of the régie reads through the selectors below with
# `viewer=`, so the same resource answers the same everywhere. The régie's staff (agents, the régisseur and the
# suppléant) read redevables, liquidations and any quittance (a payer comes back for a copy); an agent reads
# only his own takings, day summaries and closes (another agent's close is "not found", as on the screens);
# what the screens keep for the régisseur — cancellations awaiting approval, ordres de recette, bordereaux, the
# état des restes, the journal, the receipts export, incidents and the audit list — is refused to anyone else.


def _require_staff(viewer: Any) -> None:
    if not permissions.is_staff_member(viewer):
        raise exceptions.NotACollector()


def _require_regisseur(viewer: Any) -> None:
    if not permissions.is_regisseur(viewer):
        raise exceptions.NotARegisseur()


def may_read(*, viewer: Any) -> bool:
    """Whether the viewer reads the régie at all (its staff)."""
    return permissions.is_staff_member(viewer)


def may_supervise(*, viewer: Any) -> bool:
    """Whether the viewer reads what is kept for the régisseur (the whole régie's takings, every close)."""
    return permissions.is_regisseur(viewer)


def takings_scope(*, viewer: Any, agent_id: int | None) -> int | None:
    """Whose takings the viewer reads when asking for `agent_id`: the régisseur anyone's (None: the whole
    régie's); an agent his own only (None means his own). Raises NotACollector, NotARegisseur (another's)."""
    _require_staff(viewer)
    if permissions.is_regisseur(viewer):
        return agent_id
    if agent_id is None or agent_id == viewer.pk:
        return int(viewer.pk)
    raise exceptions.NotARegisseur()


def may_request_cancellation(*, viewer: Any, quittance: Any) -> bool:
    """Whether the quittance's page offers the viewer to ask for its cancellation: an agent reads anyone's
    receipts (a payer comes back with a copy) but asks to cancel only his own; the régisseur any."""
    return permissions.is_regisseur(viewer) or quittance.agent_id == viewer.pk
