"""Invoicing's periodic jobs, in the public schema: the month's invoices on its first day (the month before), and
the reminders every day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jamaa.platform.celery_app import app

from . import documents, services
from .models import Invoice
from .verification import verify_url


@app.task(name="jamaa.platform.billing.tasks.invoices_monthly")
def invoices_monthly() -> list[str]:
    """The month before's invoices, each sent as its PDF to the commune's billing address (through the outbox)."""
    return [
        invoice.reference for invoice in send_month(period=timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    ]


def send_month(*, period: dt.date) -> list[Invoice]:
    issued = services.invoices_generate(period=period)
    for invoice in issued:
        pdf = documents.render_invoice(invoice, verify_url=verify_url(invoice))
        services.invoice_email(actor=None, invoice_id=invoice.pk, pdf=pdf)
    return issued


@app.task(name="jamaa.platform.billing.tasks.reminders_daily")
def reminders_daily() -> int:
    return len(services.reminders_send())
