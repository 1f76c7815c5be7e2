"""Liquidations: a base, a tariff and penalties giving an amount, with every step kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from .reference import Regie, Tariff, Tax
from .taxpayers import Asset, Redevable


class LiquidationStatus(models.TextChoices):
    LIQUIDATED = "liquidated", _("Liquidated")
    PAID = "paid", _("Paid")
    ORDERED = "ordered", _("Ordre de recette issued")
    CANCELLED = "cancelled", _("Cancelled")


class Liquidation(models.Model):
    """A declaration liquidated: amount = round(base × rate, 2) + penalties, with every step (`steps`) kept.

    Frozen once paid or ordered (database trigger, migration 0004): a wrong liquidation is cancelled and redone.
    """

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="liquidations")
    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="liquidations")
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="liquidations")
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=30)
    base = models.DecimalField(max_digits=14, decimal_places=2)
    rate = models.DecimalField(max_digits=12, decimal_places=4)
    principal_dh = models.DecimalField(max_digits=12, decimal_places=2)
    declaration_penalty_dh = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    payment_penalty_dh = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_dh = models.DecimalField(max_digits=12, decimal_places=2)
    declaration_due = models.DateField(null=True, blank=True)
    declared_on = models.DateField(null=True, blank=True)
    payment_due = models.DateField(null=True, blank=True)
    computed_on = models.DateField(help_text="the day the penalties were computed for (payment day)")
    steps = models.JSONField(default=list, help_text="[{label, formula, amount}] as computed")
    status = models.CharField(max_length=12, choices=LiquidationStatus.choices, default=LiquidationStatus.LIQUIDATED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(base__gt=0), name="regie_liquidation_base_positive"),
            models.CheckConstraint(
                condition=Q(principal_dh=Round(F("base") * F("rate"), 2)), name="regie_liquidation_principal"
            ),
            models.CheckConstraint(
                condition=Q(declaration_penalty_dh__gte=0) & Q(payment_penalty_dh__gte=0),
                name="regie_liquidation_penalties_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(total_dh=F("principal_dh") + F("declaration_penalty_dh") + F("payment_penalty_dh")),
                name="regie_liquidation_total",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LiquidationStatus.values), name="regie_liquidation_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"liquidation {self.pk} {self.total_dh}"
