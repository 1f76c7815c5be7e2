"""Pages of Concours: as thin as the API. Roles by the kernel's decorator; a refusal goes on the form through
the kernel's run_in_form (no try/except here); 403 and 404 are the styled error pages."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required

from . import permissions, selectors, services


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=200)


@role_required(permissions.AGENT)
def entry_list(request: HttpRequest) -> HttpResponse:
    form = EntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = run_in_form(form, lambda: services.entry_create(actor=request.user, title=form.cleaned_data["title"]))
        if entry is not None:
            return HttpResponseRedirect(request.path)
    entries = selectors.entry_list(viewer=request.user)
    status = 400 if form.errors else 200
    return render(request, "concours/entry_list.html", {"form": form, "entries": entries}, status=status)
