"""Who may do what in the recruitment exams: pure predicates over the user's roles, plus the DRF permission.

- `concours_manager`: the HR service's exam unit runs every stage (announce, register, screen, convene, enter
  marks, publish); appointing a laureate also needs RH's role (`rh_agent`): RH opens the agent file.
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

MANAGER = "concours_manager"
ROLES = (MANAGER,)


def is_manager(user: Any) -> bool:
    return roles.has_role(user, MANAGER)


IsManager = roles.role_permission(MANAGER)
"""Early 403 in the API for anyone without the module's role; services re-check."""
