"""Liquidations: create, read, pay, cancel."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.pages import found

from .. import selectors, services
from ..forms import (
    CancellationRequestForm,
    LiquidationForm,
    PayForm,
    new_payment_key,
)
from ..liquidation import formula_text
from ..models import (
    LiquidationStatus,
    Regie,
)
from .common import _attempt, _name, _page, _tax_choices, _today, staff_required, with_regie
from .quittances import _paid

# -------------------------------------------------------------------------------------------------- liquidation


@staff_required
@with_regie
def liquidation_create(request: HttpRequest, regie: Regie, redevable_id: int) -> HttpResponse:
    """A declaration: the tax, the bien, the declared base and deadlines → the liquidation with its steps."""
    redevable = found(lambda: selectors.redevable_get(redevable_id=redevable_id))
    assets = [a for a in selectors.assets_of(redevable_id=redevable.pk) if a.active]
    asset_choices = [(a.pk, f"{a.get_kind_display()} {a.reference}") for a in assets]
    initial: dict[str, Any] = {}
    asset_param = request.GET.get("asset", "")
    if asset_param.isdigit():
        chosen = next((a for a in assets if a.pk == int(asset_param)), None)
        if chosen is not None:
            initial = {"asset": chosen.pk, "tax": chosen.tax_id, "base": chosen.surface_m2}
    form = LiquidationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        taxes=_tax_choices(),
        assets=asset_choices,
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        liquidation = _attempt(
            form,
            lambda: services.liquidation_create(
                actor=request.user,
                data=services.LiquidationInput(
                    regie_id=regie.pk,
                    redevable_id=redevable.pk,
                    tax_id=data["tax"],
                    base=data["base"],
                    period=data["period"].strip(),
                    on=data["on"],
                    asset_id=data["asset"],
                    declaration_due=data["declaration_due"],
                    declared_on=data["declared_on"],
                    payment_due=data["payment_due"],
                ),
            ),
        )
        if liquidation is not None:
            return HttpResponseRedirect(reverse("regie:liquidation-detail", args=[liquidation.pk]))
    return _page(
        request,
        "liquidation_form.html",
        {"regie": regie, "redevable": redevable, "form": form, "assets": assets},
        status=400 if form.is_bound else 200,
    )


STEP_LABELS = {
    "base": gettext_lazy("Taxable base"),
    "principal": gettext_lazy("Principal (base × rate)"),
    "late_declaration": gettext_lazy("Late or missing declaration"),
    "late_payment": gettext_lazy("Late payment"),
    "total": gettext_lazy("Total due"),
}


def _liquidation_page(
    request: HttpRequest,
    liquidation_id: int,
    *,
    pay_form: PayForm | None = None,
    cancel_form: CancellationRequestForm | None = None,
    status: int = 200,
) -> HttpResponse:
    liquidation = found(lambda: selectors.liquidation_get(liquidation_id=liquidation_id))
    steps = [
        {
            "label": str(STEP_LABELS.get(step.get("label", ""), step.get("label", ""))),
            "formula": formula_text(step.get("formula", "")),
            "amount": Decimal(str(step.get("amount", "0"))),
            "code": step.get("label", ""),
        }
        for step in (liquidation.steps or [])
        if isinstance(step, dict)
    ]
    return _page(
        request,
        "liquidation_detail.html",
        {
            "liquidation": liquidation,
            "steps": steps,
            "tax_name": _name(liquidation.tax),
            "quittance": getattr(liquidation, "quittance", None),
            "payable": liquidation.status == LiquidationStatus.LIQUIDATED,
            "pay_form": pay_form or PayForm(initial={"idempotency_key": new_payment_key()}),
            "cancel_form": cancel_form or CancellationRequestForm(),
            "today": _today(),
        },
        status=status,
    )


@staff_required
def liquidation_detail(request: HttpRequest, liquidation_id: int) -> HttpResponse:
    """The computation as stored: base, rate in force, each penalty with its formula, the total; pay it here."""
    return _liquidation_page(request, liquidation_id)


@staff_required
@require_POST
def liquidation_pay(request: HttpRequest, liquidation_id: int) -> HttpResponse:
    form = PayForm(request.POST)
    if form.is_valid():
        payment = _attempt(
            form,
            lambda: services.liquidation_payment(
                actor=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                liquidation_id=liquidation_id,
                payment_method=form.cleaned_data["payment_method"],
                on=_today(),
            ),
        )
        if payment is not None:
            return _paid(request, payment)
    form.renew_key()  # nothing was collected under the key sent
    return _liquidation_page(request, liquidation_id, pay_form=form, status=400)


@staff_required
@require_POST
def liquidation_cancel(request: HttpRequest, liquidation_id: int) -> HttpResponse:
    """A wrong liquidation not yet paid is cancelled with its reason (and redone): it is never edited."""
    form = CancellationRequestForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.liquidation_cancel(
                actor=request.user, liquidation_id=liquidation_id, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Liquidation cancelled."))
            return HttpResponseRedirect(reverse("regie:liquidation-detail", args=[liquidation_id]))
    return _liquidation_page(request, liquidation_id, cancel_form=form, status=400)
