"""Régie des recettes: the régie, taxes and versioned tariffs, redevables, and the numbered stub book.

A quittance is never updated or deleted (database triggers, migration 0002): a cancellation is a counter-entry
with its reason, who asked, and a supervisor's approval; the cancelled number stays in the register. Numbers
run without gaps per (régie, exercice, series).

The package re-exports every public name of its parts, so `from . import models` and
`models.<name>` keep working."""

from __future__ import annotations

from .cancellations import CancellationRequest, CancellationStatus, QuittanceCancellation
from .closes import Incident, IncidentKind, Versement, VersementItem, VersementLevel
from .liquidations import Liquidation, LiquidationStatus
from .ordres import (
    ORDRE_TRANSITIONS,
    Bordereau,
    BordereauStatus,
    CounterKind,
    OrdreKind,
    OrdreRecette,
    OrdreRecetteEvent,
    OrdreRecetteLine,
    OrdreStatus,
)
from .payments import PaymentKey
from .quittances import PaymentMethod, Quittance, QuittanceBlock, QuittanceSeries
from .reference import BaseKind, BudgetLine, Regie, RegieStaff, StaffRole, Tariff, Tax
from .taxpayers import Asset, AssetKind, Redevable

__all__ = [
    "Asset",
    "AssetKind",
    "BaseKind",
    "Bordereau",
    "BordereauStatus",
    "BudgetLine",
    "CancellationRequest",
    "CancellationStatus",
    "CounterKind",
    "Incident",
    "IncidentKind",
    "Liquidation",
    "LiquidationStatus",
    "ORDRE_TRANSITIONS",
    "OrdreKind",
    "OrdreRecette",
    "OrdreRecetteEvent",
    "OrdreRecetteLine",
    "OrdreStatus",
    "PaymentKey",
    "PaymentMethod",
    "Quittance",
    "QuittanceBlock",
    "QuittanceCancellation",
    "QuittanceSeries",
    "Redevable",
    "Regie",
    "RegieStaff",
    "StaffRole",
    "Tariff",
    "Tax",
    "Versement",
    "VersementItem",
    "VersementLevel",
]
