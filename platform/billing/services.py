"""Writes of the platform's invoicing (public schema): prices, subscriptions, invoices and their monthly job,
credit notes, payments, reminders. Every write is audited in the platform's audit trail.

Numbers: `_number_next` bumps the series' counter row under its lock in the caller's transaction and the invoice
takes that value (the database refuses any other, and refuses a counter step no invoice covers): concurrent
issuers queue, a rollback gives the number back. No gap, no duplicate.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from jamaa.modules import registry
from jamaa.platform.core.services import audit_record
from jamaa.platform.db import use_public_schema
from jamaa.tenants.selectors import commune_fleet_rows

from . import config
from .exceptions import (
    AlreadyInvoiced,
    BillingNotConfigured,
    CreditTooLarge,
    InvalidBillingInput,
    InvoiceNotFound,
    NotAnInvoice,
    NothingToInvoice,
    Overpayment,
    SubscriptionNotFound,
)
from .models import (
    Band,
    BillingCounter,
    DocumentKind,
    Invoice,
    ModulePrice,
    Payment,
    PaymentMethod,
    Reminder,
    Subscription,
)

Actor = AbstractBaseUser | AnonymousUser | None
CENT = Decimal("0.01")
REMINDER_LEVELS = (15, 30, 60)
SERIES = {DocumentKind.INVOICE: "F", DocumentKind.CREDIT: "AV"}


def _forget_read_only() -> None:
    """A payment, a credit note or a subscription change may lift a commune's unpaid read-only step at once."""
    from django.core.cache import cache

    from .selectors import READ_ONLY_CACHE_KEY

    transaction.on_commit(lambda: cache.delete(READ_ONLY_CACHE_KEY))


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _label(actor: Actor) -> str:
    if actor is not None and getattr(actor, "pk", None) is not None:
        return str(actor.get_username())
    return "system"


def _number_next(series: str, year: int) -> tuple[BillingCounter, int]:
    """The next number of (series, year), its counter row locked until the caller's transaction ends."""
    if not connection.in_atomic_block:
        raise RuntimeError("an invoice number is drawn inside the transaction that records it")
    table = BillingCounter._meta.db_table
    with connection.cursor() as cursor:
        # A new series starts at 0 (the database refuses any other start), then steps by one under the row lock.
        cursor.execute(
            f'INSERT INTO public."{table}" (series, year, last_number) VALUES (%s, %s, 0) '  # noqa: S608 (our table)
            "ON CONFLICT (series, year) DO NOTHING",
            [series, year],
        )
        cursor.execute(
            f'UPDATE public."{table}" SET last_number = last_number + 1 '  # noqa: S608 (our table)
            "WHERE series = %s AND year = %s RETURNING id, last_number",
            [series, year],
        )
        row = cursor.fetchone()
    assert row is not None
    counter = BillingCounter(id=row[0], series=series, year=year, last_number=row[1])
    return counter, int(row[1])


def price_set(*, actor: Actor, module: str, band: str, monthly_ht: Decimal, valid_from: dt.date) -> ModulePrice:
    """A module's monthly price for a band from a date (a new row: earlier prices stay for earlier invoices)."""
    use_public_schema()
    problems: dict[str, list[str]] = {}
    if registry.available().get(module) is None:
        problems["module"] = [f"unknown module {module!r}"]
    if band not in Band.values:
        problems["band"] = [f"unknown band {band!r}"]
    if monthly_ht < 0:
        problems["monthly_ht"] = ["a price cannot be negative"]
    if problems:
        raise InvalidBillingInput(extra={"fields": problems})
    with transaction.atomic():
        price, _created = ModulePrice.objects.update_or_create(
            module=module, band=band, valid_from=valid_from, defaults={"monthly_ht": _money(monthly_ht)}
        )
        audit_record(
            actor=actor,
            action="billing.price_set",
            target=price,
            data={"module": module, "band": band, "monthly_ht": str(price.monthly_ht), "from": str(valid_from)},
        )
    return price


