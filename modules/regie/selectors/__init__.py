"""Reads of the régie: the stub book, a day's takings, pending cancellations, ordres, the état des restes à
recouvrer, the journal per budget line and the receipts export for the Treasury. No writes.

The package re-exports every public name of its parts, so `from . import selectors` and
`selectors.<name>` keep working."""

from __future__ import annotations

from .budget import (  # for the budget
    OrdresByBudgetLine,
    ReceiptsTotal,
    ordres_by_budget_line,
    receipts_settled_marks,
    receipts_since,
)
from .cancellations import cancellation_request_get, cancellation_requests_of, cancellations_pending
from .closes import (
    BudgetLineTotal,
    DaySummary,
    closing_agents,
    day_summary,
    incidents_list,
    quittances_for_day,
    versement_get,
    versement_incidents,
    versement_items,
    versements_list,
)
from .ordres import (
    ResteRow,
    RestesReport,
    authorisations_without_ordre,
    bordereau_get,
    bordereaux_list,
    ordre_get,
    ordres_list,
    restes_a_recouvrer,
)
from .police import PoliceOrdreState, police_ordre_states  # for the police administrative
from .quittances import (
    CounterPreview,
    SeriesReport,
    counter_payment_preview,
    liquidation_get,
    quittance_get,
    series_report,
)
from .reference import (
    TaxInForce,
    budget_lines,
    commune_users,
    regie_default,
    regie_get,
    staff_appointment_get,
    staff_appointments,
    staff_user_get,
    tariff_versions,
    tariffs_by_tax,
    tax_get,
    taxes_in_force,
    taxes_list,
    users_with_regie_roles,
)
from .reports import RECEIPTS_CSV_HEADER, Journal, journal, receipts_csv
from .support import support_quittances_issued  # for central support
from .taxpayers import (
    FUZZY_MIN,
    RedevableHistory,
    assets_of,
    redevable_get,
    redevable_history,
    redevable_ids_by_identifier,
    redevable_search,
)
from .urbanisme import liquidation_quittance  # for urbanisme
from .visibility import CENT, OPEN_ORDRE, ZERO, may_read, may_request_cancellation, may_supervise, takings_scope

__all__ = [
    "support_quittances_issued",
    "liquidation_quittance",
    "OrdresByBudgetLine",
    "ReceiptsTotal",
    "ordres_by_budget_line",
    "receipts_settled_marks",
    "receipts_since",
    "PoliceOrdreState",
    "police_ordre_states",
    "BudgetLineTotal",
    "CENT",
    "CounterPreview",
    "DaySummary",
    "FUZZY_MIN",
    "Journal",
    "OPEN_ORDRE",
    "RECEIPTS_CSV_HEADER",
    "RedevableHistory",
    "ResteRow",
    "RestesReport",
    "SeriesReport",
    "TaxInForce",
    "ZERO",
    "assets_of",
    "authorisations_without_ordre",
    "bordereau_get",
    "bordereaux_list",
    "budget_lines",
    "cancellation_request_get",
    "cancellation_requests_of",
    "cancellations_pending",
    "commune_users",
    "counter_payment_preview",
    "day_summary",
    "closing_agents",
    "may_request_cancellation",
    "incidents_list",
    "journal",
    "liquidation_get",
    "may_read",
    "may_supervise",
    "ordre_get",
    "ordres_list",
    "quittance_get",
    "quittances_for_day",
    "receipts_csv",
    "redevable_get",
    "redevable_history",
    "redevable_ids_by_identifier",
    "redevable_search",
    "regie_default",
    "regie_get",
    "restes_a_recouvrer",
    "series_report",
    "staff_appointment_get",
    "staff_appointments",
    "staff_user_get",
    "takings_scope",
    "tariff_versions",
    "tariffs_by_tax",
    "tax_get",
    "taxes_in_force",
    "taxes_list",
    "users_with_regie_roles",
    "versement_get",
    "versement_incidents",
    "versement_items",
    "versements_list",
]
