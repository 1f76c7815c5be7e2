"""Server-rendered pages of the régie. Thin: parse a form, call one service or selector, redirect or render.

Who sees what is decided in selectors.py (`viewer=`), and the API and the documents ask the same selectors:
the régie's staff (agents and the régisseur/suppléant) take payments at the counter, liquidate declarations,
search redevables, ask for cancellations and close their own day; the régisseur approves cancellations, closes
anyone's day and the régie's, issues ordres de recette and bordereaux, and reads the journal, the état des restes,
the exports and the audit list. Setup is for the régisseur and the commune's administrators. Anyone else signed
in gets a 403, anonymous visitors the login page.

A service's refusal that a form can explain (a bad base, a closed day, an unknown debtor…) comes back on the form
with its message and what was typed; the others (403, 404) become error pages (DomainErrorMiddleware).

The package re-exports every public name of its parts, so `from . import views` and
`views.<name>` keep working."""

from __future__ import annotations

from .cancellations import cancellation_decide, cancellation_list, cancellation_request
from .closes import day_close, incident_list, versement_detail, versement_list, versement_reference
from .common import FIELD_ALIASES, P, T, View, regisseur_required, setup_required, staff_required, with_regie
from .liquidations import STEP_LABELS, liquidation_cancel, liquidation_create, liquidation_detail, liquidation_pay
from .ordres import (
    bordereau_create,
    bordereau_detail,
    bordereau_list,
    bordereau_take_in_charge,
    ordre_detail,
    ordre_issue,
    ordre_list,
    ordre_transition,
)
from .quittances import counter_pay, quittance_detail, quittance_list
from .reports import audit, dashboard, export, journal, restes
from .setup import (
    setup,
    setup_appoint,
    setup_budget_line,
    setup_install_defaults,
    setup_regie,
    setup_staff_end,
    setup_tariff,
    setup_tax,
)
from .taxpayers import asset_create, asset_deactivate, redevable_create, redevable_detail, redevable_search

__all__ = [
    "FIELD_ALIASES",
    "P",
    "STEP_LABELS",
    "T",
    "View",
    "asset_create",
    "asset_deactivate",
    "audit",
    "bordereau_create",
    "bordereau_detail",
    "bordereau_list",
    "bordereau_take_in_charge",
    "cancellation_decide",
    "cancellation_list",
    "cancellation_request",
    "counter_pay",
    "dashboard",
    "day_close",
    "export",
    "incident_list",
    "journal",
    "liquidation_cancel",
    "liquidation_create",
    "liquidation_detail",
    "liquidation_pay",
    "ordre_detail",
    "ordre_issue",
    "ordre_list",
    "ordre_transition",
    "quittance_detail",
    "quittance_list",
    "redevable_create",
    "redevable_detail",
    "redevable_search",
    "regisseur_required",
    "restes",
    "setup",
    "setup_appoint",
    "setup_budget_line",
    "setup_install_defaults",
    "setup_regie",
    "setup_required",
    "setup_staff_end",
    "setup_tariff",
    "setup_tax",
    "staff_required",
    "versement_detail",
    "versement_list",
    "versement_reference",
    "with_regie",
]
