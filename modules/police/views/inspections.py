"""Inspections: the PV, its photos, sanctions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jamaa.platform.kernel import files
from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.kernel.verification import verify_path

from .. import documents, forms, permissions, selectors, services, verification
from ..models import (
    Inspection,
    SanctionKind,
)
from ._common import (
    SANCTION_AR,
    SANCTION_FR,
    STAFF,
    _pdf,
    _roles,
)

# --- Inspections -------------------------------------------------------------------------------------------


@role_required(*STAFF)
def inspection_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.inspection_list(viewer=request.user)[:100]
    return render(request, "police/inspection_list.html", {**_roles(request), "rows": rows})


@role_required(permissions.INSPECTOR)
def inspection_record(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment = selectors.establishment_get(viewer=request.user, establishment_id=establishment_id)
    choices = [(a.pk, f"{a.reference} ({a.surface_m2 or '-'} m²)") for a in establishment.authorisations.all()]
    form = forms.InspectionForm(request.POST or None, request.FILES or None, authorisations=choices)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        d.pop("photos", None)
        photos = tuple(
            services.PhotoInput(name=f.name or "photo", content=f.read()) for f in request.FILES.getlist("photos")[:6]
        )
        data = services.InspectionInput(establishment_id=establishment.pk, **d)
        created = run_in_form(
            form,
            lambda: services.inspection_record(actor=request.user, data=data, photos=photos),
            detail=True,
            aliases={"photos": "photos"},
        )
        if created is not None:
            return HttpResponseRedirect(reverse("police:inspection-detail", args=[created.pk]))
    status = 400 if form.errors else 200
    return render(
        request,
        "police/inspection_form.html",
        {"form": form, "establishment": establishment},
        status=status,
    )


def _inspection_page(request: HttpRequest, inspection_id: int, **bound: Any) -> HttpResponse:
    found = selectors.inspection_get(viewer=request.user, inspection_id=inspection_id)
    context: dict[str, Any] = {
        **_roles(request),
        "i": found,
        "sanction_form": forms.SanctionForm(
            initial={"deadline": timezone.localdate() + dt.timedelta(days=8), "kind": SanctionKind.WARNING}
        ),
        "resolve_form": forms.ResolveForm(),
    }
    context.update(bound)
    return render(request, "police/inspection_detail.html", context, status=400 if bound else 200)


@role_required(*STAFF)
def inspection_detail(request: HttpRequest, inspection_id: int) -> HttpResponse:
    return _inspection_page(request, inspection_id)


@require_POST
@role_required(permissions.INSPECTOR, permissions.DECIDER)
def sanction_impose(request: HttpRequest, inspection_id: int) -> HttpResponse:
    form = forms.SanctionForm(request.POST)
    if form.is_valid():
        done = run_in_form(
            form,
            lambda: services.sanction_impose(actor=request.user, inspection_id=inspection_id, **form.cleaned_data),
            detail=True,
        )
        if done is not None:
            return HttpResponseRedirect(reverse("police:inspection-detail", args=[inspection_id]))
    return _inspection_page(request, inspection_id, sanction_form=form)


@require_POST
@role_required(permissions.INSPECTOR, permissions.DECIDER)
def sanction_resolve(request: HttpRequest, inspection_id: int, sanction_id: int) -> HttpResponse:
    form = forms.ResolveForm(request.POST)
    if form.is_valid():
        selectors.inspection_get(viewer=request.user, inspection_id=inspection_id)
        done = run_in_form(
            form, lambda: services.sanction_resolve(actor=request.user, sanction_id=sanction_id, **form.cleaned_data)
        )
        if done is not None:
            return HttpResponseRedirect(reverse("police:inspection-detail", args=[inspection_id]))
    return _inspection_page(request, inspection_id, resolve_form=form)


@role_required(*STAFF)
def inspection_pv_pdf(request: HttpRequest, inspection_id: int) -> HttpResponse:
    i: Inspection = selectors.inspection_get(viewer=request.user, inspection_id=inspection_id)
    pdf = documents.render_pv(
        documents.PvDocument(
            masthead=documents.masthead_for(request),
            reference=i.reference,
            number=i.number,
            inspected_at=timezone.localtime(i.inspected_at),
            inspector=i.inspector.get_full_name() or i.inspector.get_username(),
            establishment=i.establishment.name,
            address=i.establishment.address,
            holder=i.establishment.owner_name,
            authorisation=i.authorisation.reference if i.authorisation else "",
            surface_granted=i.authorisation.surface_m2 if i.authorisation else None,
            surface_measured=i.measured_surface_m2,
            latitude=i.latitude,
            longitude=i.longitude,
            findings=i.findings,
            compliant=i.compliant,
            photos=len(i.photos.all()),
            sanctions=tuple(
                documents.SanctionLine(
                    kind_fr=SANCTION_FR[SanctionKind(s.kind)],
                    kind_ar=SANCTION_AR[SanctionKind(s.kind)],
                    reason=s.reason,
                    deadline=s.deadline,
                    amount_dh=s.amount_dh,
                )
                for s in i.sanctions.all()
            ),
            verify_url=request.build_absolute_uri(verify_path(kind=verification.PV, code=i.code)),
        )
    )
    return _pdf(pdf, f"pv-{i.reference.replace('/', '-')}.pdf")


@role_required(*STAFF)
def inspection_photo(request: HttpRequest, inspection_id: int, photo_id: int) -> HttpResponse:
    name, content_type = selectors.photo_get(viewer=request.user, inspection_id=inspection_id, photo_id=photo_id)
    return HttpResponse(files.tenant_read(name), content_type=content_type)
