"""Cancellations of a quittance: the request and the supervisor's decision."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import (
    CancellationDecisionForm,
    CancellationRequestForm,
)
from ..models import (
    Regie,
)
from .common import _attempt, _page, regisseur_required, staff_required, with_regie
from .quittances import _quittance_page


@staff_required
@require_POST
def cancellation_request(request: HttpRequest, quittance_id: int) -> HttpResponse:
    """Ask the régisseur to cancel a quittance (a wrong amount, payer or tax): the number stays in the register."""
    form = CancellationRequestForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.cancellation_request(
                quittance_id=quittance_id, requested_by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if done is not None:
            messages.success(request, _("Cancellation requested: the régisseur will approve or reject it."))
            return HttpResponseRedirect(reverse("regie:quittance-detail", args=[quittance_id]))
    return _quittance_page(request, quittance_id, cancel_form=form, status=400)


@regisseur_required
@with_regie
def cancellation_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Cancellations awaiting the régisseur's approval (never the requester's own)."""
    return _page(
        request,
        "cancellations.html",
        {
            "regie": regie,
            "pending": list(selectors.cancellations_pending(regie_id=regie.pk, viewer=request.user)),
            "decision_form": CancellationDecisionForm(),
        },
    )


@regisseur_required
@require_POST
def cancellation_decide(request: HttpRequest, request_id: int) -> HttpResponse:
    form = CancellationDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        decided = _attempt(
            form,
            lambda: services.cancellation_decide(
                request_id=request_id, decided_by=request.user, approve=approve, note=form.cleaned_data["note"]
            ),
        )
        if decided is not None:
            messages.success(request, _("Cancellation approved.") if approve else _("Cancellation rejected."))
            return HttpResponseRedirect(reverse("regie:cancellations"))
    for error in form.non_field_errors() or [_("Choose to approve or reject.")]:
        messages.error(request, str(error))
    return HttpResponseRedirect(reverse("regie:cancellations"))
