"""The counter's payment, the quittances' list and a quittance's page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from jamaa.platform.kernel.pages import found

from .. import selectors, services, verification
from ..forms import (
    CancellationRequestForm,
    CounterPaymentForm,
    QuittanceListForm,
    new_payment_key,
)
from ..models import (
    PaymentMethod,
    Regie,
)
from .common import (
    _attempt,
    _cancellation_of,
    _dh,
    _name,
    _page,
    _tax_choices,
    _today,
    staff_required,
    with_regie,
)

# ---------------------------------------------------------------------------------------- the counter: payment


@staff_required
@with_regie
def counter_pay(request: HttpRequest, regie: Regie, redevable_id: int) -> HttpResponse:
    """A payment at the counter for a fixed fee or tariff (no declaration), in two steps: the form, then its
    liquidation (base, rate, penalties, total in figures and words) to confirm; only the confirmation numbers
    the quittance. "Change" goes back to the form with the same one-time key; a confirmation sent twice still
    gives one quittance (the key)."""
    redevable = found(lambda: selectors.redevable_get(redevable_id=redevable_id))
    initial: dict[str, Any] = {}
    if request.GET.get("tax", "").isdigit():
        initial["tax"] = int(request.GET["tax"])
    initial["idempotency_key"] = new_payment_key()  # a retry of this form gets its first quittance back
    form = CounterPaymentForm(request.POST if request.method == "POST" else None, initial=initial, taxes=_tax_choices())
    confirmed = request.POST.get("confirm") == "1"
    if form.is_bound and form.is_valid() and "edit" not in request.POST and not confirmed:
        # Nothing is numbered before the cashier has seen the liquidation and its total, and confirmed it.
        data = form.cleaned_data
        preview = _attempt(
            form,
            lambda: selectors.counter_payment_preview(
                regie_id=regie.pk,
                agent_id=int(request.user.pk or 0),
                tax_id=data["tax"],
                base=data["base"],
                on=_today(),
            ),
        )
        if preview is not None:
            return _page(
                request,
                "counter_confirm.html",
                {
                    "regie": regie,
                    "redevable": redevable,
                    "form": form,
                    "preview": preview,
                    "method_label": dict(PaymentMethod.choices).get(data["payment_method"], ""),
                },
            )
    elif form.is_bound and form.is_valid() and confirmed:
        data = form.cleaned_data
        payment = _attempt(
            form,
            lambda: services.counter_payment(
                actor=request.user,
                idempotency_key=data["idempotency_key"],
                data=services.CounterPaymentInput(
                    regie_id=regie.pk,
                    redevable_id=redevable.pk,
                    tax_id=data["tax"],
                    base=data["base"],
                    period=data["period"],
                    payment_method=data["payment_method"],
                    on=_today(),
                    cheque_number=data["cheque_number"],
                    cheque_bank=data["cheque_bank"],
                ),
            ),
        )
        if payment is not None:
            return _paid(request, payment)
    if form.is_bound and (form.errors or confirmed):
        form.renew_key()  # nothing was collected under the key sent: the next submission is a new payment
    return _page(
        request,
        "counter_pay.html",
        {"regie": regie, "redevable": redevable, "form": form},
        status=400 if form.errors else 200,
    )


def _paid(request: HttpRequest, payment: services.Payment) -> HttpResponse:
    quittance = payment.quittance
    values = {"number": quittance.number, "amount": _dh(quittance.amount_dh)}
    if payment.replayed:
        messages.info(
            request,
            _("This payment was already recorded: quittance n° %(number)s, %(amount)s DH. Nothing more was collected.")
            % values,
        )
    else:
        messages.success(request, _("Paid: quittance n° %(number)s, %(amount)s DH.") % values)
    return HttpResponseRedirect(reverse("regie:quittance-detail", args=[quittance.pk]) + "?new=1")


# ---------------------------------------------------------------------------------------------------- quittances


@staff_required
@with_regie
def quittance_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """A day's quittances: the agent's own, or everyone's for the régisseur."""
    form = QuittanceListForm(request.GET if "day" in request.GET else None)
    day = form.cleaned_data["day"] if form.is_bound and form.is_valid() and form.cleaned_data["day"] else _today()
    viewer = request.user  # the régisseur: everyone's; an agent: his own (selectors.takings_scope)
    return _page(
        request,
        "quittance_list.html",
        {
            "regie": regie,
            "form": form,
            "day": day,
            "quittances": list(selectors.quittances_for_day(regie_id=regie.pk, day=day, viewer=viewer)),
            "summary": selectors.day_summary(regie_id=regie.pk, day=day, viewer=viewer),
        },
    )


def _quittance_page(
    request: HttpRequest, quittance_id: int, *, cancel_form: CancellationRequestForm | None = None, status: int = 200
) -> HttpResponse:
    quittance = found(lambda: selectors.quittance_get(quittance_id=quittance_id, viewer=request.user))
    requests = list(selectors.cancellation_requests_of(quittance_id=quittance.pk, viewer=request.user))
    return _page(
        request,
        "quittance_detail.html",
        {
            "quittance": quittance,
            "tax_name": _name(quittance.tax),
            "verification_code": verification.quittance_code(quittance),
            "cancellation": _cancellation_of(quittance),
            "requests": requests,
            "pending": any(r.status == "pending" for r in requests),
            "may_request": selectors.may_request_cancellation(viewer=request.user, quittance=quittance),
            "new": request.GET.get("new") == "1",
            "cancel_form": cancel_form or CancellationRequestForm(),
        },
        status=status,
    )


@staff_required
def quittance_detail(request: HttpRequest, quittance_id: int) -> HttpResponse:
    """The receipt: what was paid, by whom, its status, its print-outs (A4 and the 58 mm ticket)."""
    return _quittance_page(request, quittance_id)
