"""Who uses the collectors' app: the régie's collecting agents (and its régisseurs, who may collect too);
régisseurs supervise every device. The group names are the régie's roles (registered by the régie module)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

AGENT, REGISSEUR = "regie_agent", "regie_regisseur"


def _groups(user: Any) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    cached: set[str] | None = getattr(user, "_collecte_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._collecte_groups = cached
    return cached


def can_collect(user: Any) -> bool:
    return bool(_groups(user) & {AGENT, REGISSEUR})


def is_supervisor(user: Any) -> bool:
    return REGISSEUR in _groups(user)


class IsCollector(BasePermission):
    """Early 403 for anyone outside the régie's staff; the services re-check."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return can_collect(request.user)


class IsDevice(BasePermission):
    """Only over a registered device's channel (`Authorization: Device <token>`): block keys and uploads."""

    message = "This endpoint is for registered devices (Authorization: Device <token>)."

    def has_permission(self, request: Request, view: Any) -> bool:
        from .models import DeviceToken

        return isinstance(request.auth, DeviceToken) and can_collect(request.user)
