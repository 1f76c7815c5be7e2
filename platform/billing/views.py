"""The console's invoicing pages (base domain): staff read invoices; the operators group issues, records payments
and credit notes, sets subscriptions and prices. Thin: a form, one service, a page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.platform.console.views import operator_required, staff_required
from jamaa.platform.errors import DomainError
from jamaa.platform.kernel.forms import run_in_form
from jamaa.provisioning import selectors as fleet_selectors

from . import documents, selectors, services
from .exceptions import InvoiceNotFound
from .forms import CreditNoteForm, GenerateForm, PaymentForm, PriceForm, SubscriptionForm
from .verification import verify_url


@staff_required
def invoices(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("commune", "").strip() or None
    year = request.GET.get("year", "")
    rows = selectors.invoice_list(slug=slug, year=int(year) if year.isdigit() else None)
    return render(
        request,
        "billing/invoices.html",
        {
            "rows": rows,
            "generate_form": GenerateForm(),
            "can_operate": fleet_selectors.user_may_operate(request.user),
            "commune": slug or "",
            "year": year,
        },
    )


def _invoice_page(
    request: HttpRequest,
    invoice_id: int,
    *,
    payment: PaymentForm | None = None,
    credit: CreditNoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    try:
        row = selectors.invoice_row(invoice_id=invoice_id)
        invoice = selectors.invoice_get(invoice_id=invoice_id)
    except InvoiceNotFound:
        raise Http404 from None
    return render(
        request,
        "billing/invoice.html",
        {
            "row": row,
            "invoice": invoice,
            "payments": selectors.payments_of(invoice_id=invoice_id),
            "credit_notes": selectors.credit_notes_of(invoice_id=invoice_id),
            "payment_form": payment or PaymentForm(),
            "credit_form": credit or CreditNoteForm(),
            "can_operate": fleet_selectors.user_may_operate(request.user),
        },
        status=status,
    )


@staff_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _invoice_page(request, invoice_id)


@staff_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    try:
        invoice = selectors.invoice_get(invoice_id=invoice_id)
    except InvoiceNotFound:
        raise Http404 from None
    pdf = documents.render_invoice(invoice, verify_url=verify_url(invoice, request=request))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.reference.replace("/", "-")}.pdf"'
    return response


@require_POST
@operator_required
def invoice_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    form = PaymentForm(request.POST)
    if form.is_valid():
        done = run_in_form(
            form, lambda: services.payment_record(actor=request.user, invoice_id=invoice_id, **form.cleaned_data)
        )
        if done is not None:
            messages.success(request, _("Payment recorded."))
            return HttpResponseRedirect(reverse("billing-invoice", args=[invoice_id]))
    return _invoice_page(request, invoice_id, payment=form, status=400)


@require_POST
@operator_required
def invoice_credit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        note = run_in_form(
            form, lambda: services.credit_note_issue(actor=request.user, invoice_id=invoice_id, **form.cleaned_data)
        )
        if note is not None:
            messages.success(request, _("Credit note %(ref)s issued.") % {"ref": note.reference})
            return HttpResponseRedirect(reverse("billing-invoice", args=[note.pk]))
    return _invoice_page(request, invoice_id, credit=form, status=400)


@require_POST
@operator_required
def generate(request: HttpRequest) -> HttpResponse:
    form = GenerateForm(request.POST)
    if form.is_valid():
        try:
            issued = services.invoices_generate(period=form.cleaned_data["period"], actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("%(n)d invoices issued.") % {"n": len(issued)})
    else:
        messages.error(request, _("Give the month to invoice."))
    return HttpResponseRedirect(reverse("billing-invoices"))


@staff_required
def export_csv(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    response = HttpResponse(
        selectors.invoices_csv(year=int(year) if year.isdigit() else None), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="factures-{year or "toutes"}.csv"'
    return response


@staff_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    can_operate = fleet_selectors.user_may_operate(request.user)
    sub_form = SubscriptionForm(
        request.POST
        if request.method == "POST" and "slug" in request.POST and "buyer_name_fr" in request.POST
        else None
    )
    price_form = PriceForm(request.POST if request.method == "POST" and "monthly_ht" in request.POST else None)
    status = 200
    if request.method == "POST":
        if not can_operate:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        form = sub_form if sub_form.is_bound else price_form
        if form.is_valid():
            done: object
            if form is sub_form:
                done = run_in_form(form, lambda: services.subscription_set(actor=request.user, **form.cleaned_data))
            else:
                done = run_in_form(form, lambda: services.price_set(actor=request.user, **form.cleaned_data))
            if done is not None:
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(reverse("billing-subscriptions"))
        status = 400
    return render(
        request,
        "billing/subscriptions.html",
        {
            "subscriptions": selectors.subscriptions(),
            "prices": selectors.prices(),
            "sub_form": sub_form,
            "price_form": price_form,
            "can_operate": can_operate,
        },
        status=status,
    )
