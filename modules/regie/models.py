"""Régie des recettes: the régie, taxes and versioned tariffs, redevables, and the numbered stub book.

A quittance is never updated or deleted (database triggers, migration 0002): a cancellation is a counter-entry
with its reason, who asked, and a supervisor's approval; the cancelled number stays in the register. Numbers
run without gaps per (régie, exercice, series).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _


class Regie(models.Model):
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    arrete_number = models.CharField(max_length=50)
    arrete_date = models.DateField()
    cash_ceiling_dh = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(cash_ceiling_dh__gt=0), name="regie_cash_ceiling_positive")]

    def __str__(self) -> str:
        return self.name_fr


class BaseKind(models.TextChoices):
    AREA = "m2", _("per m²")
    SALES_PERCENT = "percent", _("% of sales")
    NIGHT = "night", _("per person per night")
    QUARTER = "quarter", _("per quarter")
    FIXED = "fixed", _("fixed")


class Tax(models.Model):
    code = models.CharField(max_length=30, unique=True)
    name_fr = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200)
    base_kind = models.CharField(max_length=10, choices=BaseKind.choices)
    budget_line = models.CharField(max_length=30, help_text="code of the budget line credited")

    def __str__(self) -> str:
        return self.code


class Tariff(models.Model):
    """A rate in force from `valid_from` (the arrêté fiscal's date of effect) until the next version."""

    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="tariffs")
    rate = models.DecimalField(max_digits=12, decimal_places=4)
    valid_from = models.DateField()
    arrete_reference = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        ordering = ["tax", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["tax", "valid_from"], name="regie_tariff_one_per_day"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="regie_tariff_rate_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.tax_id} {self.rate} from {self.valid_from}"


class Redevable(models.Model):
    """A taxpayer: a person (CIN) or a company (RC and/or ICE)."""

    name = models.CharField(max_length=200)
    cin = models.CharField(max_length=20, blank=True, default="")
    rc = models.CharField(max_length=30, blank=True, default="")
    ice = models.CharField(max_length=20, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(cin="") | ~Q(rc="") | ~Q(ice=""), name="regie_redevable_identified"),
        ]

    def __str__(self) -> str:
        return self.name


class QuittanceSeries(models.Model):
    """The counter of one stub book: (régie, exercice, series). Locked when a number is drawn."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="series")
    exercice = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10, default="A")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["regie", "exercice", "series"], name="regie_series_unique")]

    def __str__(self) -> str:
        return f"{self.regie_id}/{self.exercice}/{self.series}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Transfer")


class Quittance(models.Model):
    """A receipt. Immutable: the payer's name and the tax are kept as snapshots beside their ids."""

    series = models.ForeignKey(QuittanceSeries, on_delete=models.PROTECT, related_name="quittances")
    number = models.PositiveIntegerField()
    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="quittances")
    payer_name = models.CharField(max_length=200)
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    budget_line = models.CharField(max_length=30)
    period = models.CharField(max_length=30)
    base = models.DecimalField(max_digits=14, decimal_places=2)
    rate = models.DecimalField(max_digits=12, decimal_places=4)
    penalties_dh = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["series", "number"], name="regie_quittance_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="regie_quittance_number_positive"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="regie_quittance_amount_positive"),
            models.CheckConstraint(condition=Q(penalties_dh__gte=0), name="regie_quittance_penalties_nonnegative"),
            models.CheckConstraint(
                condition=Q(amount_dh=Round(F("base") * F("rate"), 2) + F("penalties_dh")),
                name="regie_quittance_amount_is_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id}#{self.number}"


class QuittanceCancellation(models.Model):
    """The counter-entry that cancels a quittance: who asked, why, and the supervisor who approved it."""

    quittance = models.OneToOneField(Quittance, on_delete=models.PROTECT, related_name="cancellation")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2, help_text="negative: the counter-entry")
    cancelled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="regie_cancellation_reason_given"),
            models.CheckConstraint(condition=~Q(approved_by=F("requested_by")), name="regie_cancellation_four_eyes"),
            models.CheckConstraint(condition=Q(amount_dh__lt=0), name="regie_cancellation_negative"),
        ]

    def __str__(self) -> str:
        return f"cancels {self.quittance_id}"
