"""The OpenAPI schema of a commune's API, made to tell the truth (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS).

- **One component per serializer class.** Views declare nested `InputSerializer`/`OutputSerializer` classes;
  drf-spectacular names a component after the bare class name, so every `OutputSerializer` collapsed into one
  component (`Output`) and responses failed validation against it. Here the name is the module's app, the
  classes it is nested in and its own name (`CollecteSessionApiOutput`, `RegieQuittance`), unique by
  construction.
- **Errors are documented.** Every operation lists the error statuses the platform answers with, all in the
  one shape `{code, message, extra}` (component `Error`): 400, 401, 403, 404 and 429 everywhere, plus 409, 413
  and 415 on writes. A status a view documents itself is kept as the view wrote it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from drf_spectacular.plumbing import ComponentRegistry
from rest_framework import serializers

ERROR_RESPONSES: dict[int, str] = {
    400: "Invalid input (`INVALID` with `extra.fields`, `PARSE_ERROR`) or a rule refused it.",
    401: "Not authenticated (`UNAUTHENTICATED`).",
    403: "Authenticated but not allowed (`FORBIDDEN` or the module's own code), or the commune is archived.",
    404: "No such object here, or the module is not enabled in this commune (`NOT_FOUND`, `MODULE_NOT_ENABLED`).",
    409: "The operation conflicts with the object's current state (the module's own code).",
    413: "The request body is too large (`REQUEST_TOO_LARGE`).",
    415: "The body's media type is not one the operation reads (`UNSUPPORTED_MEDIA_TYPE`).",
    429: "Too many requests (`THROTTLED`); `Retry-After` says when to try again.",
}
WRITE_ONLY_ERRORS = frozenset({409, 413, 415})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ErrorSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Every error of the API, whatever its status."""

    code = serializers.CharField(help_text="stable UPPER_SNAKE code, e.g. INVALID, NOT_FOUND, DAY_LOCKED")
    message = serializers.CharField(help_text="a sentence for people, in the request's language")
    extra = serializers.DictField(help_text="details; for INVALID, `fields` maps each field to its errors")


def component_name(cls: type) -> str:
    """`jamaa.modules.collecte.api.SessionApi.OutputSerializer` → `CollecteSessionApiOutputSerializer`: the app,
    the enclosing classes and the class. A nested class already named after its app (`RegieDayCloseInput…`) keeps
    its own name; functions in the qualified name (`<locals>`) are skipped."""
    parts = cls.__module__.split(".")
    app = parts[2] if parts[:2] == ["jamaa", "modules"] and len(parts) > 2 else ""
    prefix = app[:1].upper() + app[1:]
    qualname = [p for p in cls.__qualname__.split(".") if p[:1].isupper()]
    if len(qualname) > 1 and prefix and qualname[-1].startswith(prefix):
        qualname = qualname[-1:]
    name = "".join(qualname)
    return name if name.startswith(prefix) else prefix + name


class AutoSchema(openapi.AutoSchema):
    def get_serializer_name(self, serializer: serializers.Serializer, direction: Any) -> str:  # type: ignore[type-arg]
        return component_name(serializer.__class__)

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        component = self.resolve_serializer(ErrorSerializer, "response")
        responses = operation.setdefault("responses", {})
        for status, description in ERROR_RESPONSES.items():
            if status in WRITE_ONLY_ERRORS and self.method not in WRITE_METHODS:
                continue
            responses.setdefault(
                str(status),
                {"description": description, "content": {"application/json": {"schema": component.ref}}},
            )
        return operation
