"""Who may do what in Concours: pure predicates over the user's roles (read once per request by the kernel),
plus the DRF permission. No writes."""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

AGENT = "concours_agent"
ROLES = (AGENT,)


def is_agent(user: Any) -> bool:
    return roles.has_role(user, AGENT)


IsAgent = roles.role_permission(AGENT)
"""Early 403 in the API for anyone without the module's roles; services re-check."""
