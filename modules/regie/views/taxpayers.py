"""Redevables and their biens/activités."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.pages import found

from .. import selectors, services
from ..forms import (
    AssetDeactivateForm,
    AssetForm,
    RedevableForm,
    RedevableSearchForm,
)
from .common import _attempt, _page, _tax_choices, regisseur_required, staff_required

# ----------------------------------------------------------------------------------------------- redevables


@staff_required
def redevable_search(request: HttpRequest) -> HttpResponse:
    """Find a redevable by name or identifier; create one when not found."""
    form = RedevableSearchForm(request.GET if "q" in request.GET else None)
    results = None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        results = list(selectors.redevable_search(q=form.cleaned_data["q"].strip(), limit=50))
    return _page(
        request,
        "redevable_search.html",
        {"form": form, "results": results, "create_form": RedevableForm()},
    )


@staff_required
def redevable_create(request: HttpRequest) -> HttpResponse:
    form = RedevableForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        redevable = _attempt(
            form,
            lambda: services.redevable_create(
                actor=request.user,
                name=data["name"].strip(),
                name_ar=data["name_ar"].strip(),
                cin=data["cin"],
                rc=data["rc"],
                ice=data["ice"],
                address=data["address"].strip(),
            ),
        )
        if redevable is not None:
            messages.success(request, _("Redevable %(name)s recorded.") % {"name": redevable.name})
            return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable.pk]))
    status = 400 if form.is_bound else 200
    return _page(
        request,
        "redevable_search.html",
        {"form": RedevableSearchForm(), "results": None, "create_form": form},
        status=status,
    )


def _redevable_page(
    request: HttpRequest, redevable_id: int, *, asset_form: AssetForm | None = None, status: int = 200
) -> HttpResponse:
    redevable = found(lambda: selectors.redevable_get(redevable_id=redevable_id))
    assets = list(selectors.assets_of(redevable_id=redevable.pk))
    history = selectors.redevable_history(redevable_id=redevable.pk, limit=100)
    return _page(
        request,
        "redevable_detail.html",
        {
            "redevable": redevable,
            "assets": assets,
            "quittances": history.quittances,
            "liquidations": history.liquidations,
            "ordre_lines": history.ordre_lines,
            "asset_form": asset_form or AssetForm(taxes=_tax_choices()),
        },
        status=status,
    )


@staff_required
def redevable_detail(request: HttpRequest, redevable_id: int) -> HttpResponse:
    """Who they are, their biens and activités, and their history: liquidations, quittances, ordres."""
    return _redevable_page(request, redevable_id)


@staff_required
@require_POST
def asset_create(request: HttpRequest, redevable_id: int) -> HttpResponse:
    form = AssetForm(request.POST, taxes=_tax_choices())
    if form.is_valid():
        data = form.cleaned_data
        asset = _attempt(
            form,
            lambda: services.asset_create(
                actor=request.user,
                redevable_id=redevable_id,
                kind=data["kind"],
                reference=data["reference"].strip(),
                label=data["label"].strip(),
                address=data["address"].strip(),
                surface_m2=data["surface_m2"],
                category=data["category"].strip(),
                tax_id=data["tax"],
            ),
        )
        if asset is not None:
            messages.success(request, _("Bien or activité %(ref)s recorded.") % {"ref": asset.reference})
            return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable_id]) + "#assets")
    return _redevable_page(request, redevable_id, asset_form=form, status=400)


@regisseur_required
@require_POST
def asset_deactivate(request: HttpRequest, redevable_id: int, asset_id: int) -> HttpResponse:
    """The régisseur takes a bien or activité off (sold, built, removed) with the reason; it stays in the record."""
    form = AssetDeactivateForm(request.POST)
    if form.is_valid():
        asset = _attempt(
            form,
            lambda: services.asset_deactivate(
                actor=request.user, asset_id=asset_id, reason=form.cleaned_data["reason"]
            ),
        )
        if asset is not None:
            messages.success(request, _("%(ref)s no longer owes its tax.") % {"ref": asset.reference})
            return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable_id]) + "#assets")
    for error in [*form.non_field_errors(), *form.errors.get("reason", [])] or [_("Give the reason.")]:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("regie:redevable-detail", args=[redevable_id]) + "#assets")
