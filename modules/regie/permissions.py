"""Roles of the régie (groups in the commune's schema): agents issue quittances and close their own day; the
régisseur and the suppléant (group `regie_regisseur`) approve cancellations, issue ordres de recette and
bordereaux, close the régie's day and pay it to the trésorier. Pure predicates plus DRF permission classes."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from jamaa.platform.core import services as core_services

AGENT, REGISSEUR = "regie_agent", "regie_regisseur"
ROLES = (AGENT, REGISSEUR)


def _groups(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(user.groups.values_list("name", flat=True))


def is_staff_member(user: Any) -> bool:
    return bool(_groups(user) & set(ROLES))


def can_collect(user: Any) -> bool:
    return bool(_groups(user) & {AGENT, REGISSEUR})


def is_regisseur(user: Any) -> bool:
    return REGISSEUR in _groups(user)


def can_approve_cancellation(user: Any) -> bool:
    return is_regisseur(user)


def can_issue_ordres(user: Any) -> bool:
    return is_regisseur(user)


def can_close_day(user: Any, agent_id: int | None) -> bool:
    """An agent closes his own day; the régisseur closes anyone's and the régie's."""
    if is_regisseur(user):
        return True
    return agent_id is not None and agent_id == getattr(user, "pk", None) and can_collect(user)


def can_set_up(user: Any) -> bool:
    """The régie's reference (arrêté, budget lines, appointments, taxes and tariffs) is kept by the régisseur or
    the suppléant, or by the commune's administrators (who set the régie up before anyone is appointed)."""
    return is_regisseur(user) or core_services.is_administrator(user)


class IsRegieStaff(BasePermission):
    """Early 403 for anyone outside the régie's groups; services re-check finer rules."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff_member(request.user)


class IsRegisseur(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return is_regisseur(request.user)


class MaySeeReference(BasePermission):
    """The reference is read by the régie's staff and by those who keep it (services check the writes)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff_member(request.user) or can_set_up(request.user)
