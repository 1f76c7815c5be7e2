"""The invoicing API on the base domain (`/api/billing/…`): staff read, the operators group writes. Errors in the
platform's shape {code, message, extra}."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from jamaa.platform.console.api import ConsoleApi
from jamaa.platform.inputs import query_params
from jamaa.platform.kernel.api import api_call, validated

from . import documents, selectors, services
from .models import Band, PaymentMethod
from .selectors import InvoiceRow
from .verification import verify_url

TAGS = ["billing"]


class BillingInvoice(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["invoice", "credit"])
    reference = serializers.CharField(help_text="F-2026/000012 (invoice) or AV-2026/000003 (credit note)")
    slug = serializers.CharField()
    period = serializers.DateField(allow_null=True)
    issued_on = serializers.DateField()
    due_on = serializers.DateField()
    total_ht = serializers.DecimalField(max_digits=14, decimal_places=2)
    tva_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    tva_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    total_ttc = serializers.DecimalField(max_digits=14, decimal_places=2)
    credited_ttc = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    due = serializers.DecimalField(max_digits=14, decimal_places=2)
    status = serializers.ChoiceField(choices=["open", "overdue", "paid", "credited", "credit_note"])
    credited_reference = serializers.CharField(allow_blank=True)
    reason = serializers.CharField(allow_blank=True)


def _invoice(row: InvoiceRow) -> dict[str, Any]:
    return BillingInvoice(
        {
            **{str(f): getattr(row, str(f)) for f in BillingInvoice().fields if str(f) not in ("due", "status")},
            "due": row.due,
            "status": row.status,
        }
    ).data


class BillingInvoiceQuery(serializers.Serializer):  # type: ignore[type-arg]
    commune = serializers.SlugField(required=False)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2999)


class BillingGenerateInput(serializers.Serializer):  # type: ignore[type-arg]
    period = serializers.DateField(help_text="any day of the month to invoice")
    issued_on = serializers.DateField(required=False)


class BillingPaymentInput(serializers.Serializer):  # type: ignore[type-arg]
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    reference = serializers.CharField(max_length=100)
    received_on = serializers.DateField()


class BillingPayment(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    invoice_id = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    method = serializers.CharField()
    reference = serializers.CharField()
    received_on = serializers.DateField()


class BillingCreditInput(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=500)
    amount_ht = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), required=False)


class BillingSubscriptionInput(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.SlugField()
    band = serializers.ChoiceField(choices=Band.choices)
    buyer_name_fr = serializers.CharField(max_length=200)
    buyer_name_ar = serializers.CharField(max_length=200)
    buyer_address = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)
    buyer_ice = serializers.CharField(max_length=15, required=False, default="", allow_blank=True)
    buyer_if = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    email = serializers.EmailField(required=False, default="", allow_blank=True)
    started_on = serializers.DateField()
    read_only_after_days = serializers.IntegerField(required=False, allow_null=True, min_value=1, default=None)


class BillingSubscription(serializers.Serializer):  # type: ignore[type-arg]
    slug = serializers.CharField()
    band = serializers.CharField()
    buyer_name_fr = serializers.CharField()
    buyer_name_ar = serializers.CharField()
    buyer_ice = serializers.CharField(allow_blank=True)
    started_on = serializers.DateField()
    read_only_after_days = serializers.IntegerField(allow_null=True)


class BillingPriceInput(serializers.Serializer):  # type: ignore[type-arg]
    module = serializers.CharField(max_length=40)
    band = serializers.ChoiceField(choices=Band.choices)
    monthly_ht = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0))
    valid_from = serializers.DateField()


class BillingPrice(serializers.Serializer):  # type: ignore[type-arg]
    module = serializers.CharField()
    band = serializers.CharField()
    monthly_ht = serializers.DecimalField(max_digits=12, decimal_places=2)
    valid_from = serializers.DateField()


class InvoiceListApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_invoices_list",
        summary="Invoices and credit notes with what is credited, paid and due",
        parameters=[BillingInvoiceQuery],
        responses={200: BillingInvoice(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = query_params(BillingInvoiceQuery, request.query_params)
        rows = selectors.invoice_list(slug=query.get("commune"), year=query.get("year"))
        return Response([_invoice(r) for r in rows])


class InvoiceGenerateApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_invoices_generate",
        summary="Issue the month's invoice of every subscription not invoiced yet (idempotent)",
        request=BillingGenerateInput,
        responses={201: BillingInvoice(many=True)},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = validated(BillingGenerateInput, request.data)
        return api_call(
            lambda: services.invoices_generate(actor=request.user, **data),
            output=lambda issued: [_invoice(selectors.invoice_row(invoice_id=i.pk)) for i in issued],
            status=201,
        )


class InvoiceApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_invoice_get",
        summary="One invoice or credit note",
        responses={200: BillingInvoice},
        tags=TAGS,
    )
    def get(self, request: Request, invoice_id: int) -> Response:
        return api_call(lambda: selectors.invoice_row(invoice_id=invoice_id), output=_invoice)


class InvoicePdfApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_invoice_pdf",
        summary="The bilingual PDF of an invoice or credit note",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="the PDF")},
        tags=TAGS,
    )
    def get(self, request: Request, invoice_id: int) -> HttpResponse | Response:
        from jamaa.platform.kernel.api import error_response

        from .exceptions import InvoiceNotFound

        try:
            invoice = selectors.invoice_get(invoice_id=invoice_id)
        except InvoiceNotFound as exc:
            return error_response(exc)
        return HttpResponse(
            documents.render_invoice(invoice, verify_url=verify_url(invoice, request=request)),
            content_type="application/pdf",
        )


class PaymentApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_payment_record",
        summary="Record a payment by bank transfer or cheque",
        request=BillingPaymentInput,
        responses={201: BillingPayment},
        tags=TAGS,
    )
    def post(self, request: Request, invoice_id: int) -> Response:
        data = validated(BillingPaymentInput, request.data)
        return api_call(
            lambda: services.payment_record(actor=request.user, invoice_id=invoice_id, **data),
            output=BillingPayment,
            status=201,
        )


class CreditNoteApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_credit_note_issue",
        summary="Issue a credit note against an invoice (all that remains, or an amount excluding VAT)",
        request=BillingCreditInput,
        responses={201: BillingInvoice},
        tags=TAGS,
    )
    def post(self, request: Request, invoice_id: int) -> Response:
        data = validated(BillingCreditInput, request.data)
        return api_call(
            lambda: services.credit_note_issue(actor=request.user, invoice_id=invoice_id, **data),
            output=lambda note: _invoice(selectors.invoice_row(invoice_id=note.pk)),
            status=201,
        )


class SubscriptionApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_subscriptions_list",
        summary="Every subscription",
        responses={200: BillingSubscription(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(BillingSubscription(selectors.subscriptions(), many=True).data)

    @extend_schema(
        operation_id="billing_subscription_set",
        summary="Create or change a commune's subscription",
        request=BillingSubscriptionInput,
        responses={200: BillingSubscription},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = validated(BillingSubscriptionInput, request.data)
        return api_call(lambda: services.subscription_set(actor=request.user, **data), output=BillingSubscription)


class PriceApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_prices_list",
        summary="Module prices per size band",
        responses={200: BillingPrice(many=True)},
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        return Response(BillingPrice(selectors.prices(), many=True).data)

    @extend_schema(
        operation_id="billing_price_set",
        summary="Set a module's monthly price for a size band from a date",
        request=BillingPriceInput,
        responses={200: BillingPrice},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = validated(BillingPriceInput, request.data)
        return api_call(lambda: services.price_set(actor=request.user, **data), output=BillingPrice)


class ExportApi(ConsoleApi):
    @extend_schema(
        operation_id="billing_export_csv",
        summary="Invoices and credit notes as CSV for the accountant (`;`, UTF-8)",
        parameters=[OpenApiParameter("year", int, required=False)],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the CSV")},
        tags=TAGS,
    )
    def get(self, request: Request) -> HttpResponse:
        query = query_params(BillingInvoiceQuery, request.query_params)
        return HttpResponse(selectors.invoices_csv(year=query.get("year")), content_type="text/csv; charset=utf-8")
