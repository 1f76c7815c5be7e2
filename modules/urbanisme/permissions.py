"""Who may do what in the urbanisme module: pure predicates over the user's roles (read once per request by the
kernel), plus the DRF permissions. No writes.

- `urbanisme_agent`: the desk and the instructors: deposit, instruct, consult, prepare and hold the commission's
  sittings, liquidate the tax, deliver, issue documents.
- `urbanisme_signatory`: the president or his delegate: signs the arrêtés (and reads everything the agents read).
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

AGENT = "urbanisme_agent"
SIGNATORY = "urbanisme_signatory"
ROLES = (AGENT, SIGNATORY)


def is_agent(user: Any) -> bool:
    return roles.has_role(user, AGENT)


def is_signatory(user: Any) -> bool:
    return roles.has_role(user, SIGNATORY)


def may_read(user: Any) -> bool:
    """Either role: may open the module and read its dossiers."""
    return roles.has_role(user, AGENT, SIGNATORY)


IsAgent = roles.role_permission(AGENT)
"""Early 403 in the API for anyone but an agent; services re-check."""
IsSignatory = roles.role_permission(SIGNATORY)
IsReader = roles.role_permission(AGENT, SIGNATORY)
"""Early 403 in the API for anyone without the module's roles."""
