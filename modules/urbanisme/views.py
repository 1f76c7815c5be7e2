"""Pages of the urbanisme module: as thin as the API. Roles by the kernel's decorator; a service's refusal goes on
the form through the kernel's run_in_form (no try/except here); 403 and 404 are the styled error pages; stored
documents are served as issued."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms as djforms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import DetailPage, run_in_form
from jamaa.platform.kernel.roles import role_required
from jamaa.platform.kernel.verification import verify_path

from . import documents, forms, permissions, selectors, services
from .models import LIGHT, DocumentKind, Kind, Status
from .verification import KIND

READERS = (permissions.AGENT, permissions.SIGNATORY)


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "is_agent": permissions.is_agent(request.user),
        "is_signatory": permissions.is_signatory(request.user),
        **extra,
    }


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(*READERS)
def desk(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "urbanisme/desk.html",
        _ctx(request, mine=selectors.desk(viewer=request.user), to_take=selectors.to_take(viewer=request.user)),
    )


@role_required(*READERS)
def dossier_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "")[:100]
    rows = selectors.dossier_list(
        viewer=request.user,
        status=status if status in Status.values else None,
        kind=kind if kind in Kind.values else None,
        q=q,
    )
    return render(
        request,
        "urbanisme/dossier_list.html",
        _ctx(request, rows=rows, q=q, status=status, kind=kind, statuses=Status.choices, kinds=Kind.choices),
    )


def _deposit_form(request: HttpRequest) -> forms.DepositForm:
    choices = selectors.piece_choices()
    return forms.DepositForm(
        request.POST or None,
        pieces=[(f"{c.kind}:{c.code}", f"{c.label_fr} · {c.label_ar}") for c in choices],
        parents=selectors.delivered_permits(viewer=request.user),
    )


@role_required(permissions.AGENT)
def dossier_deposit(request: HttpRequest) -> HttpResponse:
    form = _deposit_form(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kind = d["kind"]
        data = services.DossierInput(
            kind=kind,
            subject=d["subject"],
            petitioner_kind=d["petitioner_kind"],
            petitioner_name=d["petitioner_name"],
            petitioner_cin=d["petitioner_cin"],
            petitioner_rc=d["petitioner_rc"],
            petitioner_ice=d["petitioner_ice"],
            petitioner_address=d["petitioner_address"],
            petitioner_phone=d["petitioner_phone"],
            architect_name=d["architect_name"],
            architect_ordre=d["architect_ordre"],
            use=d["use"],
            built_area_m2=d["built_area_m2"] or Decimal("0"),
            floors=d["floors"] or 0,
            housing_units=d["housing_units"] or 0,
            parcels=(
                services.ParcelInput(
                    title_number=d["title_number"],
                    address=d["parcel_address"],
                    latitude=d["latitude"],
                    longitude=d["longitude"],
                    area_m2=d["area_m2"],
                ),
            ),
            pieces=tuple(v.split(":", 1)[1] for v in d["pieces"] if v.startswith(f"{kind}:")),
            parent_id=d["parent_id"],
            rokhas_reference=d["rokhas_reference"],
        )
        dossier = run_in_form(form, lambda: services.dossier_deposit(actor=request.user, data=data))
        if dossier is not None:
            _issue(request, DocumentKind.RECEIPT, dossier_id=dossier.pk)
            return HttpResponseRedirect(reverse("urbanisme:dossier-detail", args=[dossier.pk]))
    status = 400 if form.errors else 200
    return render(request, "urbanisme/dossier_deposit.html", _ctx(request, form=form), status=status)


def _detail_context(request: HttpRequest, dossier_id: int, **extra: Any) -> dict[str, Any]:
    detail = selectors.dossier_get(viewer=request.user, dossier_id=dossier_id)
    missing = [(p.code, f"{p.label_fr} · {p.label_ar}") for p in detail.pieces if p.received_on is None]
    agenda = [(s.pk, s.reference) for s in selectors.sittings_list(viewer=request.user) if s.status == "planned"]
    return _ctx(
        request,
        d=detail,
        pieces_form=extra.pop("pieces_form", None) or forms.PiecesForm(codes=missing),
        consult_form=extra.pop("consult_form", None)
        or forms.ConsultForm(services=[(s.pk, f"{s.name_fr} · {s.name_ar}") for s in selectors.services_list()]),
        sign_form=extra.pop("sign_form", None) or forms.SignForm(),
        light=detail.dossier.kind in LIGHT,
        planned_sittings=agenda,
        return_form=forms.ReturnForm(),
        **extra,
    )


def _refused(bound: dict[str, djforms.Form]) -> dict[str, Any]:
    """The refused form under its name, and which one it is (the page shows its errors on top)."""
    if not bound:
        return {}
    ((name, form),) = bound.items()
    return {name: form, "failed": name, "failed_form": form}


DOSSIER = DetailPage(
    "urbanisme:dossier-detail",
    lambda request, dossier_id, **bound: render(
        request, "urbanisme/dossier_detail.html", _detail_context(request, dossier_id, **_refused(bound))
    ),
)


@role_required(*READERS)
def dossier_detail(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.render(request, dossier_id)


@require_POST
@role_required(permissions.AGENT)
def dossier_instruct(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.NoteForm(request.POST),
        "instruct_form",
        lambda d: services.dossier_instruct(actor=request.user, dossier_id=dossier_id),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_pieces(request: HttpRequest, dossier_id: int) -> HttpResponse:
    detail = selectors.dossier_get(viewer=request.user, dossier_id=dossier_id)
    form = forms.PiecesForm(request.POST, codes=[(p.code, p.label_fr) for p in detail.pieces if p.received_on is None])
    return DOSSIER.act(
        request,
        dossier_id,
        form,
        "pieces_form",
        lambda d: services.pieces_receive(actor=request.user, dossier_id=dossier_id, codes=d["codes"]),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_incomplete(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.NoteForm(request.POST),
        "incomplete_form",
        lambda d: services.dossier_incomplete(actor=request.user, dossier_id=dossier_id, note=d["note"]),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_complete(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.NoteForm(request.POST),
        "complete_form",
        lambda d: services.dossier_complete(actor=request.user, dossier_id=dossier_id, note=d["note"]),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_consult(request: HttpRequest, dossier_id: int) -> HttpResponse:
    form = forms.ConsultForm(request.POST, services=[(s.pk, s.name_fr) for s in selectors.services_list()])
    return DOSSIER.act(
        request,
        dossier_id,
        form,
        "consult_form",
        lambda d: services.consultation_send(
            actor=request.user,
            dossier_id=dossier_id,
            service_id=d["service_id"],
            sent_on=d["sent_on"],
            deadline=d["deadline"],
        ),
    )


@require_POST
@role_required(permissions.AGENT)
def consultation_return(request: HttpRequest, dossier_id: int, consultation_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.ReturnForm(request.POST),
        "return_form",
        lambda d: services.consultation_return(
            actor=request.user,
            consultation_id=consultation_id,
            avis=d["avis"],
            note=d["note"],
            returned_on=d["returned_on"],
        ),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_decide(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.DecideForm(request.POST),
        "decide_form",
        lambda d: services.dossier_decide_light(
            actor=request.user, dossier_id=dossier_id, favourable=d["favourable"], note=d["note"]
        ),
    )


def _issue(request: HttpRequest, kind: str, *, correction: str = "", **target: int | None) -> Any:
    return services.document_issue(
        actor=request.user,
        kind=kind,
        masthead=documents.masthead_for(request),
        url_for=lambda code: request.build_absolute_uri(verify_path(kind=KIND, code=code)),
        correction=correction,
        **target,
    )


@require_POST
@role_required(permissions.SIGNATORY)
def dossier_sign(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.SignForm(request.POST),
        "sign_form",
        lambda d: services.decision_sign(
            actor=request.user, dossier_id=dossier_id, signatory=d["signatory"], conditions=d["conditions"]
        ),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_tax(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.NoteForm(request.POST),
        "tax_form",
        lambda d: services.tax_liquidate(actor=request.user, dossier_id=dossier_id),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_deliver(request: HttpRequest, dossier_id: int) -> HttpResponse:
    def deliver(d: dict[str, Any]) -> Any:
        dossier = services.dossier_deliver(actor=request.user, dossier_id=dossier_id)
        _issue(request, DocumentKind.PERMIT, dossier_id=dossier.pk)
        return dossier

    return DOSSIER.act(request, dossier_id, forms.NoteForm(request.POST), "deliver_form", deliver)


@require_POST
@role_required(permissions.AGENT)
def dossier_withdraw(request: HttpRequest, dossier_id: int) -> HttpResponse:
    return DOSSIER.act(
        request,
        dossier_id,
        forms.ReasonForm(request.POST),
        "withdraw_form",
        lambda d: services.dossier_withdraw(actor=request.user, dossier_id=dossier_id, reason=d["reason"]),
    )


@require_POST
@role_required(permissions.AGENT)
def dossier_document(request: HttpRequest, dossier_id: int, kind: str) -> HttpResponse:
    form = forms.IssueForm(request.POST)

    def issue(d: dict[str, Any]) -> Any:
        if kind == DocumentKind.CONSULTATION:
            return _issue(request, kind, consultation_id=d["consultation_id"], correction=d["correction"])
        return _issue(request, kind, dossier_id=dossier_id, correction=d["correction"])

    return DOSSIER.act(request, dossier_id, form, "issue_form", issue)


@role_required(*READERS)
def document_download(request: HttpRequest, document_id: int) -> HttpResponse:
    stored = selectors.document_get(viewer=request.user, document_id=document_id)
    return _pdf(stored.content, stored.name)


@role_required(*READERS)
def late(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "urbanisme/late.html",
        _ctx(
            request,
            board=selectors.late_dashboard(viewer=request.user),
            consultations=selectors.consultations_late(viewer=request.user),
        ),
    )


@role_required(*READERS)
def parcels(request: HttpRequest, dossier_id: int) -> HttpResponse:
    detail = selectors.dossier_get(viewer=request.user, dossier_id=dossier_id)
    return render(request, "urbanisme/parcels.html", _ctx(request, d=detail))


# -------------------------------------------------------------------------------------------- commission


@role_required(*READERS)
def sitting_list(request: HttpRequest) -> HttpResponse:
    form = forms.SittingForm(request.POST or None)
    if request.method == "POST":
        if not permissions.is_agent(request.user):
            raise PermissionDenied
        if form.is_valid():
            sitting = run_in_form(
                form,
                lambda: services.sitting_create(
                    actor=request.user, day=form.cleaned_data["day"], place=form.cleaned_data["place"]
                ),
            )
            if sitting is not None:
                return HttpResponseRedirect(reverse("urbanisme:sitting-detail", args=[sitting.pk]))
    return render(
        request,
        "urbanisme/sitting_list.html",
        _ctx(request, sittings=selectors.sittings_list(viewer=request.user), form=form),
        status=400 if form.errors else 200,
    )


def _sitting_context(request: HttpRequest, sitting_id: int, **extra: Any) -> dict[str, Any]:
    view = selectors.sitting_get(viewer=request.user, sitting_id=sitting_id)
    ready = [(r.id, f"{r.reference} — {r.petitioner}") for r in selectors.ready_for_commission(viewer=request.user)]
    return _ctx(
        request,
        s=view,
        agenda_form=extra.pop("agenda_form", None) or forms.AgendaForm(dossiers=ready),
        hold_form=extra.pop("hold_form", None) or forms.HoldForm(),
        avis_form=forms.ItemAvisForm(),
        **extra,
    )


SITTING = DetailPage(
    "urbanisme:sitting-detail",
    lambda request, sitting_id, **bound: render(
        request, "urbanisme/sitting_detail.html", _sitting_context(request, sitting_id, **_refused(bound))
    ),
)


@role_required(*READERS)
def sitting_detail(request: HttpRequest, sitting_id: int) -> HttpResponse:
    return SITTING.render(request, sitting_id)


@require_POST
@role_required(permissions.AGENT)
def sitting_add(request: HttpRequest, sitting_id: int) -> HttpResponse:
    ready = [(r.id, r.reference) for r in selectors.ready_for_commission(viewer=request.user)]
    return SITTING.act(
        request,
        sitting_id,
        forms.AgendaForm(request.POST, dossiers=ready),
        "agenda_form",
        lambda d: services.sitting_add(actor=request.user, sitting_id=sitting_id, dossier_id=d["dossier_id"]),
    )


@require_POST
@role_required(permissions.AGENT)
def sitting_avis(request: HttpRequest, sitting_id: int) -> HttpResponse:
    return SITTING.act(
        request,
        sitting_id,
        forms.ItemAvisForm(request.POST),
        "avis_form",
        lambda d: services.sitting_avis(actor=request.user, item_id=d["item_id"], avis=d["avis"], note=d["note"]),
    )


@require_POST
@role_required(permissions.AGENT)
def sitting_hold(request: HttpRequest, sitting_id: int) -> HttpResponse:
    def hold(d: dict[str, Any]) -> Any:
        sitting = services.sitting_hold(
            actor=request.user,
            sitting_id=sitting_id,
            members_present=d["members_present"],
            minutes_note=d["minutes_note"],
        )
        _issue(request, DocumentKind.MINUTES, sitting_id=sitting.pk)
        return sitting

    return SITTING.act(request, sitting_id, forms.HoldForm(request.POST), "hold_form", hold)


# ----------------------------------------------------------------------------------------------- exchange


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return max(2000, min(year, 2100))


@role_required(*READERS)
def display_register(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    rows = selectors.display_register(viewer=request.user, year=year)
    content = selectors.DocumentContent(
        kind="register",
        title_fr=f"Registre d'affichage des autorisations accordées — {year}",
        title_ar=f"سجل إشهار الرخص الممنوحة — {year}",
        number=str(year),
        holder="",
        rows=[("Arrêté au", timezone.localdate().strftime("%d/%m/%Y"), "حصر في")],
        table_head=["Dossier", "Nature", "Pétitionnaire", "Objet", "Statut"],
        table=[[r.reference, r.kind_label, r.petitioner, r.subject, r.status_label] for r in rows],
    )
    pdf = documents.render_document(content=content, masthead=documents.masthead_for(request), code="", verify_url="")
    return _pdf(pdf, f"registre-{year}.pdf")


@role_required(*READERS)
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    year = _year(request)
    if fmt == "json":
        response = HttpResponse(
            selectors.export_json(viewer=request.user, year=year), content_type="application/json; charset=utf-8"
        )
    else:
        response = HttpResponse(
            selectors.export_csv(viewer=request.user, year=year), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="urbanisme-{year}.{fmt}"'
    return response
