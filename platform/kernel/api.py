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
from typing import Any, ClassVar, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

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


# --- one operation as a class: input serializer → the service → output serializer ---


class ServiceApi(APIView):
    # One API operation (`<Entity><Verb>Api`): the body read through `InputSerializer`, `perform` runs one
    # service (or selector), its result goes out through `output` with `success_status`; a refusal is the error shape
    # (`api_call`). The operation is documented from the same declarations (request and response schemas):
    #
    #     class VehicleStateApi(ServiceApi):
    #         permission_classes = [IsAuthenticated, permissions.IsManager]
    #         output = VehicleDetailSerializer
    #
    #         class InputSerializer(serializers.Serializer):
    #             reason = serializers.CharField(max_length=300)
    #
    #         def perform(self, request: Request, data: dict[str, Any], vehicle_id: int) -> VehicleDetail:
    #             services.vehicle_state_change(actor=request.user, vehicle_id=vehicle_id, **data)
    #             return selectors.vehicle_get(viewer=request.user, vehicle_id=vehicle_id)
    #
    # `method` is "post" (default) or "get" (a read: no body, `data` is empty). `many` for a list. `schema_extra`
    # adds to the operation's documentation (`summary`, `parameters`, …). Routes keep their URL keywords: they reach
    # `perform` as keyword arguments.
    #
    # (A comment, not a docstring: drf-spectacular would give a docstring to every operation built on it.)

    InputSerializer: ClassVar[type[serializers.Serializer[Any]] | None] = None
    output: ClassVar[type[serializers.BaseSerializer[Any]] | None] = None
    success_status: ClassVar[int] = 200
    many: ClassVar[bool] = False
    method: ClassVar[str] = "post"
    schema_extra: ClassVar[Mapping[str, Any]] = {}

    def perform(self, request: Request, data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        """The one service or selector call; its result is what `output` serializes."""
        raise NotImplementedError

    def handle(self, request: Request, **kwargs: Any) -> Response:
        data = validated(self.InputSerializer, request.data) if self.InputSerializer is not None else {}
        call = lambda: self.perform(request, data, **kwargs)  # noqa: E731
        return api_call(call, output=self.output, status=self.success_status, many=self.many)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "perform" not in cls.__dict__ or cls.method in cls.__dict__:
            return  # an intermediate base, or a class that writes its handler itself

        def handler(self: ServiceApi, request: Request, *args: Any, **kw: Any) -> Response:
            return self.handle(request, **kw)

        handler.__name__ = handler.__qualname__ = cls.method
        response: Any = cls.output(many=True) if cls.many and cls.output is not None else cls.output
        documented: dict[str, Any] = {"responses": {cls.success_status: response}, **cls.schema_extra}
        if cls.InputSerializer is not None:
            documented["request"] = cls.InputSerializer
        schema = extend_schema(**documented)
        setattr(cls, cls.method, schema(handler))
