"""The Staff pages of a commune's site, for its administrators: accounts, their roles, deactivation.

Thin: a form, one service of jamaa.platform.core.services, a page. Only members of "administrators" (and
superusers) get in; anyone else signed in gets a 403. An account is never deleted (acts and the audit trail
point at it): it is deactivated. A new account has no password: the page shows the one-time link where its
owner sets one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jamaa.platform.core import services as core_services

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def administrators_only(view: View[P]) -> View[P]:
    """Anonymous → the login page; signed in but not an administrator → 403."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        if not core_services.is_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _role_choices() -> list[tuple[str, str]]:
    arabic = (translation.get_language() or "").startswith("ar")
    return [(code, ar if arabic else fr) for code, (fr, ar) in core_services.staff_roles_known().items()]


class _StaffForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                field.widget.attrs.setdefault("class", "form-control")


class StaffCreateForm(_StaffForm):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)


class StaffRolesForm(_StaffForm):
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("Roles"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["groups"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = _role_choices()


@dataclass(frozen=True)
class StaffRow:
    user: Any
    roles: list[str]


def _user_or_404(user_id: int) -> Any:
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def _roles_of(user: Any) -> list[str]:
    known = core_services.staff_roles_known()
    return [name for name in user.groups.values_list("name", flat=True) if name in known]


@administrators_only
def staff_list(request: HttpRequest) -> HttpResponse:
    """Every account of the commune with its roles, active ones first."""
    labels = dict(_role_choices())
    users = get_user_model().objects.prefetch_related("groups").order_by("-is_active", "username")
    rows = [StaffRow(user, [labels[g.name] for g in user.groups.all() if g.name in labels]) for user in users]
    return render(request, "jamaa/staff_list.html", {"rows": rows})


@administrators_only
def staff_create(request: HttpRequest) -> HttpResponse:
    """A new account without a password; the page then shows its one-time link and its roles."""
    form = StaffCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user, link = core_services.staff_user_create(actor=request.user, **form.cleaned_data)
        except core_services.InvalidStaffInput:
            form.add_error("username", _("This username is already taken."))
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": user.get_username()})
            return render(
                request,
                "jamaa/staff_form.html",
                {
                    "staff_user": user,
                    "form": StaffRolesForm(initial={"groups": []}),
                    "password_link": request.build_absolute_uri(link),
                },
            )
    return render(request, "jamaa/staff_form.html", {"form": form, "staff_user": None})


@administrators_only
def staff_roles(request: HttpRequest, user_id: int) -> HttpResponse:
    """Tick the roles an account holds."""
    user = _user_or_404(user_id)
    if request.method == "POST":
        form = StaffRolesForm(request.POST)
        if form.is_valid():
            core_services.staff_roles_set(actor=request.user, user_id=user.pk, groups=form.cleaned_data["groups"])
            messages.success(request, _("Roles of %(username)s saved.") % {"username": user.get_username()})
            return HttpResponseRedirect(reverse("staff-list"))
    else:
        form = StaffRolesForm(initial={"groups": _roles_of(user)})
    return render(request, "jamaa/staff_form.html", {"form": form, "staff_user": user})


@administrators_only
@require_POST
def staff_active(request: HttpRequest, user_id: int) -> HttpResponse:
    """Deactivate an account (it can no longer sign in) or reactivate it."""
    user = _user_or_404(user_id)
    active = request.POST.get("active") == "1"
    try:
        core_services.staff_user_active_set(actor=request.user, user_id=user.pk, active=active)
    except core_services.InvalidStaffInput:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        done = _("Account %(username)s reactivated.") if active else _("Account %(username)s deactivated.")
        messages.success(request, done % {"username": user.get_username()})
    return HttpResponseRedirect(reverse("staff-list"))
