"""What every endpoint of the régie's API shares: amounts, the caller, query and body parsing, the staff and
supervisor bases."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from jamaa.platform.inputs import query_params

from .. import exceptions, permissions, selectors


def money(**kwargs: Any) -> serializers.DecimalField:
    """An amount in dirhams (to the centime), rendered as a string."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _user(request: Request) -> Any:
    return request.user


def _regie_id(value: int | None) -> int:
    if value is not None:
        return selectors.regie_get(regie_id=value).pk
    regie = selectors.regie_default()
    if regie is None:
        raise exceptions.RegieNotFound()
    return regie.pk


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    return query_params(serializer_class, request.query_params)


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


class StaffApi(APIView):
    permission_classes = [IsAuthenticated, permissions.IsRegieStaff]


class MaySupervise(BasePermission):
    """What the screens keep for the régisseur answers 403 NOT_A_REGISSEUR before its query is read, as the page
    does; the rule is the selectors' (selectors.may_supervise), which the read re-checks."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not selectors.may_supervise(viewer=request.user):
            raise exceptions.NotARegisseur()
        return True


class SupervisorApi(StaffApi):
    permission_classes = [IsAuthenticated, permissions.IsRegieStaff, MaySupervise]