def subscription_set(
    *,
    actor: Actor,
    slug: str,
    band: str,
    buyer_name_fr: str,
    buyer_name_ar: str,
    started_on: dt.date,
    buyer_address: str = "",
    buyer_ice: str = "",
    buyer_if: str = "",
    email: str = "",
    ended_on: dt.date | None = None,
    read_only_after_days: int | None = None,
) -> Subscription:
    """Create or change a commune's subscription (audited). Invoices already issued keep their snapshot."""
    use_public_schema()
    problems: dict[str, list[str]] = {}
    if not commune_fleet_rows(slugs=[slug]):
        problems["slug"] = [f"no commune {slug!r}"]
    if band not in Band.values:
        problems["band"] = [f"unknown band {band!r}"]
    if not buyer_name_fr.strip() or not buyer_name_ar.strip():
        problems["buyer_name_fr" if not buyer_name_fr.strip() else "buyer_name_ar"] = ["required"]
    if buyer_ice and (not buyer_ice.isdigit() or len(buyer_ice) != 15):
        problems["buyer_ice"] = ["an ICE has 15 digits"]
    if ended_on is not None and ended_on < started_on:
        problems["ended_on"] = ["ends before it starts"]
    if problems:
        raise InvalidBillingInput(extra={"fields": problems})
    with transaction.atomic():
        subscription, created = Subscription.objects.update_or_create(
            slug=slug,
            defaults={
                "band": band,
                "buyer_name_fr": buyer_name_fr.strip(),
                "buyer_name_ar": buyer_name_ar.strip(),
                "buyer_address": buyer_address.strip(),
                "buyer_ice": buyer_ice,
                "buyer_if": buyer_if.strip(),
                "email": email.strip(),
                "started_on": started_on,
                "ended_on": ended_on,
                "read_only_after_days": read_only_after_days,
            },
        )
        audit_record(
            actor=actor,
            action="billing.subscription_created" if created else "billing.subscription_changed",
            target=subscription,
            data={"slug": slug, "band": band, "started_on": str(started_on)},
        )
        _forget_read_only()
    return subscription


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _lines(subscription: Subscription, modules: Iterable[str], period: dt.date) -> list[dict[str, Any]]:
    """One line per enabled module that has a price for the band in force in the month."""
    lines = []
    end = month_end(period)
    for module in sorted(modules):
        price = (
            ModulePrice.objects.filter(module=module, band=subscription.band, valid_from__lte=end)
            .order_by("-valid_from")
            .first()
        )
        info = registry.available().get(module)
        if price is None or info is None:
            continue
        lines.append(
            {
                "module": module,
                "label_fr": f"Module {info.name_fr} — {period:%m/%Y}",
                "label_ar": f"وحدة {info.name_ar} — {period:%m/%Y}",
                "months": 1,
                "unit_ht": str(price.monthly_ht),
                "total_ht": str(price.monthly_ht),
            }
        )
    return lines


def _create(
    *,
    kind: str,
    slug: str,
    subscription: Subscription,
    lines: list[dict[str, Any]],
    total_ht: Decimal,
    tva_rate: Decimal,
    issued_on: dt.date,
    actor: Actor,
    period: dt.date | None = None,
    credited: Invoice | None = None,
    reason: str = "",
    buyer: Invoice | None = None,
) -> Invoice:
    seller = config.seller()
    if config.missing(seller):
        raise BillingNotConfigured(extra={"missing": config.missing(seller)})
    tva_amount = _money(total_ht * tva_rate / Decimal(100))
    source: Any = buyer if buyer is not None else subscription
    counter, number = _number_next(SERIES[DocumentKind(kind)], issued_on.year)
    return Invoice.objects.create(
        kind=kind,
        counter=counter,
        number=number,
        year=issued_on.year,
        code=secrets.token_hex(16),
        slug=slug,
        period=period,
        credited=credited,
        reason=reason,
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=config.due_days() if kind == DocumentKind.INVOICE else 0),
        seller=seller | {"tva_rate": str(tva_rate)},
        buyer_name_fr=source.buyer_name_fr,
        buyer_name_ar=source.buyer_name_ar,
        buyer_address=source.buyer_address,
        buyer_ice=source.buyer_ice,
        buyer_if=source.buyer_if,
        lines=lines,
        total_ht=_money(total_ht),
        tva_rate=tva_rate,
        tva_amount=tva_amount,
        total_ttc=_money(total_ht) + tva_amount,
        issued_by=_label(actor),
    )


