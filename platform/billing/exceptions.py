"""Refusals of the invoicing services (each a DomainError: a code, a message, a status)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, NotFound


class BillingNotConfigured(DomainError):
    code = "BILLING_NOT_CONFIGURED"
    http_status = 409
    message = _("The seller's legal mentions (name, ICE, IF, RC, patente) are not configured.")


class SubscriptionNotFound(NotFound):
    code = "SUBSCRIPTION_NOT_FOUND"
    message = _("This commune has no subscription.")


class InvoiceNotFound(NotFound):
    code = "INVOICE_NOT_FOUND"
    message = _("No such invoice.")


class NothingToInvoice(DomainError):
    code = "NOTHING_TO_INVOICE"
    http_status = 409
    message = _("Nothing to invoice for this month: no priced module, or no subscription running.")


class AlreadyInvoiced(Conflict):
    code = "ALREADY_INVOICED"
    message = _("This month is already invoiced for this commune.")


class CreditTooLarge(DomainError):
    code = "CREDIT_TOO_LARGE"
    http_status = 409
    message = _("A credit note cannot exceed what remains of the invoice.")


class NotAnInvoice(DomainError):
    code = "NOT_AN_INVOICE"
    http_status = 409
    message = _("Credit notes and payments apply to invoices only.")


class Overpayment(DomainError):
    code = "OVERPAYMENT"
    http_status = 409
    message = _("The payment exceeds what remains due on the invoice.")


class InvalidBillingInput(DomainError):
    code = "INVALID"
    http_status = 400
    message = _("Some fields are invalid.")
