"""The support pages of a commune's site: entering a support session (from the console's link), ending it, and
for the commune's administrator, every support session (who, when, why, pages seen) and the switch that forbids
support access."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jamaa.platform.staff import administrators_only

from . import selectors, services
from .middleware import COOKIE, support_cookie_kwargs


class ConsentForm(forms.Form):
    allowed = forms.TypedChoiceField(
        label=gettext_lazy("Support access"),
        choices=[("1", gettext_lazy("Allowed")), ("0", gettext_lazy("Forbidden"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)


def _slug() -> str:
    return str(getattr(getattr(connection, "tenant", None), "slug", ""))


def enter(request: HttpRequest, token: str) -> HttpResponse:
    """The console's link: a valid token for this commune starts the read-only visit (a cookie of this host)."""
    session = selectors.session_live(token=token, schema_name=str(getattr(connection, "schema_name", "")))
    if session is None:
        return render(request, "support/enter_refused.html", status=403)
    services.support_page_seen(session=session, method="GET", path=request.path[:60] + "…")
    response = HttpResponseRedirect("/")
    remaining = int((session.expires_at - timezone.now()).total_seconds())
    response.set_cookie(COOKIE, token, **support_cookie_kwargs(max(remaining, 1)))  # type: ignore[arg-type]
    return response


@require_POST
def end(request: HttpRequest) -> HttpResponse:
    """Ends the visit (the operator's button in the banner); without a session, just drops the cookie."""
    session = getattr(request, "support_session", None)
    if session is not None:
        services.support_session_end(session_id=session.pk, by=session.operator_username)
    response = render(request, "support/ended.html")
    response.delete_cookie(COOKIE)
    return response


@administrators_only
def sessions(request: HttpRequest) -> HttpResponse:
    """Every support session in this commune, and the switch that forbids them (administrators)."""
    slug = _slug()
    allowed = selectors.consent_allowed(slug=slug)
    form = ConsentForm(request.POST or None, initial={"allowed": "1" if allowed else "0"})
    if request.method == "POST" and form.is_valid():
        services.support_consent_set(
            actor=request.user,  # type: ignore[arg-type]
            slug=slug,
            allowed=form.cleaned_data["allowed"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("Support access is now allowed.")
            if form.cleaned_data["allowed"]
            else _("Support access is now forbidden; open sessions are ended."),
        )
        return HttpResponseRedirect(request.path)
    return render(
        request,
        "support/sessions.html",
        {
            "rows": selectors.sessions_of(slug=slug),
            "allowed": allowed,
            "history": selectors.consent_history(slug=slug),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
