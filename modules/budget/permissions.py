"""Who may do what in the budget: pure predicates over the user's roles (read once per request by the kernel),
plus the DRF permissions. No writes.

- `budget_service`: the budget service prepares the budget (lines, forecasts), records the council's vote and the
  authority's approval, proposes engagements, records liquidations and the Treasury's payments.
- `budget_ordonnateur`: the commune's president or his delegate approves or rejects engagements, issues payment
  orders, decides amending budgets and transfers of credits.
- `budget_council`: a council member reads the budget and its execution (no writes).
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

SERVICE = "budget_service"
ORDONNATEUR = "budget_ordonnateur"
COUNCIL = "budget_council"
ROLES = (SERVICE, ORDONNATEUR, COUNCIL)


def is_service(user: Any) -> bool:
    return roles.has_role(user, SERVICE)


def is_ordonnateur(user: Any) -> bool:
    return roles.has_role(user, ORDONNATEUR)


def is_staff(user: Any) -> bool:
    """The service or the ordonnateur: may write something in the module."""
    return roles.has_role(user, SERVICE, ORDONNATEUR)


def may_read(user: Any) -> bool:
    """Any of the three roles: may open the module and read the budget and its execution."""
    return roles.has_role(user, SERVICE, ORDONNATEUR, COUNCIL)


IsService = roles.role_permission(SERVICE)
IsOrdonnateur = roles.role_permission(ORDONNATEUR)
IsStaff = roles.role_permission(SERVICE, ORDONNATEUR)
IsReader = roles.role_permission(SERVICE, ORDONNATEUR, COUNCIL)
"""Early 403 in the API; services and selectors re-check."""
