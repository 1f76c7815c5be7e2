"""Pages of the budget: as thin as the API. Roles by the kernel's decorator; 403 and 404 are the styled error
pages; a service's refusal goes on its form (kernel run_in_form) and the page is shown again with it (400)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms as dj_forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import DetailPage, form_action, run_in_form
from jamaa.platform.kernel.roles import role_required

from . import documents, exports, forms, permissions, selectors, services
from .models import BudgetStatus, EngagementStatus

READERS = permissions.ROLES
STAFF = (permissions.SERVICE, permissions.ORDONNATEUR)


def _label(line: Any) -> str:
    return f"{line.code} · {line.label_ar if get_language_bidi() else line.label_fr}"


def _line_choices(request: HttpRequest, budget_id: int) -> list[tuple[Any, str]]:
    return [
        (x.pk, _label(x)) for x in selectors.lines_of(viewer=request.user, budget_id=budget_id, direction="spending")
    ]


def _report(request: HttpRequest, budget_id: int) -> selectors.ExecutionReport:
    """The execution report, the régie's receipts folded first when the last fold is a minute old."""
    services.revenue_fold()
    return selectors.execution_report(viewer=request.user, budget_id=budget_id)


def _roles(request: HttpRequest) -> dict[str, bool]:
    return {
        "is_service": permissions.is_service(request.user),
        "is_ordonnateur": permissions.is_ordonnateur(request.user),
    }


# --- Budgets ---------------------------------------------------------------------------------------------------


@role_required(*READERS)
def budget_list(request: HttpRequest) -> HttpResponse:
    return _budget_list_page(request)


def _budget_list_page(request: HttpRequest, create_form: dj_forms.BaseForm | None = None) -> HttpResponse:
    return render(
        request,
        "budget/budget_list.html",
        {
            "budgets": selectors.budget_list(viewer=request.user),
            "create_form": create_form or forms.BudgetCreateForm(initial={"year": timezone.localdate().year}),
            **_roles(request),
        },
    )


@require_POST
@role_required(permissions.SERVICE)
def budget_create(request: HttpRequest) -> HttpResponse:
    return form_action(
        forms.BudgetCreateForm(request.POST),
        lambda d: services.budget_create(actor=request.user, year=d["year"]),
        done=lambda b: reverse("budget:budget-detail", args=[b.pk]),
        again=lambda f: _budget_list_page(request, create_form=f),
    )


@role_required(*READERS)
def budget_detail(request: HttpRequest, budget_id: int) -> HttpResponse:
    return BUDGET.render(request, budget_id)


def _budget_detail_page(request: HttpRequest, budget_id: int, **bound: dj_forms.Form) -> HttpResponse:
    report = _report(request, budget_id)
    today = timezone.localdate()
    return render(
        request,
        "budget/budget_detail.html",
        {
            "b": report.budget,
            "r": report,
            "status_label": selectors.STATUSES[report.budget.status],
            "vote_form": bound.get("vote_form") or forms.VoteForm(initial={"voted_on": today}),
            "approve_form": bound.get("approve_form") or forms.ApproveForm(initial={"approved_on": today}),
            "close_form": bound.get("close_form") or forms.CloseForm(initial={"closed_on": today}),
            "arabic": get_language_bidi(),
            **_roles(request),
        },
    )


BUDGET = DetailPage("budget:budget-detail", _budget_detail_page)


@require_POST
@role_required(*STAFF)
def budget_vote(request: HttpRequest, budget_id: int) -> HttpResponse:
    return BUDGET.act(
        request,
        budget_id,
        forms.VoteForm(request.POST),
        "vote_form",
        lambda d: services.budget_vote(actor=request.user, budget_id=budget_id, **d),
    )


@require_POST
@role_required(*STAFF)
def budget_approve(request: HttpRequest, budget_id: int) -> HttpResponse:
    return BUDGET.act(
        request,
        budget_id,
        forms.ApproveForm(request.POST),
        "approve_form",
        lambda d: services.budget_approve(actor=request.user, budget_id=budget_id, **d),
    )


@require_POST
@role_required(*STAFF)
def budget_execute(request: HttpRequest, budget_id: int) -> HttpResponse:
    return BUDGET.act(
        request,
        budget_id,
        forms.CloseForm({"closed_on": timezone.localdate()}),
        "close_form",
        lambda _d: services.budget_execute(actor=request.user, budget_id=budget_id),
    )


@require_POST
@role_required(permissions.ORDONNATEUR)
def budget_close(request: HttpRequest, budget_id: int) -> HttpResponse:
    return BUDGET.act(
        request,
        budget_id,
        forms.CloseForm(request.POST),
        "close_form",
        lambda d: services.budget_close(actor=request.user, budget_id=budget_id, **d),
    )


