"""The collectors' progressive web app, served by the commune's site at /collecte/: the shell page, its
manifest, its service worker (scope /collecte/, so it is served from there) and the offline fallback page.

`supervision/` is the régisseur's page (a server-rendered page of the site): devices with their last sync and a
revoke button, the blocks with their gaps and returned stubs, and the payments the server refused.

The shell holds no user data (the app authenticates with its device token and keeps its data in IndexedDB), so
it is public and the service worker caches it for use with no network.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jamaa.modules.regie import selectors_collecte as regie_reads

from . import permissions, selectors, services

HERE = Path(__file__).resolve().parent
STATIC_FILES = (
    "collecte/app.js",
    "collecte/app.css",
    "collecte/vendor/qrcode.js",
    "collecte/icon-192.png",
    "collecte/icon-512.png",
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.rtl.min.css",
)


@functools.cache
def _version() -> str:
    """Changes whenever the app's files change: the service worker then installs the new shell."""
    digest = hashlib.sha256()
    for folder in (HERE / "static" / "collecte", HERE / "templates" / "collecte"):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@functools.lru_cache(maxsize=4)
def _utc_offsets(zone: str, around: dt.date) -> tuple[tuple[int, int], ...]:
    """The zone's UTC offsets from 400 days before `around` to 400 days after, as (start in ms since the epoch,
    offset in minutes) at each change. Morocco's clock moves for Ramadan and changed its rules in 2018: the
    phone's own time zone data is often wrong or stale, so the app takes the commune's offsets from the server."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(around - dt.timedelta(days=400), dt.time(), tzinfo=dt.UTC)
    hours = 800 * 24
    changes: list[tuple[int, int]] = []
    for hour in range(hours + 1):
        moment = start + dt.timedelta(hours=hour)
        offset = moment.astimezone(tz).utcoffset() or dt.timedelta()
        minutes = int(offset.total_seconds() // 60)
        if not changes or changes[-1][1] != minutes:
            changes.append((int(moment.timestamp() * 1000) if changes else 0, minutes))
    return tuple(changes)


def _commune(request: HttpRequest) -> dict[str, Any]:
    commune = getattr(request, "tenant", None)
    return {
        "slug": getattr(commune, "slug", ""),
        "name_fr": getattr(commune, "name_fr", ""),
        "name_ar": getattr(commune, "name_ar", ""),
        # The app prints dates and times in the commune's zone, not the phone's (and not the phone's zone data).
        "time_zone": settings.TIME_ZONE,
        "utc_offsets": _utc_offsets(settings.TIME_ZONE, timezone.localdate()),
    }


@require_GET
def app(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "collecte/app.html",
        {"version": _version(), "commune": _commune(request)},
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    commune = _commune(request)
    body = {
        "name": f"Collecte — {commune['name_fr']}".strip(" —"),
        "short_name": "Collecte",
        "description": "Carnet à souches numéroté des percepteurs / دفتر وصولات المحصلين",
        "lang": "fr",
        "dir": "auto",
        "id": "/collecte/",
        "start_url": "/collecte/",
        "scope": "/collecte/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#198754",
        "icons": [
            {"src": static("collecte/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("collecte/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        ],
    }
    return JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    precache = ["/collecte/", "/collecte/offline/", "/collecte/manifest.webmanifest"]
    precache += [static(name) for name in STATIC_FILES]
    response = render(
        request,
        "collecte/sw.js",
        {"version": _version(), "precache_json": json.dumps(precache)},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/collecte/"
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "collecte/offline.html")


def _supervisor(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("login"))
    if not permissions.is_supervisor(request.user):
        raise PermissionDenied
    return None


def supervision(request: HttpRequest) -> HttpResponse:
    """Devices, blocks and their gaps, refused payments and payments booked late (taken on a day closed before
    the sync): what the régisseur checks every day."""
    refused = _supervisor(request)
    if refused is not None:
        return refused
    usage = regie_reads.block_usage()
    return render(
        request,
        "collecte/supervision.html",
        {
            "devices": list(selectors.device_list()),
            "blocks": [u for u in usage if not u.closed or u.gaps][-200:],
            "gap_count": sum(len(u.gaps) for u in usage),
            "refusals": selectors.refused_payments(limit=100),
            "late_payments": regie_reads.late_payments(limit=100),
        },
    )


@require_POST
def device_revoke(request: HttpRequest, device_id: int) -> HttpResponse:
    """Revoke a device: the rule is the service's, as on the API (its own collector, or a régisseur; anyone
    else's device is "not found")."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("login"))
    if not permissions.can_collect(request.user):
        raise PermissionDenied
    device = services.device_revoke(device_id=device_id, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Device “%(name)s” revoked: its token no longer works.") % {"name": device.name})
    if not permissions.is_supervisor(request.user):
        return HttpResponseRedirect(reverse("collecte:app"))
    return HttpResponseRedirect(reverse("collecte:supervision"))
