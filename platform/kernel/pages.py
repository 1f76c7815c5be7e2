"""The error pages of commune sites and of the console: styled, in the reader's language (French, or Arabic right
to left), each with a way back. The 500 page reads nothing from the database (it may be what failed).

Wired as handler403/handler404/handler500 in jamaa.platform.urls_tenant and jamaa.platform.urls_public.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

TEMPLATE = "kernel/errors/page.html"


def _back(request: HttpRequest) -> str:
    """The page the reader came from, when it is on this site; else nothing (the home link remains)."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def _commune(request: HttpRequest) -> object:
    """The commune already on the request (no query), or None on the console."""
    tenant = getattr(request, "tenant", None)
    return tenant if tenant is not None and getattr(tenant, "schema_name", "public") != "public" else None


def _context(request: HttpRequest, status: int, title: str, text: str) -> dict[str, object]:
    return {"status": status, "title": title, "text": text, "back_url": _back(request), "home_url": "/"}


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: signed in, but this page is for another role."""
    context = _context(
        request,
        403,
        _("You cannot open this page"),
        _("Your account has no role that opens this page. If your work needs it, ask your commune's administrator."),
    )
    return render(request, TEMPLATE, context, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: no such page here (or not in this commune, or the module is not enabled)."""
    context = _context(
        request, 404, _("Page not found"), _("This page does not exist here. The address may be mistyped or outdated.")
    )
    return render(request, TEMPLATE, context, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: rendered without the request's context processors, so without the session or the database."""
    language = translation.get_language() or "fr"
    context = {
        **_context(
            request,
            500,
            _("Something went wrong"),
            _("The error has been recorded and the team is told. Please try again in a few minutes."),
        ),
        "bare": True,
        "commune": _commune(request),
        "LANGUAGE_CODE": language,
        "LANGUAGE_BIDI": translation.get_language_bidi(),
    }
    return HttpResponse(get_template(TEMPLATE).render(context), status=500)


# --- "does not exist" is the 404 page, without try/except in views ---

F = TypeVar("F")


def found(call: Callable[[], F]) -> F:
    """The result of a `*_get` selector (or of a view reading one), with "does not exist" (a model's
    DoesNotExist) turned into the 404 page, as everywhere."""
    try:
        return call()
    except ObjectDoesNotExist:
        raise Http404 from None
