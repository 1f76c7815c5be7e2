from django.urls import URLPattern, path

from . import api

urlpatterns: list[URLPattern] = [
    path("invoices/", api.InvoiceListApi.as_view(), name="api-billing-invoices"),
    path("invoices/generate/", api.InvoiceGenerateApi.as_view(), name="api-billing-generate"),
    path("invoices/<int:invoice_id>/", api.InvoiceApi.as_view(), name="api-billing-invoice"),
    path("invoices/<int:invoice_id>/pdf/", api.InvoicePdfApi.as_view(), name="api-billing-invoice-pdf"),
    path("invoices/<int:invoice_id>/payments/", api.PaymentApi.as_view(), name="api-billing-payments"),
    path("invoices/<int:invoice_id>/credit-notes/", api.CreditNoteApi.as_view(), name="api-billing-credit-notes"),
    path("subscriptions/", api.SubscriptionApi.as_view(), name="api-billing-subscriptions"),
    path("prices/", api.PriceApi.as_view(), name="api-billing-prices"),
    path("export.csv", api.ExportApi.as_view(), name="api-billing-export"),
]
