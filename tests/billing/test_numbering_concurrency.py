"""Twenty invoices issued at the same instant, each in its own transaction on its own connection: the year's
series takes consecutive numbers, no gap, no duplicate (committed: invoices can't be deleted, so a year of its own)."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from django.db import connections
from django.db.models import Max

from jamaa.platform.billing import services
from jamaa.platform.billing.models import BillingCounter, Invoice

from .conftest import SELLER, priced, subscribed

ISSUERS = 20


def test_twenty_invoices_at_once_take_consecutive_numbers(fes, django_db_blocker: Any, settings: Any) -> None:
    with django_db_blocker.unblock():
        year = max(2090, (BillingCounter.objects.aggregate(y=Max("year"))["y"] or 0) + 1)
        start = dt.date(year - 3, 1, 1)
        priced(valid_from=start)
        subscribed(started_on=start)
    barrier = threading.Barrier(ISSUERS)
    errors: list[BaseException] = []

    def issue(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            period = dt.date(start.year + i // 12, i % 12 + 1, 1)
            services.invoice_issue(actor=None, slug="fes", period=period, issued_on=dt.date(year, 1, 5))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    assert settings.JAMAA_BILLING_SELLER == SELLER
    threads = [threading.Thread(target=issue, args=(i,)) for i in range(ISSUERS)]
    with django_db_blocker.unblock():
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    assert errors == []
    with django_db_blocker.unblock():
        numbers = sorted(Invoice.objects.filter(kind="invoice", year=year).values_list("number", flat=True))
    assert numbers == list(range(1, ISSUERS + 1))
