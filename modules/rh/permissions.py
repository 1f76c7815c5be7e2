"""Who may do what in human resources: pure predicates over the user's roles (read once per request by the
kernel), plus the DRF permissions. No writes.

- `rh_agent`: the HR service keeps agent files, issues arrêtés, decides leave requests, confirms holidays.
- Every signed-in user linked to an agent file sees their own leave and acts (self-service, `/rh/me/`).
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

AGENT = "rh_agent"
SELF_SERVICE = "rh_self_service"
"""Given by the service that links an account to its agent file (not by the Staff page): opens the module's card,
which leads such a user to their own file."""
ROLES = (AGENT,)


def is_agent(user: Any) -> bool:
    """A member of the HR service (the role's name is the scaffold's: an agent *of the HR service*)."""
    return roles.has_role(user, AGENT)


IsAgent = roles.role_permission(AGENT)
"""Early 403 in the API for anyone but the HR service; services re-check."""
