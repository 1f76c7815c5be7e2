"""Roles: the user's groups read once per request, the view decorator and the DRF permission built on them.

A role is a group of the commune's schema (`etatcivil_agent`, `regie_regisseur`, …); modules name their roles,
the kernel only checks them. `administrators` is the commune's administrators' group (jamaa.platform.core).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Concatenate, ParamSpec

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from jamaa.platform.core.services import ADMINISTRATORS

_CACHE_ATTRIBUTE = "_jamaa_groups"

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]
Check = str | Callable[[Any], bool]
"""A group name, or a module's predicate over the user (e.g. `permissions.can_set_up`)."""


def user_groups(user: Any) -> frozenset[str]:
    """The user's group names, read once and kept on the user object (request.user lives for one request).
    Empty for anonymous and inactive users. Call `forget_groups` after changing a user's groups in-process."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return frozenset()
    cached: frozenset[str] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_groups(user: Any) -> None:
    """Drop the cached groups (after the user's groups changed in this request or test)."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def has_role(user: Any, *roles: str) -> bool:
    """True when the user is in one of these groups (a superuser is in none unless added)."""
    return bool(user_groups(user) & set(roles))


def is_administrator(user: Any) -> bool:
    """A superuser or a member of the commune's administrators (active)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(getattr(user, "is_superuser", False) or ADMINISTRATORS in user_groups(user))


def allowed(user: Any, checks: Iterable[Check], *, administrators: bool = False) -> bool:
    """One of the checks passes (a group the user is in, or a predicate true for the user), or, when
    `administrators`, the user administers the commune."""
    if administrators and is_administrator(user):
        return True
    groups = user_groups(user)
    return any(check in groups if isinstance(check, str) else check(user) for check in checks)


def role_required(*checks: Check, administrators: bool = False) -> Callable[[View[P]], View[P]]:
    """View decorator: anonymous → the login page; signed in without any of the roles → 403 (the styled page).

    @role_required(AGENT, OFFICER)                 # groups
    @role_required(permissions.can_set_up)         # a module's predicate
    @role_required(CHIEF, administrators=True)     # or the commune's administrators
    """

    def decorator(view: View[P]) -> View[P]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("login"))
            if not allowed(request.user, checks, administrators=administrators):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def role_permission(*checks: Check, administrators: bool = False) -> type[BasePermission]:
    """A DRF permission class for the same checks (an early 403; services re-check finer rules):

    permission_classes = [IsAuthenticated, role_permission(AGENT, REGISSEUR)]
    """

    class RolePermission(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            return allowed(request.user, checks, administrators=administrators)

    names = [c if isinstance(c, str) else getattr(c, "__name__", "check") for c in checks]
    RolePermission.__name__ = RolePermission.__qualname__ = "Role_" + "_".join(names or ["none"])
    return RolePermission
