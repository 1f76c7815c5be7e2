"""Writes of the budget: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers (engagements, liquidations, payment orders, payments) come from the kernel's gapless counter, drawn in
the transaction that writes the record (keys `budget:<step>`, per exercice). The credit check is taken twice: here,
under the line's row lock, to refuse with the available amount; and in SQL (migration 0002), which no code path
can skip.

The package re-exports every public name of its parts, so `from . import services` and
`services.<name>` keep working."""

from __future__ import annotations

from .budgets import CENT, budget_approve, budget_close, budget_create, budget_execute, budget_vote, line_forecast_set
from .credits import credit_amend, credit_transfer
from .nomenclature import DEFAULT_NOMENCLATURE, REFERENCE_DIR, nomenclature_load, nomenclature_versions
from .revenue import FOLD_EVERY, SETTLE, revenue_fold
from .spending import (
    engagement_approve,
    engagement_propose,
    engagement_reject,
    line_ceiling,
    liquidation_record,
    payment_order_issue,
    payment_record,
)

__all__ = [
    "CENT",
    "budget_create",
    "line_forecast_set",
    "budget_vote",
    "budget_approve",
    "budget_execute",
    "budget_close",
    "credit_amend",
    "credit_transfer",
    "REFERENCE_DIR",
    "DEFAULT_NOMENCLATURE",
    "nomenclature_versions",
    "nomenclature_load",
    "SETTLE",
    "FOLD_EVERY",
    "revenue_fold",
    "engagement_propose",
    "line_ceiling",
    "engagement_approve",
    "engagement_reject",
    "liquidation_record",
    "payment_order_issue",
    "payment_record",
]
