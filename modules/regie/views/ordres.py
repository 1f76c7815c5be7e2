"""Ordres de recette and bordereaux d'émission."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.pages import found

from .. import selectors, services
from ..forms import (
    BordereauCreateForm,
    OrdreIssueForm,
    OrdreListForm,
    OrdreTransitionForm,
    ReferenceForm,
)
from ..models import (
    ORDRE_TRANSITIONS,
    OrdreStatus,
    Regie,
)
from .common import _attempt, _name, _page, _tax_choices, _today, regisseur_required, with_regie

# ------------------------------------------------------------------------------------------- ordres de recette


def _resolve_debtors(form: OrdreIssueForm) -> list[dict[str, Any]] | None:
    """Each line's identifier (CIN, RC, ICE or #id) → one redevable; unknown or ambiguous ones go on the form."""
    lines: list[dict[str, Any]] = []
    problems: list[str] = []
    asset_id = form.cleaned_data.get("asset")
    found = selectors.redevable_ids_by_identifier(identifiers=[who for who, _amount in form.cleaned_data["lines"]])
    for who, amount in form.cleaned_data["lines"]:
        redevable_id = found.get(who)
        if redevable_id is None:
            problems.append(who)
            continue
        line: dict[str, Any] = {"redevable_id": redevable_id, "amount_dh": amount}
        if asset_id and len(form.cleaned_data["lines"]) == 1:
            line["asset_id"] = asset_id
        lines.append(line)
    if problems:
        form.add_error(
            "lines",
            _("No single redevable has this identifier: %(who)s.") % {"who": ", ".join(problems[:10])},
        )
        return None
    return lines


def _ordres_page(
    request: HttpRequest, regie: Regie, *, issue_form: OrdreIssueForm | None = None, status: int = 200
) -> HttpResponse:
    filters = OrdreListForm(request.GET if request.GET else None)
    exercice = _today().year
    state: str | None = None
    if filters.is_bound and filters.is_valid():
        exercice = filters.cleaned_data["exercice"] or exercice
        state = filters.cleaned_data["status"] or None
    if issue_form is None:
        initial: dict[str, Any] = {"exercice": exercice}
        for key in ("tax", "asset", "subject", "period", "lines"):
            if request.GET.get(key):
                initial[key] = request.GET[key]
        issue_form = OrdreIssueForm(initial=initial, taxes=_tax_choices())
    return _page(
        request,
        "ordre_list.html",
        {
            "regie": regie,
            "filters": filters,
            "exercice": exercice,
            "ordres": list(
                selectors.ordres_list(regie_id=regie.pk, exercice=exercice, viewer=request.user, status=state)
            ),
            "issue_form": issue_form,
        },
        status=status,
    )


