"""`jamaa billing …`: prices, subscriptions, the month's invoices, payments, credit notes, reminders, the CSV export
and an invoice's PDF, from the command line (the same services as the console and the API)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jamaa.platform.billing import documents, selectors, services
from jamaa.platform.billing.verification import verify_url
from jamaa.platform.errors import DomainError


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


class Command(BaseCommand):
    help = "Platform invoicing: prices, subscriptions, invoices, payments, credit notes, reminders, export."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("price", help="set a module's monthly price (excl. VAT) for a size band from a date")
        p.add_argument("module")
        p.add_argument("band", choices=["s", "m", "l"])
        p.add_argument("monthly_ht", type=Decimal)
        p.add_argument("--from", dest="valid_from", type=_date, default=timezone.localdate())
        s = sub.add_parser("subscribe", help="create or change a commune's subscription")
        s.add_argument("slug")
        s.add_argument("--band", choices=["s", "m", "l"], required=True)
        s.add_argument("--buyer-fr", required=True)
        s.add_argument("--buyer-ar", required=True)
        s.add_argument("--address", default="")
        s.add_argument("--ice", default="")
        s.add_argument("--if", dest="buyer_if", default="")
        s.add_argument("--email", default="")
        s.add_argument("--from", dest="started_on", type=_date, default=timezone.localdate())
        s.add_argument("--read-only-after-days", type=int, default=None)
        g = sub.add_parser("generate", help="issue the month's invoices (idempotent)")
        g.add_argument("--month", type=_date, required=True, help="any day of the month, YYYY-MM-DD")
        lst = sub.add_parser("list", help="invoices and credit notes")
        lst.add_argument("--commune", default=None)
        lst.add_argument("--year", type=int, default=None)
        pay = sub.add_parser("pay", help="record a payment by transfer or cheque")
        pay.add_argument("reference_or_id")
        pay.add_argument("amount", type=Decimal)
        pay.add_argument("--method", choices=["transfer", "cheque"], required=True)
        pay.add_argument("--ref", required=True, help="the transfer's or cheque's reference")
        pay.add_argument("--on", type=_date, default=timezone.localdate())
        c = sub.add_parser("credit", help="issue a credit note against an invoice")
        c.add_argument("reference_or_id")
        c.add_argument("--reason", required=True)
        c.add_argument("--amount-ht", type=Decimal, default=None)
        sub.add_parser("remind", help="send the reminders due today (15, 30, 60 days past due)")
        e = sub.add_parser("export", help="the accountant's CSV")
        e.add_argument("--year", type=int, default=None)
        e.add_argument("-o", "--output", type=Path, default=None)
        pdf = sub.add_parser("pdf", help="write an invoice's PDF")
        pdf.add_argument("reference_or_id")
        pdf.add_argument("-o", "--output", type=Path, required=True)

    def _invoice_id(self, value: str) -> int:
        if value.isdigit():
            return int(value)
        for row in selectors.invoice_list(limit=100_000):
            if row.reference == value:
                return row.id
        raise CommandError(f"No invoice {value}.")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            self._handle(opts)
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message} {exc.extra or ''}".strip()) from None

    def _handle(self, opts: dict[str, Any]) -> None:
        action = opts["action"]
        if action == "price":
            price = services.price_set(
                actor=None,
                module=opts["module"],
                band=opts["band"],
                monthly_ht=opts["monthly_ht"],
                valid_from=opts["valid_from"],
            )
            self.stdout.write(f"{price.module}/{price.band}: {price.monthly_ht} DH HT from {price.valid_from}")
        elif action == "subscribe":
            sub = services.subscription_set(
                actor=None,
                slug=opts["slug"],
                band=opts["band"],
                buyer_name_fr=opts["buyer_fr"],
                buyer_name_ar=opts["buyer_ar"],
                buyer_address=opts["address"],
                buyer_ice=opts["ice"],
                buyer_if=opts["buyer_if"],
                email=opts["email"],
                started_on=opts["started_on"],
                read_only_after_days=opts["read_only_after_days"],
            )
            self.stdout.write(f"{sub.slug}: band {sub.band} from {sub.started_on}")
        elif action == "generate":
            issued = services.invoices_generate(period=opts["month"])
            for invoice in issued:
                self.stdout.write(f"{invoice.reference} {invoice.slug} {invoice.total_ttc} DH TTC")
            self.stdout.write(f"{len(issued)} invoices issued")
        elif action == "list":
            for row in selectors.invoice_list(slug=opts["commune"], year=opts["year"]):
                self.stdout.write(
                    f"{row.reference}\t{row.slug}\t{row.issued_on}\t{row.total_ttc}\tdue {row.due}\t{row.status}"
                )
        elif action == "pay":
            payment = services.payment_record(
                actor=None,
                invoice_id=self._invoice_id(opts["reference_or_id"]),
                amount=opts["amount"],
                method=opts["method"],
                reference=opts["ref"],
                received_on=opts["on"],
            )
            self.stdout.write(f"payment {payment.pk}: {payment.amount} DH ({payment.method} {payment.reference})")
        elif action == "credit":
            note = services.credit_note_issue(
                actor=None,
                invoice_id=self._invoice_id(opts["reference_or_id"]),
                reason=opts["reason"],
                amount_ht=opts["amount_ht"],
            )
            self.stdout.write(f"{note.reference}: {note.total_ttc} DH TTC")
        elif action == "remind":
            sent = services.reminders_send()
            self.stdout.write(f"{len(sent)} reminders sent")
        elif action == "export":
            data = selectors.invoices_csv(year=opts["year"])
            if opts["output"]:
                opts["output"].write_text(data, encoding="utf-8")
            else:
                self.stdout.write(data, ending="")
        elif action == "pdf":
            invoice = selectors.invoice_get(invoice_id=self._invoice_id(opts["reference_or_id"]))
            opts["output"].write_bytes(documents.render_invoice(invoice, verify_url=verify_url(invoice)))
            self.stdout.write(f"{invoice.reference} → {opts['output']}")
