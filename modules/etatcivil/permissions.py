"""Who may do what in the civil registry: pure predicates over groups and delegations, plus DRF classes.

Groups in each commune's schema: `etatcivil_agent` (drafts acts), `etatcivil_officer` (signs, adds notes,
issues documents: only with a delegation for the bureau in force that day), `etatcivil_chief` (chef de
bureau: registers, delegations, statistics). The commune's administrators (group `administrators`) may do
what a chef de bureau does, so that a new commune can set its civil registry up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from jamaa.platform.core.services import ADMINISTRATORS

from .models import OfficerDelegation

AGENT, OFFICER, CHIEF = "etatcivil_agent", "etatcivil_officer", "etatcivil_chief"
ROLES = (AGENT, OFFICER, CHIEF)


def _groups(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached: set[str] | None = getattr(user, "_etatcivil_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._etatcivil_groups = cached
    return cached


def is_staff_member(user: Any) -> bool:
    return bool(_groups(user) & set(ROLES))


def can_draft(user: Any) -> bool:
    return is_staff_member(user)


def is_chief(user: Any) -> bool:
    """A chef de bureau, or one of the commune's administrators."""
    return bool(_groups(user) & {CHIEF, ADMINISTRATORS})


def is_officer(user: Any) -> bool:
    return OFFICER in _groups(user)


def delegated_bureau_ids(user: Any, on: dt.date) -> set[int]:
    """Bureaux for which the user holds a delegation in force on that day (and is in the officers' group)."""
    if not is_officer(user):
        return set()
    return set(
        OfficerDelegation.objects.filter(user_id=user.pk, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .values_list("bureau_id", flat=True)
    )


def can_sign(user: Any, bureau_id: int, on: dt.date) -> bool:
    return bureau_id in delegated_bureau_ids(user, on)


class IsCivilRegistryStaff(BasePermission):
    """Early 403 for anyone outside the civil-registry groups; services re-check finer rules."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_staff_member(request.user)
