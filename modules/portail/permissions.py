"""Who may do what on the portal's staff side: pure predicates over the user's roles (read once per request by the
kernel), plus the DRF permissions. Citizens are not users: their side is decided by the session's citizen id."""

from __future__ import annotations

from typing import Any

from jamaa.platform.kernel import roles

AGENT = "portail_agent"  # works the online requests (issuing a civil-registry document also needs a delegation)
EDITOR = "portail_editor"  # publishes news and council decisions, keeps the services' hours
ELECTED = "portail_elected"  # president and council members: the dashboard
ROLES = (AGENT, EDITOR, ELECTED)


def is_agent(user: Any) -> bool:
    return roles.has_role(user, AGENT)


def is_editor(user: Any) -> bool:
    return roles.has_role(user, EDITOR) or roles.is_administrator(user)


def is_elected(user: Any) -> bool:
    return roles.has_role(user, ELECTED) or roles.is_administrator(user)


IsAgent = roles.role_permission(AGENT)
"""Early 403 in the API for anyone without the agent role; services re-check."""
IsEditor = roles.role_permission(EDITOR, administrators=True)
IsElected = roles.role_permission(ELECTED, administrators=True)
