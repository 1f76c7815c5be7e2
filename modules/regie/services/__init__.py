"""Writes of the régie: reference data, liquidations, the numbered stub book, cancellations, ordres de recette
and bordereaux, and the day's close (versement).

A number is drawn under a row lock on its counter (a quittance series, or the kernel counter for ordres,
bordereaux and versements): many users at the same instant get consecutive numbers, never a gap or a duplicate.
A quittance is cancelled only by a counter-entry that a supervisor approves; nothing is edited or deleted. A
day's close takes an exclusive advisory lock on (régie, day) that every quittance issue takes in shared mode, so
no quittance can slip into a day while it is being closed.

The package re-exports every public name of its parts, so `from . import services` and
`services.<name>` keep working."""

from __future__ import annotations

from .. import exceptions, permissions  # reached as services.exceptions.X by callers
from .batches import BlockQuittance, quittances_issue_batch
from .cancellations import cancellation_decide, cancellation_request, quittance_cancel
from .closes import day_close, versement_set_treasury_reference
from .incidents import incident_record
from .liquidations import LiquidationInput, liquidation_cancel, liquidation_create, liquidation_pay
from .ordres import bordereau_create, bordereau_take_in_charge, ordre_issue, ordre_transition
from .payments import IDEMPOTENCY_KEY, CounterPaymentInput, Payment, counter_payment, liquidation_payment
from .police import (  # for the police administrative
    FINE_TAX,
    PoliceFineInput,
    PoliceOrdre,
    PoliceRevenueLine,
    PoliceRevenueLineInput,
    police_fine_ordre_issue,
    police_period_ordre_issue,
    police_revenue_line_close,
    police_revenue_line_open,
)
from .quittances import (
    AMOUNT_TOO_LARGE,
    CENT,
    MAX_BLOCK_SIZE,
    QuittanceInput,
    block_allocate,
    block_close,
    day_is_locked,
    quittance_issue,
    series_get_or_create,
    tariff_in_force,
)
from .reference import (
    BUDGET_LINE_CODE,
    DEFAULT_BUDGET_LINES,
    DEFAULT_TAXES,
    ROLE_GROUPS,
    TAX_CODE,
    budget_line_create,
    reference_install_defaults,
    regie_update,
    staff_appoint,
    staff_end,
    tariff_add,
    tax_create,
)
from .taxpayers import asset_create, asset_deactivate, redevable_create
from .urbanisme import TaxLiquidated, construction_tax_liquidate  # for urbanisme

__all__ = [
    "TaxLiquidated",
    "construction_tax_liquidate",
    "exceptions",
    "permissions",
    "AMOUNT_TOO_LARGE",
    "BUDGET_LINE_CODE",
    "BlockQuittance",
    "CENT",
    "DEFAULT_BUDGET_LINES",
    "DEFAULT_TAXES",
    "IDEMPOTENCY_KEY",
    "MAX_BLOCK_SIZE",
    "Payment",
    "ROLE_GROUPS",
    "TAX_CODE",
    "asset_create",
    "asset_deactivate",
    "block_allocate",
    "block_close",
    "bordereau_create",
    "bordereau_take_in_charge",
    "budget_line_create",
    "cancellation_decide",
    "cancellation_request",
    "counter_payment",
    "day_close",
    "day_is_locked",
    "incident_record",
    "liquidation_cancel",
    "liquidation_create",
    "liquidation_pay",
    "liquidation_payment",
    "ordre_issue",
    "ordre_transition",
    "quittance_cancel",
    "quittance_issue",
    "QuittanceInput",
    "PoliceRevenueLineInput",
    "LiquidationInput",
    "CounterPaymentInput",
    "quittances_issue_batch",
    "redevable_create",
    "reference_install_defaults",
    "regie_update",
    "series_get_or_create",
    "staff_appoint",
    "staff_end",
    "tariff_add",
    "tariff_in_force",
    "tax_create",
    "versement_set_treasury_reference",
    "FINE_TAX",
    "PoliceFineInput",
    "police_fine_ordre_issue",
    "PoliceOrdre",
    "PoliceRevenueLine",
    "police_period_ordre_issue",
    "police_revenue_line_close",
    "police_revenue_line_open",
]
