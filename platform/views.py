"""The pages every commune has: home, language switch. Login/logout/password are Django's own views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import user_logged_in
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN, PasswordResetConfirmView
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.http import require_POST

from jamaa.modules import registry
from jamaa.platform.core import selectors as core_selectors
from jamaa.platform.core import services as core_services
from jamaa.platform.errors import DomainError, NotFound, error_body
from jamaa.platform.kernel import pages, roles
from jamaa.platform.kernel import portal as kernel_portal


@dataclass(frozen=True)
class ModuleCard:
    info: registry.ModuleInfo
    can_open: bool  # the user has one of the roles that open it
    setup_url: str  # for the commune's administrators, when the module has a setup page


def module_cards(*, user: Any, enabled: list[str]) -> list[ModuleCard]:
    """The enabled modules this user may open or, as the commune's administrator, set up; nothing else."""
    groups = roles.user_groups(user)
    administrator = roles.is_administrator(user)
    cards = []
    for info in registry.enabled_for(enabled):
        can_open = bool(getattr(user, "is_superuser", False) or groups & info.openers())
        setup_url = info.setup_url if administrator else ""
        if can_open or setup_url:
            cards.append(ModuleCard(info=info, can_open=can_open, setup_url=setup_url))
    return cards


def home(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors get the commune's public home when an enabled module offers one (the citizen portal:
    `kernel.portal.register_public_home`), else the sign-in page; signed-in users their modules."""
    if not request.user.is_authenticated:
        public = kernel_portal.public_home(enabled=request.tenant.enabled_modules)  # type: ignore[attr-defined]
        if public is not None:
            return HttpResponseRedirect(public)
    return _staff_home(request)


@login_required
def _staff_home(request: HttpRequest) -> HttpResponse:
    """The user's modules: a card for each enabled module their roles open; the commune's administrators also get
    each enabled module's setup page."""
    commune = request.tenant  # type: ignore[attr-defined]
    return render(
        request,
        "jamaa/home.html",
        {
            "cards": module_cards(user=request.user, enabled=list(commune.enabled_modules)),
            "any_enabled": bool(commune.enabled_modules),
            "is_administrator": roles.is_administrator(request.user),
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch between French and Arabic; remembered for the user (and in a cookie before login)."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest("Unknown language.")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.user.is_authenticated:
        core_services.user_language_set(user=request.user, language=language)
    request.session["_language"] = language
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@receiver(user_logged_in)
def _restore_language(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    language = core_selectors.user_language_get(user=user)
    if language:
        request.session["_language"] = language


class PasswordSetView(PasswordResetConfirmView):
    """The one-time set-password link. Django's view moves the token into the session and redirects; with
    SameSite=Strict session cookies a link opened from a webmail (a navigation another site started) carries no
    session cookie, so the redirected page found no token. Here a valid token in the URL is enough, on every
    request: the form is shown and posted at the link itself (Referrer-Policy same-origin keeps it on this host)."""

    def dispatch(self, *args: Any, **kwargs: Any) -> HttpResponse:
        token = kwargs.get("token", "")
        user = self.get_user(kwargs.get("uidb64", ""))
        if user is not None and token != self.reset_url_token and self.token_generator.check_token(user, token):
            self.request.session[INTERNAL_RESET_SESSION_TOKEN] = token
            kwargs["token"] = self.reset_url_token
        response = super().dispatch(*args, **kwargs)
        assert isinstance(response, HttpResponse)
        return response


class BadRequest(DomainError):
    code = "BAD_REQUEST"


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: an address no route matches (`/regie/api/quittances/abc/`) answers the API's error shape
    under `/api/`, Django's page elsewhere."""
    if "/api/" in request.path:
        body, status = error_body(NotFound())
        return JsonResponse(body, status=status)
    return pages.not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400 (Django's SuspiciousOperation: too many fields, a body too large for a form): the error shape
    under `/api/`, Django's page elsewhere."""
    if "/api/" in request.path:
        body, status = error_body(exception) if exception is not None else ({}, 400)
        if status == 500:  # a SuspiciousOperation error_body does not know
            body, status = error_body(BadRequest())
        return JsonResponse(body, status=status)
    return defaults.bad_request(request, exception)  # type: ignore[arg-type]
