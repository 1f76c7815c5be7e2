"""One error shape for the API and the pages: {code, message, extra}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused the operation. Subclasses set a stable code and an HTTP status."""

    code = "DOMAIN_ERROR"
    message: Any = _("The operation was refused.")
    http_status = 400

    def __init__(self, message: Any = None, *, extra: dict[str, Any] | None = None) -> None:
        if message is not None:
            self.message = message
        self.extra = extra or {}
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "NOT_FOUND"
    message = _("Not found.")
    http_status = 404


class Forbidden(DomainError):
    code = "FORBIDDEN"
    message = _("You are not allowed to do this.")
    http_status = 403


class Conflict(DomainError):
    code = "CONFLICT"
    message = _("The operation conflicts with the current state.")
    http_status = 409


def error_body(exc: Exception) -> tuple[dict[str, Any], int]:
    """Map any exception to (body, status)."""
    if isinstance(exc, DomainError):
        return {"code": exc.code, "message": str(exc.message), "extra": exc.extra}, exc.http_status
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return {"code": "INVALID", "message": str(_("Some fields are invalid.")), "extra": {"fields": fields}}, 400
    if isinstance(exc, drf_exceptions.ValidationError):
        return {"code": "INVALID", "message": str(_("Some fields are invalid.")), "extra": {"fields": exc.detail}}, 400
    if isinstance(exc, (PermissionDenied, drf_exceptions.PermissionDenied)):
        return {"code": "FORBIDDEN", "message": str(_("You are not allowed to do this.")), "extra": {}}, 403
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        return {"code": "UNAUTHENTICATED", "message": str(exc.detail), "extra": {}}, 401
    if isinstance(exc, (ObjectDoesNotExist, Http404, drf_exceptions.NotFound)):
        return {"code": "NOT_FOUND", "message": str(_("Not found.")), "extra": {}}, 404
    if isinstance(exc, RequestDataTooBig):
        return {"code": "REQUEST_TOO_LARGE", "message": str(_("The request body is too large.")), "extra": {}}, 413
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return {"code": "INVALID", "message": str(_("The request has too many fields.")), "extra": {}}, 400
    if isinstance(exc, drf_exceptions.APIException):
        return {"code": str(exc.default_code).upper(), "message": str(exc.detail), "extra": {}}, exc.status_code
    return {"code": "SERVER_ERROR", "message": str(_("An unexpected error occurred.")), "extra": {}}, 500


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every API error in one shape; unexpected ones go to Sentry."""
    body, status = error_body(exc)
    if status == 500:
        logger.exception("unhandled API error", exc_info=exc)
        import sentry_sdk

        sentry_sdk.capture_exception(exc)
    # Imported here: rest_framework.views reads the DRF settings, whose parser (jamaa.platform.inputs) imports this.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = Response(body, status=status)
    original = drf_exception_handler(exc, context)
    if original is not None:
        for header in ("WWW-Authenticate", "Retry-After"):
            if header in original:
                response[header] = original[header]
    return response
