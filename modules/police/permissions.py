"""Who may do what in the police administrative: pure predicates over the user's roles (read once per request by
the kernel), plus the DRF permissions. No writes.

- `police_agent` (the service's agents): register establishments and requests, run the inquiry, record the
  commission's avis, prepare decisions, read everything.
- `police_decider` (the president or his delegate): grants, refuses, suspends, withdraws, reinstates.
- `police_inspector` (inspectors in the street): record controls (PV, photos, GPS), propose sanctions.
"""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

AGENT = "police_agent"
DECIDER = "police_decider"
INSPECTOR = "police_inspector"
ROLES = (AGENT, DECIDER, INSPECTOR)


def is_agent(user: Any) -> bool:
    return roles.has_role(user, AGENT)


def is_decider(user: Any) -> bool:
    return roles.has_role(user, DECIDER)


def is_inspector(user: Any) -> bool:
    return roles.has_role(user, INSPECTOR)


def is_staff(user: Any) -> bool:
    """Any of the module's roles: may open the module and read its records."""
    return roles.has_role(user, *ROLES)


IsStaff = roles.role_permission(*ROLES)
"""Early 403 in the API for anyone without the module's roles; services re-check finer rules."""
IsAgent = roles.role_permission(AGENT)
IsDecider = roles.role_permission(DECIDER)
IsInspector = roles.role_permission(INSPECTOR)