def invoice_issue(*, actor: Actor, slug: str, period: dt.date, issued_on: dt.date | None = None) -> Invoice:
    """The month's invoice of one commune: its enabled modules at their band's price; numbered at issue."""
    use_public_schema()
    period = month_start(period)
    issued_on = issued_on or timezone.localdate()
    subscription = Subscription.objects.filter(slug=slug).first()
    if subscription is None:
        raise SubscriptionNotFound()
    if subscription.started_on > month_end(period) or (
        subscription.ended_on is not None and subscription.ended_on < period
    ):
        raise NothingToInvoice()
    rows = commune_fleet_rows(slugs=[slug])
    modules = rows[0].modules if rows else ()
    lines = _lines(subscription, modules, period)
    if not lines:
        raise NothingToInvoice()
    total_ht = sum((Decimal(line["total_ht"]) for line in lines), Decimal(0))
    try:
        with transaction.atomic():
            invoice = _create(
                kind=DocumentKind.INVOICE,
                slug=slug,
                subscription=subscription,
                lines=lines,
                total_ht=total_ht,
                tva_rate=config.tva_rate(),
                issued_on=issued_on,
                actor=actor,
                period=period,
            )
            audit_record(
                actor=actor,
                action="billing.invoice_issued",
                target=invoice,
                data={"reference": invoice.reference, "slug": slug, "total_ttc": str(invoice.total_ttc)},
            )
    except IntegrityError as exc:
        if "billing_invoice_once_per_month" in str(exc):
            raise AlreadyInvoiced() from None
        raise
    return invoice


def invoices_generate(*, period: dt.date, actor: Actor = None, issued_on: dt.date | None = None) -> list[Invoice]:
    """The monthly job: the month's invoice of every running subscription not invoiced yet (idempotent)."""
    use_public_schema()
    period = month_start(period)
    done = set(Invoice.objects.filter(kind=DocumentKind.INVOICE, period=period).values_list("slug", flat=True))
    issued = []
    for subscription in Subscription.objects.exclude(slug__in=done).order_by("slug"):
        try:
            issued.append(invoice_issue(actor=actor, slug=subscription.slug, period=period, issued_on=issued_on))
        except (NothingToInvoice, AlreadyInvoiced):
            continue
    return issued


def _locked_invoice(invoice_id: int) -> Invoice:
    invoice = Invoice.objects.select_for_update().filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    if invoice.kind != DocumentKind.INVOICE:
        raise NotAnInvoice()
    return invoice


def _credited_ttc(invoice: Invoice) -> Decimal:
    return Invoice.objects.filter(credited=invoice).aggregate(s=Sum("total_ttc"))["s"] or Decimal(0)


def _paid(invoice: Invoice) -> Decimal:
    return Payment.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or Decimal(0)


def credit_note_issue(
    *, actor: Actor, invoice_id: int, reason: str, amount_ht: Decimal | None = None, issued_on: dt.date | None = None
) -> Invoice:
    """A credit note against an invoice (its counter-entry; the invoice itself never changes): the whole of what
    remains, or `amount_ht` of it. Numbered in its own gapless series."""
    use_public_schema()
    if not reason.strip():
        raise InvalidBillingInput(extra={"fields": {"reason": ["a credit note says why"]}})
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        invoice = _locked_invoice(invoice_id)
        credited_ht = Invoice.objects.filter(credited=invoice).aggregate(s=Sum("total_ht"))["s"] or Decimal(0)
        remaining_ht = invoice.total_ht - credited_ht
        amount = _money(amount_ht) if amount_ht is not None else remaining_ht
        if amount <= 0 or amount > remaining_ht:
            raise CreditTooLarge(extra={"remaining_ht": str(remaining_ht)})
        lines = [
            {
                "module": "",
                "label_fr": f"Avoir sur la facture {invoice.reference} : {reason.strip()}",
                "label_ar": f"إشعار دائن على الفاتورة {invoice.reference}: {reason.strip()}",
                "months": 1,
                "unit_ht": str(amount),
                "total_ht": str(amount),
            }
        ]
        subscription = Subscription.objects.get(slug=invoice.slug)
        note = _create(
            kind=DocumentKind.CREDIT,
            slug=invoice.slug,
            subscription=subscription,
            lines=lines,
            total_ht=amount,
            tva_rate=invoice.tva_rate,
            issued_on=max(issued_on, invoice.issued_on),
            actor=actor,
            credited=invoice,
            reason=reason.strip(),
            buyer=invoice,
        )
        audit_record(
            actor=actor,
            action="billing.credit_note_issued",
            target=note,
            reason=reason.strip(),
            data={"reference": note.reference, "invoice": invoice.reference, "total_ttc": str(note.total_ttc)},
        )
        _forget_read_only()
    return note


