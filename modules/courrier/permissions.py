"""Who may do what in the bureau d'ordre: pure predicates over the user's roles (read once per request by the
kernel), plus the DRF permissions. No writes.

- `courrier_clerk`: the bureau d'ordre's clerks register, qualify, route and reassign every letter.
- `courrier_service`: a service's users work on the letters routed (or copied) to the services they belong to.
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

CLERK = "courrier_clerk"
SERVICE = "courrier_service"
ROLES = (CLERK, SERVICE)


def is_clerk(user: Any) -> bool:
    return roles.has_role(user, CLERK)


def is_service_user(user: Any) -> bool:
    return roles.has_role(user, SERVICE)


def is_agent(user: Any) -> bool:
    """Either role: may open the module."""
    return roles.has_role(user, CLERK, SERVICE)


IsClerk = roles.role_permission(CLERK)
"""Early 403 in the API for anyone but a clerk; services re-check."""
IsAgent = roles.role_permission(CLERK, SERVICE)
"""Early 403 in the API for anyone without the module's roles; selectors decide visibility."""
