"""Requests: submission, inquiry, commission, decision, and their documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.kernel.verification import verify_path

from .. import documents, exceptions, forms, permissions, selectors, services
from ..models import (
    INQUIRY_CLASSES,
    Kind,
    NuisanceClass,
    OccupationType,
    Opinion,
    RequestStatus,
)
from ._common import (
    CLASS_FR,
    OCCUPATION_FR,
    OPINION_AR,
    OPINION_FR,
    STAFF,
    _ar_kind,
    _fr_kind,
    _pdf,
    _roles,
)

# --- Requests ----------------------------------------------------------------------------------------------


@role_required(*STAFF)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    rows = selectors.request_list(viewer=request.user, status=status)[:100]
    return render(
        request,
        "police/request_list.html",
        {**_roles(request), "rows": rows, "status": status, "statuses": RequestStatus.choices},
    )


@role_required(permissions.AGENT)
def request_submit(request: HttpRequest, establishment_id: int) -> HttpResponse:
    establishment = selectors.establishment_get(viewer=request.user, establishment_id=establishment_id)
    today = timezone.localdate()
    form = forms.RequestForm(
        request.POST or None,
        initial={"period_start": today, "period_end": today.replace(month=12, day=31), "kind": Kind.OCCUPATION},
    )
    if request.method == "POST" and form.is_valid():
        data = services.RequestInput(establishment_id=establishment.pk, **form.cleaned_data)
        created = run_in_form(form, lambda: services.request_submit(actor=request.user, data=data), detail=True)
        if created is not None:
            return HttpResponseRedirect(reverse("police:request-detail", args=[created.pk]))
    status = 400 if form.errors else 200
    return render(
        request,
        "police/form_page.html",
        {"form": form, "title": "request", "establishment": establishment},
        status=status,
    )


def _request_page(request: HttpRequest, request_id: int, *, status: int = 200, **bound: Any) -> HttpResponse:
    found = selectors.request_get(viewer=request.user, request_id=request_id)
    today = timezone.localdate()
    inquiry = selectors.request_inquiry(viewer=request.user, request_id=request_id)
    context: dict[str, Any] = {
        **_roles(request),
        "r": found,
        "inquiry": inquiry,
        "needs_inquiry": found.kind == Kind.ECONOMIC and found.nuisance_class in INQUIRY_CLASSES,
        "authorisation": selectors.request_authorisation(viewer=request.user, request_id=request_id),
        "inquiry_form": forms.InquiryForm(
            initial={"opened_on": today, "closes_on": today + dt.timedelta(days=services.INQUIRY_MIN_DAYS)}
        ),
        "objection_form": forms.ObjectionForm(),
        "close_form": forms.InquiryCloseForm(),
        "avis_form": forms.AvisForm(),
        "grant_form": forms.GrantForm(
            initial={
                "valid_from": max(today, found.period_start),
                "valid_until": found.period_end,
                "surface_m2": found.surface_m2,
            }
        ),
        "refuse_form": forms.RefuseForm(),
    }
    context.update(bound)
    return render(request, "police/request_detail.html", context, status=status)


@role_required(*STAFF)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _request_page(request, request_id)


def _act(request: HttpRequest, request_id: int, form: Any, name: str, call: Any, *, to: str = "") -> HttpResponse:
    """Run one action of a request's page: back to the page (or `to`) when done, else the page with the refusal
    on its form."""
    if form.is_valid():
        done = run_in_form(form, lambda: call(form.cleaned_data), detail=True)
        if done is not None:
            return HttpResponseRedirect(to or reverse("police:request-detail", args=[request_id]))
    return _request_page(request, request_id, status=400, **{name: form})


@require_POST
@role_required(permissions.AGENT)
def inquiry_open(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        forms.InquiryForm(request.POST),
        "inquiry_form",
        lambda d: services.inquiry_open(actor=request.user, request_id=request_id, **d),
    )


@require_POST
@role_required(permissions.AGENT)
def objection_record(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        forms.ObjectionForm(request.POST),
        "objection_form",
        lambda d: services.objection_record(actor=request.user, request_id=request_id, **d),
    )


@require_POST
@role_required(permissions.AGENT)
def inquiry_close(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        forms.InquiryCloseForm(request.POST),
        "close_form",
        lambda d: services.inquiry_close(actor=request.user, request_id=request_id, **d),
    )


@require_POST
@role_required(permissions.AGENT)
def request_to_commission(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        forms.RefuseForm({"reason": "-"}),
        "commission_form",
        lambda d: services.request_to_commission(actor=request.user, request_id=request_id),
    )


@require_POST
@role_required(permissions.AGENT)
def avis_record(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        forms.AvisForm(request.POST),
        "avis_form",
        lambda d: services.avis_record(actor=request.user, request_id=request_id, **d),
    )


@require_POST
@role_required(permissions.DECIDER)
def request_grant(request: HttpRequest, request_id: int) -> HttpResponse:
    form = forms.GrantForm(request.POST)
    if form.is_valid():
        data = services.GrantInput(**form.cleaned_data)
        granted = run_in_form(
            form, lambda: services.request_grant(actor=request.user, request_id=request_id, data=data), detail=True
        )
        if granted is not None:
            return HttpResponseRedirect(reverse("police:authorisation-detail", args=[granted.pk]))
    return _request_page(request, request_id, status=400, grant_form=form)


@require_POST
@role_required(permissions.DECIDER)
def request_refuse(request: HttpRequest, request_id: int) -> HttpResponse:
    return _act(
        request,
        request_id,
        forms.RefuseForm(request.POST),
        "refuse_form",
        lambda d: services.request_refuse(actor=request.user, request_id=request_id, **d),
    )


@role_required(*STAFF)
def request_minutes_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request_get(viewer=request.user, request_id=request_id)
    establishment = found.establishment
    pdf = documents.render_minutes(
        documents.MinutesDocument(
            masthead=documents.masthead_for(request),
            request_reference=found.reference,
            establishment=establishment.name,
            holder=establishment.owner_name,
            activity=establishment.activity.label_fr,
            object_fr=_fr_kind(found),
            object_ar=_ar_kind(found),
            avis=tuple(
                documents.AvisLine(
                    member=a.member_name,
                    service=a.member_service,
                    opinion_fr=OPINION_FR[Opinion(a.opinion)],
                    opinion_ar=OPINION_AR[Opinion(a.opinion)],
                    remarks=a.remarks,
                )
                for a in found.avis.all()
            ),
            day=timezone.localdate(),
        )
    )
    return _pdf(pdf, f"commission-{found.reference.replace('/', '-')}.pdf")


@role_required(*STAFF)
def inquiry_notice_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request_get(viewer=request.user, request_id=request_id)
    inquiry = selectors.request_inquiry(viewer=request.user, request_id=request_id)
    if inquiry is None:
        raise exceptions.RequestNotFound()
    establishment = found.establishment
    pdf = documents.render_inquiry_notice(
        documents.NoticeDocument(
            masthead=documents.masthead_for(request),
            request_reference=found.reference,
            establishment=establishment.name,
            holder=establishment.owner_name,
            address=establishment.address,
            activity=establishment.activity.label_fr,
            class_fr=CLASS_FR[NuisanceClass(found.nuisance_class)],
            opened_on=inquiry.opened_on,
            closes_on=inquiry.closes_on,
        )
    )
    return _pdf(pdf, f"enquete-{found.reference.replace('/', '-')}.pdf")


@role_required(*STAFF)
def request_receipt_pdf(request: HttpRequest, request_id: int) -> HttpResponse:
    found = selectors.request_get(viewer=request.user, request_id=request_id)
    establishment = found.establishment
    details = (
        f"{OCCUPATION_FR[OccupationType(found.occupation_type)]}, {found.surface_m2} m²"
        if found.occupation_type
        else ""
    )
    pdf = documents.render_receipt(
        documents.ReceiptDocument(
            masthead=documents.masthead_for(request),
            reference=found.reference,
            number=found.number,
            kind_fr=_fr_kind(found),
            kind_ar=_ar_kind(found),
            mail_reference=found.mail_reference,
            submitted_at=timezone.localtime(found.submitted_at),
            holder=establishment.owner_name,
            establishment=establishment.name,
            address=establishment.address,
            object_fr=details,
            verify_url=request.build_absolute_uri(verify_path(kind="courrier.receipt", code=found.mail_code)),
        )
    )
    return _pdf(pdf, f"recepisse-{found.reference.replace('/', '-')}.pdf")
