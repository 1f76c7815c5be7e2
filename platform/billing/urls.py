from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.invoices, name="billing-invoices"),
    path("generate/", views.generate, name="billing-generate"),
    path("export.csv", views.export_csv, name="billing-export"),
    path("subscriptions/", views.subscriptions, name="billing-subscriptions"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="billing-invoice"),
    path("invoices/<int:invoice_id>/pdf/", views.invoice_pdf, name="billing-invoice-pdf"),
    path("invoices/<int:invoice_id>/payment/", views.invoice_payment, name="billing-invoice-payment"),
    path("invoices/<int:invoice_id>/credit/", views.invoice_credit, name="billing-invoice-credit"),
]