@role_required(permissions.SERVICE)
def budget_forecasts(request: HttpRequest, budget_id: int) -> HttpResponse:
    """The draft's forecasts, every line in one form: the changed ones are saved (each through the service)."""
    budget = selectors.budget_get(viewer=request.user, budget_id=budget_id)
    lines = list(selectors.lines_of(viewer=request.user, budget_id=budget_id))
    errors: list[str] = []
    if request.method == "POST":
        form = dj_forms.Form(request.POST)
        for line in lines:
            raw = request.POST.get(f"line-{line.pk}", "").strip()
            if raw == "" or raw == f"{line.forecast_dh}":
                continue
            field = forms.LineForecastField()
            try:
                value = field.clean(raw)
            except dj_forms.ValidationError:
                errors.append(f"{line.code}: {raw}")
                continue
            save = partial(services.line_forecast_set, actor=request.user, line_id=line.pk, forecast_dh=value)
            if run_in_form(form, save) is None:
                errors.extend(str(e) for e in form.non_field_errors())
                break
        if not errors:
            return HttpResponseRedirect(reverse("budget:budget-detail", args=[budget_id]))
    return render(
        request,
        "budget/budget_forecasts.html",
        {"b": budget, "lines": lines, "errors": errors, "arabic": get_language_bidi()},
        status=400 if errors else 200,
    )


# --- Credits ----------------------------------------------------------------------------------------------------


@role_required(*READERS)
def credits(request: HttpRequest, budget_id: int) -> HttpResponse:
    return _credits_page(request, budget_id)


def _credits_page(request: HttpRequest, budget_id: int, **bound: dj_forms.BaseForm) -> HttpResponse:
    budget = selectors.budget_get(viewer=request.user, budget_id=budget_id)
    choices = _line_choices(request, budget_id)
    amend = bound.get("amend_form") or forms.AmendForm(initial={"decision_date": timezone.localdate()})
    transfer = bound.get("transfer_form") or forms.TransferForm(initial={"decision_date": timezone.localdate()})
    forms.set_choices(amend, "line_id", choices)
    forms.set_choices(transfer, "from_line_id", choices)
    forms.set_choices(transfer, "to_line_id", choices)
    return render(
        request,
        "budget/credits.html",
        {
            "b": budget,
            "movements": selectors.movements_of(viewer=request.user, budget_id=budget_id),
            "amend_form": amend,
            "transfer_form": transfer,
            "open": budget.status in (BudgetStatus.APPROVED, BudgetStatus.EXECUTING),
            "arabic": get_language_bidi(),
            **_roles(request),
        },
    )


@require_POST
@role_required(permissions.ORDONNATEUR)
def credit_amend(request: HttpRequest, budget_id: int) -> HttpResponse:
    form = forms.AmendForm(request.POST)
    forms.set_choices(form, "line_id", _line_choices(request, budget_id))
    return form_action(
        form,
        lambda d: services.credit_amend(actor=request.user, **d),
        done=lambda _m: reverse("budget:credits", args=[budget_id]),
        again=lambda f: _credits_page(request, budget_id, amend_form=f),
    )


@require_POST
@role_required(permissions.ORDONNATEUR)
def credit_transfer(request: HttpRequest, budget_id: int) -> HttpResponse:
    form = forms.TransferForm(request.POST)
    choices = _line_choices(request, budget_id)
    forms.set_choices(form, "from_line_id", choices)
    forms.set_choices(form, "to_line_id", choices)
    return form_action(
        form,
        lambda d: services.credit_transfer(actor=request.user, **d),
        done=lambda _g: reverse("budget:credits", args=[budget_id]),
        again=lambda f: _credits_page(request, budget_id, transfer_form=f),
    )


# --- Engagements and their chain --------------------------------------------------------------------------------


@role_required(*READERS)
def engagement_list(request: HttpRequest, budget_id: int) -> HttpResponse:
    return _engagement_list_page(request, budget_id)


def _engagement_list_page(
    request: HttpRequest, budget_id: int, propose_form: dj_forms.BaseForm | None = None
) -> HttpResponse:
    budget = selectors.budget_get(viewer=request.user, budget_id=budget_id)
    status = request.GET.get("status", "")
    form = propose_form or forms.EngagementForm()
    forms.set_choices(form, "line_id", _line_choices(request, budget_id))
    return render(
        request,
        "budget/engagement_list.html",
        {
            "b": budget,
            "rows": selectors.engagement_list(
                viewer=request.user, budget_id=budget_id, status=status if status in EngagementStatus.values else None
            ),
            "status": status,
            "statuses": EngagementStatus.choices,
            "propose_form": form,
            "unordered": selectors.liquidations_unordered(viewer=request.user, budget_id=budget_id),
            "unpaid": selectors.orders_unpaid(viewer=request.user, budget_id=budget_id),
            **_roles(request),
        },
    )


