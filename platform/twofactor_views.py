"""Signing in with a second factor, on a commune's site and on the console.

The password step (Django's LoginView, behind the django-axes lockout) does not open a session for a user who needs
a second factor: it keeps who passed it in the session for five minutes and sends them to the code step
(`/login/verify/`) or, on the console without an enrolled device, to the enrolment step (`/login/enrol/`) with its
QR code. Only a correct code logs them in. Signed-in staff of a commune enrol (optionally) at `/account/security/`.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from jamaa.platform.core import twofactor

PENDING = "_jamaa_2fa_pending"
ENROLLING = "_jamaa_2fa_enrolling"
PENDING_SECONDS = 300


def WRONG_CODE() -> str:  # noqa: N802
    return _("This code is not valid, or came too soon after a wrong one. Enter the code your app shows now.")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "form-control", "autofocus": True}
        ),
    )


class LoginView(auth_views.LoginView):
    """The password step; a user who needs a second factor goes on to the code (or enrolment) step."""

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not twofactor.second_factor_required(user=user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": getattr(user, "backend", ""),
            "next": self.get_success_url(),
            "until": time.time() + PENDING_SECONDS,
        }
        if twofactor.confirmed_device(user=user) is None:
            return HttpResponseRedirect(reverse("login-enrol"))
        return HttpResponseRedirect(reverse("login-verify"))


def _pending(request: HttpRequest) -> tuple[AbstractBaseUser, dict[str, Any]] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < time.time():
        return None
    user_id = pending.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (user, pending) if user is not None else None


def _finish(request: HttpRequest, user: AbstractBaseUser, pending: dict[str, Any], device: Any) -> HttpResponse:
    request.session.pop(PENDING, None)
    request.session.pop(ENROLLING, None)
    login(request, user, backend=pending.get("backend") or None)  # type: ignore[arg-type]
    otp_login(request, device)
    return HttpResponseRedirect(pending.get("next") or "/")


def _expired(request: HttpRequest) -> HttpResponse:
    messages.error(request, _("Your sign-in took too long: enter your user name and password again."))
    return HttpResponseRedirect(reverse("login"))


@never_cache
@sensitive_post_parameters("code")
def login_verify(request: HttpRequest) -> HttpResponse:
    """The code step of a user who has a device."""
    found = _pending(request)
    if found is None:
        return _expired(request)
    user, pending = found
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.code_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            return _finish(request, user, pending, device)
        form.add_error("code", WRONG_CODE())
    return render(request, "registration/login_verify.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@sensitive_post_parameters("code")
def login_enrol(request: HttpRequest) -> HttpResponse:
    """The enrolment step of a console user without a device: scan the QR code, enter a code, signed in."""
    found = _pending(request)
    if found is None:
        return _expired(request)
    user, pending = found
    return _enrol(request, user, on_success=lambda device: _finish(request, user, pending, device))


@login_required
@never_cache
@sensitive_post_parameters("code")
def account_security(request: HttpRequest) -> HttpResponse:
    """A signed-in user's second factor: enrolled or not; enrol (or replace the device) with a QR code."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)

    def done(device: Any) -> HttpResponse:
        otp_login(request, device)
        messages.success(request, _("Two-step sign-in is on: your next sign-in will ask for a code."))
        return HttpResponseRedirect(reverse("account-security"))

    if request.method == "POST" and "start" in request.POST:
        request.session.pop(ENROLLING, None)
        return _enrol(request, user, on_success=done, start=True)
    if ENROLLING in request.session:
        return _enrol(request, user, on_success=done)
    return render(request, "registration/account_security.html", {"device": twofactor.confirmed_device(user=user)})


def _enrol(request: HttpRequest, user: AbstractBaseUser, *, on_success: Any, start: bool = False) -> HttpResponse:
    device_id = request.session.get(ENROLLING)
    device = None
    if device_id is not None:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(pk=device_id, user_id=user.pk, confirmed=False).first()
    if device is None:
        device = twofactor.enrolment_start(user=user)
        request.session[ENROLLING] = device.pk
    form = CodeForm(request.POST if request.method == "POST" and not start else None)
    if form.is_bound and form.is_valid():
        confirmed = twofactor.enrolment_confirm(user=user, device_id=device.pk, code=form.cleaned_data["code"])
        if confirmed is not None:
            request.session.pop(ENROLLING, None)
            response: HttpResponse = on_success(confirmed)
            return response
        form.add_error("code", WRONG_CODE())
    context = {
        "form": form,
        "qr_svg": twofactor.qr_svg(device=device),
        "secret": twofactor.secret_base32(device=device),
        "action": request.path,
    }
    return render(request, "registration/totp_enrol.html", context, status=400 if form.errors else 200)
