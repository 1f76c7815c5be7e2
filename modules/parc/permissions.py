"""Who may do what in the parc automobile: pure predicates over the user's roles (read once per request by the
kernel), plus the DRF permissions. No writes.

- `parc_manager` (gestionnaire du parc): vehicles, drivers, assignments, documents, voucher books, mission orders,
  cancellations, the monthly report;
- `parc_garage` (garage or pump agent, on a phone): fills on vouchers, odometer readings, services and repairs.
Both read the vehicles and their logbooks.
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

MANAGER = "parc_manager"
GARAGE = "parc_garage"
ROLES = (MANAGER, GARAGE)


def is_manager(user: Any) -> bool:
    return roles.has_role(user, MANAGER)


def is_garage(user: Any) -> bool:
    """Records fills, readings and maintenance (a manager may too)."""
    return roles.has_role(user, MANAGER, GARAGE)


def is_agent(user: Any) -> bool:
    """Either role: may open the module."""
    return roles.has_role(user, MANAGER, GARAGE)


IsManager = roles.role_permission(MANAGER)
"""Early 403 in the API for anyone but a manager; services re-check."""
IsAgent = roles.role_permission(MANAGER, GARAGE)
"""Early 403 in the API for anyone without the module's roles."""
