"""Cross-cutting middleware: health probes, module gating, the interface language, and domain errors on pages."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, error_body


class HealthMiddleware:
    """`/healthz` (process alive), `/readyz` (database, Redis, migrations) and `/metrics` (Prometheus), before
    tenant routing: probes and scrapers reach pods by IP. `/metrics` lists every commune's traffic, so it answers
    only with `Authorization: Bearer <JAMAA_METRICS_TOKEN>` and never on a commune's host (404 there, and
    everywhere when no token is set)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            from .health import readiness

            ready, problems = readiness()
            return JsonResponse(
                {"status": "ready" if ready else "not ready", "problems": problems}, status=200 if ready else 503
            )
        if request.path == "/metrics":
            return self.metrics(request)
        return self.get_response(request)

    def metrics(self, request: HttpRequest) -> HttpResponse:
        token: str = settings.JAMAA_METRICS_TOKEN
        host = (request.META.get("HTTP_HOST") or "").lower().rsplit(":", 1)[0].rstrip(".")
        if not token or host.endswith(f".{settings.JAMAA_BASE_DOMAIN}"):
            return HttpResponseNotFound(b"", content_type="text/plain")
        if not hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
            body = {"code": "UNAUTHENTICATED", "message": "Bearer token required.", "extra": {}}
            response = JsonResponse(body, status=401)
            response["WWW-Authenticate"] = "Bearer"
            return response
        from .observability import metrics_view

        return metrics_view(request)


class LanguageMiddleware:
    """French or Arabic: the user's saved choice (kept in the session at login), else the cookie, else French."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supported = dict(settings.LANGUAGES)
        session = getattr(request, "session", None)
        language = session.get("_language") if session is not None else None
        if language not in supported:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def _error_response(request: HttpRequest, exception: DomainError) -> HttpResponse:
    body, status = error_body(exception)
    if "/api/" in request.path:
        return JsonResponse(body, status=status)
    return render(request, "jamaa/error.html", {"error": body}, status=status)


class NulByteMiddleware:
    """A NUL character in the address (`/verify/%00/`, `?q=%00`) is refused with a 400: PostgreSQL cannot
    hold one in a text value, so it would otherwise fail deep in a query. Bodies are checked by the forms and
    serializers (their text fields refuse NUL)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or _nul_in_query(request):
            return _error_response(request, NulInAddress())
        return self.get_response(request)


class NulInAddress(DomainError):
    code = "INVALID_ADDRESS"
    message = _("The address contains a character that is not allowed.")


def _nul_in_query(request: HttpRequest) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


class DomainErrorMiddleware:
    """Turns a DomainError raised under a page view into a page with the same code and status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        return _error_response(request, exception)


class ModuleGateMiddleware:
    """A module's pages and API (under `/<module code>/`) answer only in communes that enabled the module: 404
    elsewhere, as for a page that does not exist (JSON with code MODULE_NOT_ENABLED under `/api/` paths), but
    for the public verification pages of documents already issued. After the commune routing, which puts the
    commune, with its modules, on the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from jamaa.modules import registry

        self.get_response = get_response
        self.codes = frozenset(registry.available())

    def __call__(self, request: HttpRequest) -> HttpResponse:
        commune = getattr(request, "tenant", None)
        parts = request.path_info.split("/", 3)
        code = parts[1] if len(parts) > 2 else ""
        # Documents already issued stay verifiable (their QR codes are printed): verify/ pages are not gated.
        if len(parts) > 3 and parts[2] == "verify":
            code = ""
        if code not in self.codes or commune is None or commune.schema_name == "public":
            return self.get_response(request)
        if code in commune.enabled_modules:
            return self.get_response(request)
        if "/api/" in request.path_info:
            body = {"code": "MODULE_NOT_ENABLED", "message": f"The module {code} is not enabled in this commune.",
                    "extra": {"module": code}}  # fmt: skip
            return JsonResponse(body, status=404)
        raise Http404(f"module {code} is not enabled in this commune")
