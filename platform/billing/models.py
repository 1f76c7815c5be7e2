"""Platform invoicing, in the public schema: what each module costs per commune size band, each commune's
subscription, and the invoices, credit notes, payments and reminders. No payment processor.

Invoices and credit notes are official records: append-only (SQL triggers), numbered without gaps per year from a
public-schema counter (a number may only be the counter's current value, and the counter only moves forward by steps
a row covers by commit). A wrong invoice is never edited: a credit note is its counter-entry.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q


class Band(models.TextChoices):
    SMALL = "s", "fewer than 20,000 inhabitants"
    MEDIUM = "m", "20,000 to 100,000 inhabitants"
    LARGE = "l", "more than 100,000 inhabitants"


class ModulePrice(models.Model):
    """The monthly price (excluding VAT) of one module for one size band, from a date. A price change is a new row."""

    module = models.CharField(max_length=40)
    band = models.CharField(max_length=1, choices=Band.choices)
    monthly_ht = models.DecimalField(max_digits=12, decimal_places=2)
    valid_from = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module", "band", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["module", "band", "valid_from"], name="billing_price_once"),
            models.CheckConstraint(condition=Q(monthly_ht__gte=0), name="billing_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.module}/{self.band} {self.monthly_ht} from {self.valid_from}"


class Subscription(models.Model):
    """A commune's subscription: its size band and the buyer's legal identity printed on its invoices."""

    slug = models.CharField(max_length=40, unique=True)
    band = models.CharField(max_length=1, choices=Band.choices)
    buyer_name_fr = models.CharField(max_length=200)
    buyer_name_ar = models.CharField(max_length=200)
    buyer_address = models.CharField(max_length=300, blank=True, default="")
    buyer_ice = models.CharField(max_length=15, blank=True, default="")
    buyer_if = models.CharField(max_length=20, blank=True, default="")
    email = models.EmailField(blank=True, default="", help_text="where invoices and reminders are sent")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # Optional grace-then-read-only: days past the due date after which an unpaid commune's site turns read-only
    # (never its état civil extracts). None: never.
    read_only_after_days = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.band})"


class BillingCounter(models.Model):
    """Gapless numbering of one series (invoices 'F', credit notes 'AV') in one year, in the public schema."""

    series = models.CharField(max_length=4)
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="billing_counter_once")]

    def __str__(self) -> str:
        return f"{self.series}-{self.year}: {self.last_number}"


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", "invoice"
    CREDIT = "credit", "credit note"


class Invoice(models.Model):
    """An invoice or a credit note (its counter-entry), frozen at issue: every figure and party is a snapshot."""

    kind = models.CharField(max_length=7, choices=DocumentKind.choices)
    counter = models.ForeignKey(BillingCounter, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    year = models.PositiveIntegerField()
    code = models.CharField(max_length=32, unique=True, help_text="the verification code in the QR")
    slug = models.CharField(max_length=40, db_index=True)
    period = models.DateField(null=True, blank=True, help_text="first day of the month invoiced")
    credited = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes")
    reason = models.TextField(blank=True, default="")
    issued_on = models.DateField()
    due_on = models.DateField()
    seller = models.JSONField(help_text="the lab's legal mentions at issue")
    buyer_name_fr = models.CharField(max_length=200)
    buyer_name_ar = models.CharField(max_length=200)
    buyer_address = models.CharField(max_length=300, blank=True, default="")
    buyer_ice = models.CharField(max_length=15, blank=True, default="")
    buyer_if = models.CharField(max_length=20, blank=True, default="")
    lines = models.JSONField(help_text="[{module, label_fr, label_ar, months, unit_ht, total_ht}]")
    total_ht = models.DecimalField(max_digits=14, decimal_places=2)
    tva_rate = models.DecimalField(max_digits=5, decimal_places=2)
    tva_amount = models.DecimalField(max_digits=14, decimal_places=2)
    total_ttc = models.DecimalField(max_digits=14, decimal_places=2)
    issued_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-number", "kind"]
        db_table_comment = "Invoices and credit notes. Append-only (trigger); numbers only from billing_billingcounter."
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "number"], name="billing_invoice_number_once"),
            models.UniqueConstraint(
                fields=["slug", "period"], condition=Q(kind="invoice"), name="billing_invoice_once_per_month"
            ),
            models.CheckConstraint(condition=Q(kind__in=["invoice", "credit"]), name="billing_invoice_kind"),
            models.CheckConstraint(
                condition=(Q(kind="invoice", credited__isnull=True, period__isnull=False))
                | (Q(kind="credit", credited__isnull=False) & ~Q(reason="")),
                name="billing_credit_names_invoice_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(total_ht__gte=0, tva_amount__gte=0, total_ttc=F("total_ht") + F("tva_amount")),
                name="billing_invoice_totals",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=F("issued_on")), name="billing_invoice_due_after_issue"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        prefix = "F" if self.kind == DocumentKind.INVOICE else "AV"
        return f"{prefix}-{self.year}/{self.number:06d}"


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", "bank transfer"
    CHEQUE = "cheque", "cheque"


class Payment(models.Model):
    """Money received for an invoice, by bank transfer or cheque, with its reference. Append-only."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100)
    received_on = models.DateField()
    recorded_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="billing_payment_positive"),
            models.CheckConstraint(condition=~Q(reference=""), name="billing_payment_reference"),
            models.CheckConstraint(condition=Q(method__in=["transfer", "cheque"]), name="billing_payment_method"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice_id} ({self.method} {self.reference})"


class Reminder(models.Model):
    """A reminder sent for an unpaid invoice, 15, 30 or 60 days past due. Append-only, once per level."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    level = models.PositiveSmallIntegerField()
    email = models.CharField(max_length=254, blank=True, default="")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invoice", "level"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "level"], name="billing_reminder_once"),
            models.CheckConstraint(condition=Q(level__in=[15, 30, 60]), name="billing_reminder_level"),
        ]

    def __str__(self) -> str:
        return f"reminder {self.level} d for {self.invoice_id}"
