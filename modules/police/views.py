"""Pages of the police administrative (French/Arabic, phone widths for inspectors in the street): as thin as the
API. Roles by the kernel's decorator; a refusal goes on its form through run_in_form (no try/except here); 403 and
404 are the styled error pages; documents are rendered from what the selectors return."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_POST

from jamaa.platform.kernel import files
from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.kernel.verification import verify_path

from . import documents, exceptions, forms, permissions, selectors, services, verification
from .models import (
    INQUIRY_CLASSES,
    Authorisation,
    AuthorisationStatus,
    Inspection,
    Kind,
    NuisanceClass,
    OccupationType,
    Opinion,
    Request,
    RequestStatus,
    SanctionKind,
)

STAFF = permissions.ROLES


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _roles(request: HttpRequest) -> dict[str, bool]:
    return {
        "is_agent": permissions.is_agent(request.user),
        "is_decider": permissions.is_decider(request.user),
        "is_inspector": permissions.is_inspector(request.user),
    }


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


def _label(choices: Any, value: str) -> str:
    return str(dict(choices).get(value, value))


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


OPINION_FR = {
    Opinion.FAVOURABLE: "Favorable",
    Opinion.RESERVED: "Favorable avec réserves",
    Opinion.UNFAVOURABLE: "Défavorable",
}
OPINION_AR = {Opinion.FAVOURABLE: "موافق", Opinion.RESERVED: "موافق مع تحفظات", Opinion.UNFAVOURABLE: "غير موافق"}
CLASS_FR = {
    NuisanceClass.NONE: "sans nuisance",
    NuisanceClass.SECOND: "établissement de 2e classe",
    NuisanceClass.THIRD: "établissement de 3e classe",
    NuisanceClass.REGULATED: "métier réglementé",
}
OCCUPATION_FR = {
    OccupationType.TERRACE: "Terrasse",
    OccupationType.KIOSK: "Kiosque",
    OccupationType.ADVERTISING: "Publicité",
    OccupationType.WORKS: "Travaux",
}
OCCUPATION_AR = {
    OccupationType.TERRACE: "شرفة (تيراس)",
    OccupationType.KIOSK: "كشك",
    OccupationType.ADVERTISING: "إشهار",
    OccupationType.WORKS: "أشغال",
}
STATUS_FR = {
    AuthorisationStatus.ACTIVE: "En vigueur",
    AuthorisationStatus.SUSPENDED: "Suspendue",
    AuthorisationStatus.WITHDRAWN: "Retirée",
    AuthorisationStatus.EXPIRED: "Expirée",
}
STATUS_AR = {
    AuthorisationStatus.ACTIVE: "سارية المفعول",
    AuthorisationStatus.SUSPENDED: "موقوفة",
    AuthorisationStatus.WITHDRAWN: "مسحوبة",
    AuthorisationStatus.EXPIRED: "منتهية الصلاحية",
}
SANCTION_FR = {SanctionKind.WARNING: "Avertissement", SanctionKind.FINE: "Amende", SanctionKind.CLOSURE: "Fermeture"}
SANCTION_AR = {SanctionKind.WARNING: "إنذار", SanctionKind.FINE: "غرامة", SanctionKind.CLOSURE: "إغلاق"}


def _fr_kind(found: Request | Authorisation) -> str:
    return verification.KIND_FR[Kind(found.kind)]


def _ar_kind(found: Request | Authorisation) -> str:
    return verification.KIND_AR[Kind(found.kind)]


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


@role_required(*STAFF)
def register_in_force(request: HttpRequest) -> HttpResponse:
    return render(request, "police/register.html", {**_roles(request), "rows": selectors.register_in_force()})
