"""Routes each request to its commune's schema by host name (see routing.py for the cache)."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.template.loader import render_to_string

from jamaa.platform.db import TenantConnection

from .models import CommuneStatus
from .routing import public_tenant, routing_table

PUBLIC = "public"
PUBLIC_TENANT = public_tenant()

UNKNOWN_HOST_PAGE = (
    "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>404</title></head>"
    "<body><h1>404</h1><p>Aucune commune n'est servie à cette adresse.</p>"
    "<p dir='rtl' lang='ar'>لا توجد جماعة بهذا العنوان.</p></body></html>"
)


def host_of(request: HttpRequest) -> str:
    """The request's host name, lower-case, without port or trailing dot."""
    raw: str = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    if ":" in raw and not raw.endswith("]"):
        raw = raw.rsplit(":", 1)[0]
    return raw.lower().rstrip(".")


class CommuneRoutingMiddleware:
    """`<slug>.<base>` → that commune's schema; `<base>` → the console; anything else → 404."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        conn = cast(TenantConnection, connections[DEFAULT_DB_ALIAS])
        route = routing_table.resolve(host_of(request))  # public tables, qualified: any search_path will do
        if route.kind == "console":
            if conn.schema_name != PUBLIC:
                conn.set_schema_to_public()
            request.tenant = PUBLIC_TENANT  # type: ignore[attr-defined]
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return self.get_response(request)
        if route.commune is None:
            if conn.schema_name != PUBLIC:
                conn.set_schema_to_public()
            return HttpResponseNotFound(UNKNOWN_HOST_PAGE)
        commune = route.commune
        status = commune.status
        if status in CLOSED_STATUSES:
            return unavailable_response(request, status, commune.name_fr, commune.name_ar)
        if status == ARCHIVED and request.method not in SAFE_METHODS:
            if request.path not in ARCHIVE_WRITABLE_PATHS:
                return archived_response(request, commune.name_fr)
        request.tenant = commune  # type: ignore[attr-defined]
        # Same cached commune as the connection's: its search_path is already right (and switching would
        # empty the content-type cache for nothing). Anything else: switch.
        if getattr(conn, "tenant", None) is not commune:
            conn.set_tenant(commune)
        return self.get_response(request)


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Plain strings, read once: an enum member looked up on its class costs more than the rest of a status check.
CLOSED_STATUSES = frozenset({str(CommuneStatus.SUSPENDED.value), str(CommuneStatus.PROVISIONING.value)})
ARCHIVED = str(CommuneStatus.ARCHIVED.value)
# Reading an archived commune still needs a session: logging in and out and the language switch stay open.
ARCHIVE_WRITABLE_PATHS = frozenset(
    {"/login/", "/login/verify/", "/login/enrol/", "/logout/", "/language/", "/api/auth/token/"}
)


def archived_response(request: HttpRequest, name_fr: str) -> HttpResponse:
    body = {
        "code": "COMMUNE_ARCHIVED",
        "message": f"La commune {name_fr} est archivée : consultation seule. / الجماعة مؤرشفة: للاطلاع فقط.",
        "extra": {},
    }
    if "/api/" in request.path:
        return JsonResponse(body, status=403)
    return HttpResponse(f"<!doctype html><meta charset='utf-8'><p>{body['message']}</p>", status=403)


def unavailable_response(request: HttpRequest, status: str, name_fr: str, name_ar: str) -> HttpResponse:
    if "/api/" in request.path:
        return JsonResponse(
            {
                "code": "COMMUNE_SUSPENDED" if status == CommuneStatus.SUSPENDED else "COMMUNE_NOT_READY",
                "message": f"Le service de la commune {name_fr} est suspendu."
                if status == CommuneStatus.SUSPENDED
                else f"La commune {name_fr} est en cours d'installation.",
                "extra": {"status": status},
            },
            status=503,
        )
    html = render_to_string("jamaa/unavailable.html", {"status": status, "name_fr": name_fr, "name_ar": name_ar})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "3600"
    return response
