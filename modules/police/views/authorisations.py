"""Authorisations: the list, the page, suspension / withdrawal / reinstatement, the PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.kernel.verification import verify_path

from .. import documents, forms, permissions, selectors, services, verification
from ..models import (
    AuthorisationStatus,
    OccupationType,
)
from ._common import (
    OCCUPATION_AR,
    OCCUPATION_FR,
    STAFF,
    STATUS_AR,
    STATUS_FR,
    _ar_kind,
    _fr_kind,
    _pdf,
    _roles,
)

# --- Authorisations ----------------------------------------------------------------------------------------


@role_required(*STAFF)
def authorisation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    rows = selectors.authorisation_list(viewer=request.user, status=status)[:100]
    return render(
        request,
        "police/authorisation_list.html",
        {**_roles(request), "rows": rows, "status": status, "statuses": AuthorisationStatus.choices},
    )


def _authorisation_page(request: HttpRequest, authorisation_id: int, **bound: Any) -> HttpResponse:
    found = selectors.authorisation_get(viewer=request.user, authorisation_id=authorisation_id)
    context: dict[str, Any] = {
        **_roles(request),
        "a": found,
        "periods": selectors.revenue_periods(viewer=request.user, authorisation_id=authorisation_id),
        "events": found.events.all(),
        "inspections": found.inspections.all(),
        "decide_form": forms.DecideForm(),
        "verify_url": verify_path(kind=verification.AUTHORISATION, code=found.code),
    }
    context.update(bound)
    return render(request, "police/authorisation_detail.html", context, status=400 if bound else 200)


@role_required(*STAFF)
def authorisation_detail(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    return _authorisation_page(request, authorisation_id)


@require_POST
@role_required(permissions.DECIDER)
def authorisation_decide(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    form = forms.DecideForm(request.POST)
    if form.is_valid():
        done = run_in_form(
            form,
            lambda: services.authorisation_decide(
                actor=request.user, authorisation_id=authorisation_id, **form.cleaned_data
            ),
            detail=True,
        )
        if done is not None:
            return HttpResponseRedirect(reverse("police:authorisation-detail", args=[authorisation_id]))
    return _authorisation_page(request, authorisation_id, decide_form=form)


@role_required(*STAFF)
def authorisation_pdf(request: HttpRequest, authorisation_id: int) -> HttpResponse:
    a = selectors.authorisation_get(viewer=request.user, authorisation_id=authorisation_id)
    status = AuthorisationStatus(a.status)
    pdf = documents.render_authorisation(
        documents.AuthorisationDocument(
            masthead=documents.masthead_for(request),
            kind_fr=_fr_kind(a),
            kind_ar=_ar_kind(a),
            reference=a.reference,
            number=a.number,
            year=a.year,
            holder=a.holder_name,
            holder_identifier=a.holder_identifier,
            establishment=a.establishment.name,
            address=a.establishment.address,
            activity=a.activity_label,
            occupation_fr=OCCUPATION_FR.get(OccupationType(a.occupation_type), "") if a.occupation_type else "",
            occupation_ar=OCCUPATION_AR.get(OccupationType(a.occupation_type), "") if a.occupation_type else "",
            surface_m2=a.surface_m2,
            valid_from=a.valid_from,
            valid_until=a.valid_until,
            conditions=a.conditions,
            request_reference=a.request.reference,
            mail_reference=a.request.mail_reference,
            granted_on=timezone.localdate(a.granted_at),
            status_fr=STATUS_FR[status],
            status_ar=STATUS_AR[status],
            in_force=status == AuthorisationStatus.ACTIVE,
            verify_url=request.build_absolute_uri(verify_path(kind=verification.AUTHORISATION, code=a.code)),
        )
    )
    return _pdf(pdf, f"autorisation-{a.reference.replace('/', '-')}.pdf")
