"""Web security layers shared by every host: the Content-Security-Policy, the client's address behind the ingress,
brute-force lockouts (django-axes, counted in each commune's schema) and the throttle of the token endpoints.

What each layer guarantees, and what it does not: docs/security.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from jamaa.platform.openapi import ErrorSerializer


class ContentSecurityPolicyMiddleware:
    """Puts settings.JAMAA_CSP on every response (pages, API, documents, errors, the unknown-host 404): first in the
    chain, so even the answers of the middleware below it carry the header. Templates hold no inline script or
    style; their scripts are static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy: str = settings.JAMAA_CSP

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def client_ip(request: HttpRequest | Request) -> str:
    """The client's address: REMOTE_ADDR, or behind JAMAA_TRUSTED_PROXIES proxies the address the outermost of
    them saw (X-Forwarded-For is read from the right, so a client cannot choose what it says)."""
    remote = str(request.META.get("REMOTE_ADDR", "") or "")
    proxies: int = settings.JAMAA_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return str(forwarded[-min(proxies, len(forwarded))])


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    """django-axes' check before the password backend. A credential check made without a request (a service run
    from a shell or a test's `Client.login`) has no client to count and is left to the next backend."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> AbstractBaseUser | None:
        if request is None:
            return None
        if isinstance(request, Request):  # DRF's wrapper: axes marks the lockout on the request the middleware sees
            request = request._request
        result: AbstractBaseUser | None = super().authenticate(request, username=username, password=password, **kwargs)
        return result


def lockout_message() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return _(
        "Too many failed sign-in attempts: this account is locked for %(minutes)s minutes. "
        "Try again later or ask the commune's administrator."
    ) % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API gets `{code, message, extra}` with 429, pages the login form with the reason."""
    message = lockout_message()
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    if "/api/" in request.path:
        body = {"code": "LOGIN_LOCKED", "message": message, "extra": {"retry_after_minutes": minutes}}
        locked: HttpResponse = JsonResponse(body, status=429)
    else:
        from django.contrib.auth.forms import AuthenticationForm

        form = AuthenticationForm(request, data=request.POST or None)
        locked = render(
            request, "registration/login.html", {"form": form, "locked_message": message, "next": ""}, status=429
        )
    locked["Retry-After"] = str(minutes * 60)
    return locked


class AuthRateThrottle(SimpleRateThrottle):
    """At most settings.JAMAA_AUTH_THROTTLE_RATE credential checks per client address and endpoint. The cache's key
    function prefixes every key with the schema, so each commune counts its own."""

    scope = "auth"

    def get_rate(self) -> str:
        rate: str = settings.JAMAA_AUTH_THROTTLE_RATE
        return rate

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return f"throttle_auth_{type(view).__name__}_{client_ip(request)}"


class TokenRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})
    otp = serializers.CharField(required=False, help_text="The authenticator's code, for an account with one.")


class TokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField()


class CountedTokenMixin:
    """For ObtainAuthToken views: authenticate against the Django request, where django-axes marks a lockout for
    the middleware to answer (DRF's wrapper would keep the mark to itself)."""

    request: Any  # DRF's Request, set by the view

    def get_serializer_context(self) -> dict[str, Any]:
        return {"request": self.request._request, "format": getattr(self, "format_kwarg", None), "view": self}

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Wrong user name or password"),
            401: OpenApiResponse(ErrorSerializer, description="SECOND_FACTOR_REQUIRED: no or a wrong `otp`"),
            403: OpenApiResponse(ErrorSerializer, description="SECOND_FACTOR_NOT_ENROLLED (console)"),
            429: OpenApiResponse(ErrorSerializer, description="LOGIN_LOCKED or THROTTLED"),
        },
        summary="Get a token for a user name and password (and the second factor's code)",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Password (locked out after repeated failures), then the second factor for those who have one."""
        from rest_framework.authtoken.models import Token

        from jamaa.platform.core.twofactor import token_second_factor_check

        serializer = self.get_serializer(data=request.data)  # type: ignore[attr-defined]
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        data = request.data if isinstance(request.data, dict) else {}
        token_second_factor_check(user=user, code=str(data.get("otp") or ""))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
