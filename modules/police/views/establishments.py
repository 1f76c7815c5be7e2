"""The service's home, establishments and the register of authorisations in force."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language_bidi

from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required

from .. import forms, permissions, selectors, services
from ._common import STAFF, _roles


@role_required(*STAFF)
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "police/home.html",
        {
            **_roles(request),
            "counts": selectors.dashboard(viewer=request.user),
            "requests": selectors.request_list(viewer=request.user)[:10],
            "notices": selectors.notices_recent(viewer=request.user, limit=10),
            "sanctions": selectors.sanctions_open(viewer=request.user)[:10],
        },
    )


# --- Establishments ------------------------------------------------------------------------------------------


def _activities() -> list[tuple[str, str]]:
    arabic = get_language_bidi()
    return [(a.code, a.label_ar if arabic else a.label_fr) for a in selectors.activities()]


@role_required(*STAFF)
def establishment_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    rows = selectors.establishment_list(viewer=request.user, q=q)[:100]
    return render(request, "police/establishment_list.html", {**_roles(request), "rows": rows, "q": q})


@role_required(permissions.AGENT)
def establishment_create(request: HttpRequest) -> HttpResponse:
    form = forms.EstablishmentForm(request.POST or None, activities=_activities())
    if request.method == "POST" and form.is_valid():
        data = services.EstablishmentInput(**form.cleaned_data)
        created = run_in_form(form, lambda: services.establishment_create(actor=request.user, data=data), detail=True)
        if created is not None:
            return HttpResponseRedirect(reverse("police:establishment-detail", args=[created.pk]))
    status = 400 if form.errors else 200
    return render(request, "police/form_page.html", {"form": form, "title": "establishment"}, status=status)


@role_required(*STAFF)
def establishment_detail(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment = selectors.establishment_get(viewer=request.user, establishment_id=establishment_id)
    return render(
        request,
        "police/establishment_detail.html",
        {
            **_roles(request),
            "e": establishment,
            "requests": establishment.requests.all(),
            "authorisations": establishment.authorisations.all(),
            "inspections": selectors.inspection_list(viewer=request.user, establishment_id=establishment_id),
        },
    )


@role_required(*STAFF)
def register_in_force(request: HttpRequest) -> HttpResponse:
    return render(request, "police/register.html", {**_roles(request), "rows": selectors.register_in_force()})