@require_POST
@role_required(permissions.SERVICE)
def engagement_propose(request: HttpRequest, budget_id: int) -> HttpResponse:
    form = forms.EngagementForm(request.POST)
    forms.set_choices(form, "line_id", _line_choices(request, budget_id))
    return form_action(
        form,
        lambda d: services.engagement_propose(actor=request.user, **d),
        done=lambda e: reverse("budget:engagement-detail", args=[e.pk]),
        again=lambda f: _engagement_list_page(request, budget_id, propose_form=f),
    )


@role_required(*READERS)
def engagement_detail(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return ENGAGEMENT.render(request, engagement_id)


def _engagement_detail_page(request: HttpRequest, engagement_id: int, **bound: dj_forms.Form) -> HttpResponse:
    d = selectors.engagement_get(viewer=request.user, engagement_id=engagement_id)
    today = timezone.localdate()
    return render(
        request,
        "budget/engagement_detail.html",
        {
            "d": d,
            "e": d.engagement,
            "line_label": _label(d.engagement.line),
            "status_label": selectors.ENGAGEMENT_STATUSES[d.engagement.status],
            "rows": [
                (liq, d.orders.get(liq.pk), d.payments.get(d.orders[liq.pk].pk) if liq.pk in d.orders else None)
                for liq in d.liquidations
            ],
            "decision_form": bound.get("decision_form") or forms.DecisionForm(),
            "liquidation_form": bound.get("liquidation_form")
            or forms.LiquidationForm(initial={"amount_dh": d.remaining_dh, "service_done_on": today}),
            "payment_form": bound.get("payment_form") or forms.PaymentForm(initial={"paid_on": today}),
            **_roles(request),
        },
    )


ENGAGEMENT = DetailPage("budget:engagement-detail", _engagement_detail_page)


@require_POST
@role_required(permissions.ORDONNATEUR)
def engagement_approve(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return ENGAGEMENT.act(
        request,
        engagement_id,
        forms.DecisionForm(request.POST),
        "decision_form",
        lambda d: services.engagement_approve(actor=request.user, engagement_id=engagement_id, note=d["note"]),
    )


@require_POST
@role_required(permissions.ORDONNATEUR)
def engagement_reject(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return ENGAGEMENT.act(
        request,
        engagement_id,
        forms.DecisionForm(request.POST),
        "decision_form",
        lambda d: services.engagement_reject(actor=request.user, engagement_id=engagement_id, note=d["note"]),
    )


@require_POST
@role_required(permissions.SERVICE)
def liquidation_record(request: HttpRequest, engagement_id: int) -> HttpResponse:
    return ENGAGEMENT.act(
        request,
        engagement_id,
        forms.LiquidationForm(request.POST),
        "liquidation_form",
        lambda d: services.liquidation_record(actor=request.user, engagement_id=engagement_id, **d),
    )


@require_POST
@role_required(permissions.ORDONNATEUR)
def order_issue(request: HttpRequest, engagement_id: int, liquidation_id: int) -> HttpResponse:
    return ENGAGEMENT.act(
        request,
        engagement_id,
        forms.DecisionForm({}),
        "decision_form",
        lambda _d: services.payment_order_issue(actor=request.user, liquidation_id=liquidation_id),
    )


@require_POST
@role_required(permissions.SERVICE)
def payment_record(request: HttpRequest, engagement_id: int, order_id: int) -> HttpResponse:
    return ENGAGEMENT.act(
        request,
        engagement_id,
        forms.PaymentForm(request.POST),
        "payment_form",
        lambda d: services.payment_record(actor=request.user, order_id=order_id, **d),
    )


# --- Documents and exports ---------------------------------------------------------------------------------------


@role_required(*READERS)
def order_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get(viewer=request.user, order_id=order_id)
    content, filename = documents.order_for(request=request, order=order)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(*READERS)
def account_pdf(request: HttpRequest, budget_id: int) -> HttpResponse:
    report = _report(request, budget_id)
    as_of = report.budget.closed_on or timezone.localdate()
    content = documents.render_account(masthead=documents.masthead_for(request), report=report, as_of=as_of)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="compte-administratif-{report.budget.year}.pdf"'
    return response


@role_required(*READERS)
def gid_xlsx(request: HttpRequest, budget_id: int) -> HttpResponse:
    report = _report(request, budget_id)
    content = exports.gid_workbook(year=report.budget.year, revenue=report.revenue, spending=report.spending)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="budget-{report.budget.year}-gid.xlsx"'
    return response


@role_required(*READERS)
def execution_csv(request: HttpRequest, budget_id: int) -> HttpResponse:
    report = _report(request, budget_id)
    text = exports.execution_csv(year=report.budget.year, revenue=report.revenue, spending=report.spending)
    response = HttpResponse(text.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="execution-{report.budget.year}.csv"'
    return response
