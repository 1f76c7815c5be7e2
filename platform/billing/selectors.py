"""Reads of the platform's invoicing: invoices with what is credited, paid and due (one query for a list), the
unpaid ones for reminders, the communes past their grace period, and the accountant's CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from jamaa.platform.db import use_public_schema

from .exceptions import InvoiceNotFound
from .models import DocumentKind, Invoice, ModulePrice, Payment, Reminder, Subscription

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    kind: str
    reference: str
    code: str
    slug: str
    period: dt.date | None
    issued_on: dt.date
    due_on: dt.date
    total_ht: Decimal
    tva_rate: Decimal
    tva_amount: Decimal
    total_ttc: Decimal
    credited_ttc: Decimal
    paid: Decimal
    credited_reference: str
    reason: str
    reminder_levels: tuple[int, ...]
    buyer_name_fr: str = ""
    buyer_ice: str = ""

    @property
    def due(self) -> Decimal:
        if self.kind != DocumentKind.INVOICE:
            return Decimal(0)
        return self.total_ttc - self.credited_ttc - self.paid

    @property
    def status(self) -> str:
        """credit_note, paid, credited (nothing left once credited), overdue, open."""
        if self.kind != DocumentKind.INVOICE:
            return "credit_note"
        if self.due <= 0:
            return "credited" if self.paid == 0 else "paid"
        return "overdue" if self.due_on < timezone.localdate() else "open"


def _annotated() -> QuerySet[Invoice]:
    credited = (
        Invoice.objects.filter(credited=OuterRef("pk")).values("credited").annotate(s=Sum("total_ttc")).values("s")
    )
    paid = Payment.objects.filter(invoice=OuterRef("pk")).values("invoice").annotate(s=Sum("amount")).values("s")
    return Invoice.objects.select_related("credited").annotate(
        credited_ttc=Coalesce(Subquery(credited), ZERO), paid=Coalesce(Subquery(paid), ZERO)
    )


def _rows(queryset: QuerySet[Invoice]) -> list[InvoiceRow]:
    invoices = list(queryset)
    levels: dict[int, list[int]] = {}
    for invoice_id, level in Reminder.objects.filter(invoice__in=[i.pk for i in invoices]).values_list(
        "invoice_id", "level"
    ):
        levels.setdefault(invoice_id, []).append(level)
    return [
        InvoiceRow(
            id=i.pk,
            kind=i.kind,
            reference=i.reference,
            code=i.code,
            slug=i.slug,
            period=i.period,
            issued_on=i.issued_on,
            due_on=i.due_on,
            total_ht=i.total_ht,
            tva_rate=i.tva_rate,
            tva_amount=i.tva_amount,
            total_ttc=i.total_ttc,
            credited_ttc=i.credited_ttc,  # type: ignore[attr-defined]
            paid=i.paid,  # type: ignore[attr-defined]
            credited_reference=i.credited.reference if i.credited is not None else "",
            reason=i.reason,
            reminder_levels=tuple(sorted(levels.get(i.pk, []))),
            buyer_name_fr=i.buyer_name_fr,
            buyer_ice=i.buyer_ice,
        )
        for i in invoices
    ]


def invoice_list(*, slug: str | None = None, year: int | None = None, limit: int = 500) -> list[InvoiceRow]:
    """Invoices and credit notes, newest first, with what is credited, paid and due (a fixed number of queries)."""
    use_public_schema()
    queryset = _annotated().order_by("-issued_on", "-id")
    if slug:
        queryset = queryset.filter(slug=slug)
    if year:
        queryset = queryset.filter(year=year)
    return _rows(queryset[:limit])


def invoice_row(*, invoice_id: int) -> InvoiceRow:
    use_public_schema()
    rows = _rows(_annotated().filter(pk=invoice_id))
    if not rows:
        raise InvoiceNotFound()
    return rows[0]


def invoice_get(*, invoice_id: int) -> Invoice:
    """The frozen invoice itself (its lines and parties, for the PDF)."""
    use_public_schema()
    invoice = Invoice.objects.select_related("credited").filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    return invoice


def payments_of(*, invoice_id: int) -> list[Payment]:
    use_public_schema()
    return list(Payment.objects.filter(invoice_id=invoice_id).order_by("received_on", "id"))


def credit_notes_of(*, invoice_id: int) -> list[InvoiceRow]:
    use_public_schema()
    return _rows(_annotated().filter(credited_id=invoice_id).order_by("issued_on", "id"))


def invoices_unpaid(*, today: dt.date | None = None) -> list[InvoiceRow]:
    """Invoices with something still due whose due date has passed."""
    use_public_schema()
    today = today or timezone.localdate()
    rows = _rows(_annotated().filter(kind=DocumentKind.INVOICE, due_on__lt=today).order_by("due_on", "id"))
    return [row for row in rows if row.due > 0]


def read_only_slugs(*, today: dt.date | None = None) -> set[str]:
    """Communes whose subscription turns them read-only after a grace period, with an invoice unpaid past it."""
    use_public_schema()
    today = today or timezone.localdate()
    grace: dict[str, int] = {
        slug: int(days or 0)
        for slug, days in Subscription.objects.filter(read_only_after_days__isnull=False).values_list(
            "slug", "read_only_after_days"
        )
    }
    if not grace:
        return set()
    return {
        row.slug
        for row in invoices_unpaid(today=today)
        if row.slug in grace and (today - row.due_on).days >= grace[row.slug]
    }


READ_ONLY_CACHE_KEY = "jamaa:billing:read-only-slugs"


def read_only_slugs_cached() -> set[str]:
    """read_only_slugs, kept a minute in the cache (the commune sites ask on every write); the services that
    change it (payments, credit notes, subscriptions) forget it."""
    from django.core.cache import cache

    slugs = cache.get(READ_ONLY_CACHE_KEY)
    if slugs is None:
        slugs = sorted(read_only_slugs())
        cache.set(READ_ONLY_CACHE_KEY, slugs, 60)
    return set(slugs)


def subscriptions() -> list[Subscription]:
    use_public_schema()
    return list(Subscription.objects.order_by("slug"))


def subscription_of(*, slug: str) -> Subscription | None:
    use_public_schema()
    return Subscription.objects.filter(slug=slug).first()


def prices() -> list[ModulePrice]:
    use_public_schema()
    return list(ModulePrice.objects.order_by("module", "band", "-valid_from"))


CSV_COLUMNS = [
    "type",
    "numero",
    "date",
    "echeance",
    "commune",
    "client",
    "ice_client",
    "periode",
    "facture_origine",
    "total_ht",
    "taux_tva",
    "tva",
    "total_ttc",
    "avoirs_ttc",
    "paye",
    "reste_du",
]


def invoices_csv(*, year: int | None = None) -> str:
    """Invoices and credit notes for the lab's accountant: one line each, amounts with a dot, UTF-8, `;`."""
    use_public_schema()
    queryset = _annotated().order_by("kind", "year", "number")
    if year:
        queryset = queryset.filter(year=year)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in _rows(queryset):
        writer.writerow(
            [
                "facture" if row.kind == DocumentKind.INVOICE else "avoir",
                row.reference,
                row.issued_on.isoformat(),
                row.due_on.isoformat(),
                row.slug,
                row.buyer_name_fr,
                row.buyer_ice,
                row.period.strftime("%Y-%m") if row.period else "",
                row.credited_reference,
                f"{row.total_ht:.2f}",
                f"{row.tva_rate:.2f}",
                f"{row.tva_amount:.2f}",
                f"{row.total_ttc:.2f}",
                f"{row.credited_ttc:.2f}",
                f"{row.paid:.2f}",
                f"{row.due:.2f}",
            ]
        )
    return out.getvalue()
