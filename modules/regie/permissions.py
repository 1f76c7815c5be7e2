"""Roles of the régie (groups in the commune's schema): agents issue quittances; the régisseur and the suppléant
approve cancellations."""

from __future__ import annotations

from typing import Any

AGENT, REGISSEUR = "regie_agent", "regie_regisseur"
ROLES = (AGENT, REGISSEUR)


def _groups(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.groups.values_list("name", flat=True))


def can_collect(user: Any) -> bool:
    return bool(_groups(user) & {AGENT, REGISSEUR})


def can_approve_cancellation(user: Any) -> bool:
    return REGISSEUR in _groups(user)
