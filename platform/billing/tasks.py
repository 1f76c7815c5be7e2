"""Invoicing's periodic jobs, in the public schema: the month's invoices on its first day (the month before), and
the reminders every day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from jamaa.platform.celery_app import app

from . import services


@app.task(name="jamaa.platform.billing.tasks.invoices_monthly")
def invoices_monthly() -> list[str]:
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return [i.reference for i in services.invoices_generate(period=last_month)]


@app.task(name="jamaa.platform.billing.tasks.reminders_daily")
def reminders_daily() -> int:
    return len(services.reminders_send())
