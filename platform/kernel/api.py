"""Run a service from an API view and answer in the one API shape: no try/except in APIs.

    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        return api_call(lambda: services.thing_create(actor=request.user, **data), output=self.OutputSerializer,
                        status=201)

A DomainError (or Django ValidationError, ObjectDoesNotExist, PermissionDenied) becomes
`{"code", "message", "extra"}` with its status, the same body the project's EXCEPTION_HANDLER gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from rest_framework import serializers
from rest_framework.response import Response

from jamaa.platform.errors import DomainError, error_body

T = TypeVar("T")

_EXPECTED = (DomainError, ValidationError, ObjectDoesNotExist, PermissionDenied)


def error_response(exc: Exception) -> Response:
    """The API error shape for an exception."""
    body, status = error_body(exc)
    return Response(body, status=status)


def validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """An input serializer's validated data; invalid input raises DRF's ValidationError (400 INVALID)."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def api_call(
    call: Callable[[], T],
    *,
    output: type[serializers.BaseSerializer[Any]] | Callable[[T], Any] | None = None,
    status: int = 200,
    many: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The service's result through `output` (a serializer class or a function) with `status`, or the error
    shape when the service refuses. Anything unexpected propagates (500 through the exception handler)."""
    try:
        result = call()
    except _EXPECTED as exc:
        return error_response(exc)
    if output is None:
        data: Any = result
    elif isinstance(output, type) and issubclass(output, serializers.BaseSerializer):
        data = output(result, many=many).data
    else:
        data = output(result)  # type: ignore[call-arg]
    return Response(data, status=status, headers=dict(headers) if headers else None)