def payment_record(
    *,
    actor: Actor,
    invoice_id: int,
    amount: Decimal,
    method: str,
    reference: str,
    received_on: dt.date,
) -> Payment:
    """Money received by bank transfer or cheque, with its reference; never more than what remains due."""
    use_public_schema()
    problems: dict[str, list[str]] = {}
    if method not in PaymentMethod.values:
        problems["method"] = ["bank transfer or cheque"]
    if not reference.strip():
        problems["reference"] = ["the transfer's or the cheque's reference"]
    if amount <= 0:
        problems["amount"] = ["a positive amount"]
    if received_on > timezone.localdate():
        problems["received_on"] = ["in the future"]
    if problems:
        raise InvalidBillingInput(extra={"fields": problems})
    with transaction.atomic():
        invoice = _locked_invoice(invoice_id)
        due = invoice.total_ttc - _credited_ttc(invoice) - _paid(invoice)
        if _money(amount) > due:
            raise Overpayment(extra={"due": str(due)})
        payment = Payment.objects.create(
            invoice=invoice,
            amount=_money(amount),
            method=method,
            reference=reference.strip(),
            received_on=received_on,
            recorded_by=_label(actor),
        )
        audit_record(
            actor=actor,
            action="billing.payment_recorded",
            target=payment,
            data={"invoice": invoice.reference, "amount": str(payment.amount), "method": method},
        )
        _forget_read_only()
    return payment


def reminders_send(*, today: dt.date | None = None) -> list[Reminder]:
    """Reminders for unpaid invoices 15, 30 and 60 days past due, each level once, by email when the
    subscription has an address (through the outbox)."""
    from . import selectors

    use_public_schema()
    today = today or timezone.localdate()
    sent = []
    emails = dict(Subscription.objects.values_list("slug", "email"))
    for row in selectors.invoices_unpaid(today=today):
        days = (today - row.due_on).days
        levels = [level for level in REMINDER_LEVELS if days >= level and level not in row.reminder_levels]
        for level in levels:
            email = emails.get(row.slug, "")
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        reminder = Reminder.objects.create(invoice_id=row.id, level=level, email=email)
                except IntegrityError:
                    continue
                audit_record(
                    actor=None,
                    action="billing.reminder_sent",
                    target=reminder,
                    data={"invoice": row.reference, "level": level},
                )
                if email:
                    EmailMessage(
                        subject=f"Rappel / تذكير — {row.reference} ({level} j)",
                        body=(
                            f"La facture {row.reference} du {row.issued_on:%d/%m/%Y} reste impayée depuis {days} "
                            f"jours : {row.due} DH restent dus.\n\n"
                            f"الفاتورة {row.reference} غير مؤداة منذ {days} يوما: المبلغ المتبقي {row.due} درهم."
                        ),
                        to=[email],
                    ).send()
            sent.append(reminder)
    return sent


def invoice_email(*, actor: Actor, invoice_id: int, pdf: bytes) -> bool:
    """Send an invoice's PDF to its commune's billing address; False when the subscription has none."""
    use_public_schema()
    invoice = Invoice.objects.filter(pk=invoice_id).first()
    if invoice is None:
        raise InvoiceNotFound()
    email = Subscription.objects.filter(slug=invoice.slug).values_list("email", flat=True).first() or ""
    if not email:
        return False
    message = EmailMessage(
        subject=f"Facture / فاتورة {invoice.reference}",
        body=f"Ci-joint la facture {invoice.reference}.\nتجدون رفقته الفاتورة {invoice.reference}.",
        to=[email],
    )
    message.attach(f"{invoice.reference.replace('/', '-')}.pdf", pdf, "application/pdf")
    message.send()
    audit_record(actor=actor, action="billing.invoice_sent", target=invoice, data={"to": email})
    return True