@regisseur_required
@with_regie
def ordre_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Ordres de recette of an exercice, by status, and the form to issue one (individual or collective)."""
    return _ordres_page(request, regie)


@regisseur_required
@with_regie
@require_POST
def ordre_issue(request: HttpRequest, regie: Regie) -> HttpResponse:
    form = OrdreIssueForm(request.POST, taxes=_tax_choices())
    if form.is_valid():
        lines = _resolve_debtors(form)
        if lines is not None:
            data = form.cleaned_data
            ordre = _attempt(
                form,
                lambda: services.ordre_issue(
                    actor=request.user,
                    regie_id=regie.pk,
                    exercice=data["exercice"],
                    tax_id=data["tax"],
                    subject=data["subject"].strip(),
                    period=data["period"].strip(),
                    lines=lines,
                ),
            )
            if ordre is not None:
                messages.success(
                    request, _("Ordre de recette n° %(n)s/%(y)s issued.") % {"n": ordre.number, "y": ordre.exercice}
                )
                return HttpResponseRedirect(reverse("regie:ordre-detail", args=[ordre.pk]))
    return _ordres_page(request, regie, issue_form=form, status=400)


def _ordre_page(
    request: HttpRequest, ordre_id: int, *, form: OrdreTransitionForm | None = None, status: int = 200
) -> HttpResponse:
    ordre = found(lambda: selectors.ordre_get(ordre_id=ordre_id, viewer=request.user))
    labels = dict(OrdreStatus.choices)
    allowed = [(s, str(labels[s])) for s in ORDRE_TRANSITIONS.get(ordre.status, ())]
    # Taking in charge is the bordereau's business (the comptable takes the whole bordereau).
    allowed = [(s, label) for s, label in allowed if s != OrdreStatus.TAKEN_IN_CHARGE]
    return _page(
        request,
        "ordre_detail.html",
        {
            "ordre": ordre,
            "tax_name": _name(ordre.tax),
            "lines": list(ordre.lines.all()),
            "events": list(ordre.events.all()),
            "allowed": allowed,
            "form": form or OrdreTransitionForm(allowed=allowed),
        },
        status=status,
    )


@regisseur_required
def ordre_detail(request: HttpRequest, ordre_id: int) -> HttpResponse:
    return _ordre_page(request, ordre_id)


@regisseur_required
@require_POST
def ordre_transition(request: HttpRequest, ordre_id: int) -> HttpResponse:
    """Move an ordre: recovered, cancelled, written off or remitted, with its reason and reference."""
    ordre = found(lambda: selectors.ordre_get(ordre_id=ordre_id, viewer=request.user))
    labels = dict(OrdreStatus.choices)
    allowed = [(s, str(labels[s])) for s in ORDRE_TRANSITIONS.get(ordre.status, ()) if s != "taken_in_charge"]
    form = OrdreTransitionForm(request.POST, allowed=allowed)
    if form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.ordre_transition(
                actor=request.user,
                ordre_id=ordre_id,
                to_status=data["to_status"],
                reason=data["reason"].strip(),
                reference=data["reference"].strip(),
                recovered_dh=data["recovered_dh"],
            ),
        )
        if done is not None:
            messages.success(request, _("Ordre de recette: %(status)s.") % {"status": labels[data["to_status"]]})
            return HttpResponseRedirect(reverse("regie:ordre-detail", args=[ordre_id]))
    return _ordre_page(request, ordre_id, form=form, status=400)


# ---------------------------------------------------------------------------------------------------- bordereaux


def _issued_ordres(regie: Regie, exercice: int, viewer: Any) -> list[tuple[int, str]]:
    ordres = selectors.ordres_list(regie_id=regie.pk, exercice=exercice, viewer=viewer, status=OrdreStatus.ISSUED)
    return [
        (o.pk, f"{o.number}/{o.exercice} — {o.subject} — {o.amount_dh:.2f} DH")
        for o in ordres
        if o.bordereau_id is None
    ]


def _bordereaux_page(
    request: HttpRequest, regie: Regie, *, form: BordereauCreateForm | None = None, status: int = 200
) -> HttpResponse:
    exercice = _today().year
    if form is not None and form.is_bound:
        raw = form.data.get("exercice", "")
        exercice = int(raw) if str(raw).isdigit() else exercice
    elif request.GET.get("exercice", "").isdigit():
        exercice = int(request.GET["exercice"])
    if form is None:
        form = BordereauCreateForm(initial={"exercice": exercice}, ordres=_issued_ordres(regie, exercice, request.user))
    return _page(
        request,
        "bordereau_list.html",
        {
            "regie": regie,
            "exercice": exercice,
            "bordereaux": list(selectors.bordereaux_list(regie_id=regie.pk, exercice=exercice, viewer=request.user)),
            "form": form,
        },
        status=status,
    )


@regisseur_required
@with_regie
def bordereau_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Bordereaux d'émission of an exercice, and the form grouping issued ordres into a new one."""
    return _bordereaux_page(request, regie)


@regisseur_required
@with_regie
@require_POST
def bordereau_create(request: HttpRequest, regie: Regie) -> HttpResponse:
    raw = request.POST.get("exercice", "")
    exercice = int(raw) if raw.isdigit() else _today().year
    form = BordereauCreateForm(request.POST, ordres=_issued_ordres(regie, exercice, request.user))
    if form.is_valid():
        data = form.cleaned_data
        bordereau = _attempt(
            form,
            lambda: services.bordereau_create(
                actor=request.user, regie_id=regie.pk, exercice=data["exercice"], ordre_ids=list(data["ordres"])
            ),
        )
        if bordereau is not None:
            messages.success(request, _("Bordereau n° %(n)s created.") % {"n": bordereau.number})
            return HttpResponseRedirect(reverse("regie:bordereau-detail", args=[bordereau.pk]))
    return _bordereaux_page(request, regie, form=form, status=400)


def _bordereau_page(
    request: HttpRequest, bordereau_id: int, *, form: ReferenceForm | None = None, status: int = 200
) -> HttpResponse:
    bordereau = found(lambda: selectors.bordereau_get(bordereau_id=bordereau_id, viewer=request.user))
    return _page(
        request,
        "bordereau_detail.html",
        {
            "bordereau": bordereau,
            "ordres": sorted(bordereau.ordres.all(), key=lambda o: o.number),
            "form": form or ReferenceForm(),
        },
        status=status,
    )


@regisseur_required
def bordereau_detail(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    return _bordereau_page(request, bordereau_id)


@regisseur_required
@require_POST
def bordereau_take_in_charge(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    """The comptable took the bordereau in charge (its reference): its ordres move to "taken in charge"."""
    form = ReferenceForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.bordereau_take_in_charge(
                actor=request.user, bordereau_id=bordereau_id, reference=form.cleaned_data["reference"].strip()
            ),
        )
        if done is not None:
            messages.success(request, _("Bordereau taken in charge by the comptable."))
            return HttpResponseRedirect(reverse("regie:bordereau-detail", args=[bordereau_id]))
    return _bordereau_page(request, bordereau_id, form=form, status=400)
