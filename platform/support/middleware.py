"""A support session on a commune's site: read-only, time-limited, every page recorded.

The operator's browser carries the `jamaa_support` cookie (host-only, set by `/support/enter/<token>/`). While the
session is live for this commune (not expired nor ended, and the commune still allows support access) the request
is served as the account the session was opened for, read-only: any write (a method other than GET, HEAD, OPTIONS)
is refused with a 403 and recorded, and the view runs in a read-only database transaction, so a page that would
write fails instead. Every page is recorded in the session's list, which the commune's administrator reads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string

from . import selectors, services

COOKIE = "jamaa_support"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
END_PATH = "/support/end/"


class SupportSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.COOKIES.get(COOKIE)
        tenant = getattr(request, "tenant", None)
        if tenant is not None and request.method not in SAFE_METHODS and _unpaid_read_only(tenant.slug, request.path):
            return unpaid_response(request)
        if not token or tenant is None:
            return self.get_response(request)
        session = selectors.session_live(token=token, schema_name=tenant.schema_name)
        if session is None:
            response = self.get_response(request)
            response.delete_cookie(COOKIE)
            return response
        request.support_session = session  # type: ignore[attr-defined]
        user = services.impersonated_user(session=session)
        if user is not None:
            request.user = user
            request._cached_user = user  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS and request.path != END_PATH:
            services.support_page_seen(session=session, method=request.method or "", path=request.path, refused=True)
            return render(request, "support/read_only.html", {"session": session}, status=403)
        if request.path != END_PATH:
            services.support_page_seen(session=session, method=request.method or "", path=request.get_full_path())
            return self._read_only(request)
        return self.get_response(request)

    def _read_only(self, request: HttpRequest) -> HttpResponse:
        """The view in a transaction that PostgreSQL keeps read-only, rolled back at the end."""
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION READ ONLY")
            response = self.get_response(request)
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:  # type: ignore[attr-defined]
                response.render()
            transaction.set_rollback(True)
        return _with_banner(request, response)


def _with_banner(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Every HTML page of the visit says it is a support session, read-only, and offers to end it."""
    if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
        return response
    content = response.content.decode(response.charset or "utf-8", errors="replace")
    start = content.find("<body")
    end = content.find(">", start) if start >= 0 else -1
    if end < 0:
        return response
    banner = render_to_string(
        "support/banner.html",
        {"session": request.support_session, "csrf_token": get_token(request)},  # type: ignore[attr-defined]
        request=None,
    )
    response.content = (content[: end + 1] + banner + content[end + 1 :]).encode(response.charset or "utf-8")
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    return response


# The optional grace-then-read-only step of invoicing: once a subscription's grace period after an unpaid invoice's
# due date has passed, the commune's site refuses writes — never its état civil (extracts keep being issued), nor
# signing in and out. Checked on writes only, from a list kept a minute in the cache.
UNPAID_WRITABLE_PREFIXES = ("/etatcivil/", "/login/", "/logout/", "/language/", "/api/auth/token/", "/support/")


def _unpaid_read_only(slug: str, path: str) -> bool:
    if path.startswith(UNPAID_WRITABLE_PREFIXES):
        return False
    from django_tenants.utils import schema_context

    from jamaa.platform.billing import selectors as billing_selectors

    with schema_context("public"):  # one cached list for the fleet (cache keys carry the schema)
        return slug in billing_selectors.read_only_slugs_cached()


def unpaid_response(request: HttpRequest) -> HttpResponse:
    body = {
        "code": "COMMUNE_UNPAID_READ_ONLY",
        "message": "Factures impayées : le site est en consultation seule (l'état civil reste ouvert). / "
        "فواتير غير مؤداة: الموقع للاطلاع فقط (الحالة المدنية تبقى مفتوحة).",
        "extra": {},
    }
    if "/api/" in request.path:
        return JsonResponse(body, status=403)
    return HttpResponse(f"<!doctype html><meta charset='utf-8'><p id='unpaid'>{body['message']}</p>", status=403)


def support_cookie_kwargs(max_age: int) -> dict[str, object]:
    return {
        "max_age": max_age,
        "httponly": True,
        "secure": bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        "samesite": "Lax",
    }
