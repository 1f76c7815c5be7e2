"""The day's close: versements, their items, and incidents for the régisseur."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .quittances import Quittance
from .reference import Regie


class VersementLevel(models.TextChoices):
    AGENT = "agent", _("Agent's takings paid to the régisseur")
    REGIE = "regie", _("Régie's takings paid to the trésorier")


class Versement(models.Model):
    """A day's close and payment of takings: an agent's to the régisseur (level "agent", agent set) or the
    régie's to the trésorier (level "regie"). Its existence locks that day for that agent (or the whole régie).
    The relevé nominatif lists its quittances (VersementItem)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="versements")
    exercice = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    level = models.CharField(max_length=5, choices=VersementLevel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    day = models.DateField()
    expected_dh = models.DecimalField(max_digits=14, decimal_places=2)
    counted_dh = models.DecimalField(max_digits=14, decimal_places=2)
    difference_dh = models.DecimalField(max_digits=14, decimal_places=2)
    quittance_count = models.PositiveIntegerField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)
    treasury_reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["regie", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "number"], name="regie_versement_number_unique"),
            models.UniqueConstraint(
                fields=["regie", "day", "agent"], condition=Q(level="agent"), name="regie_versement_agent_day"
            ),
            models.UniqueConstraint(fields=["regie", "day"], condition=Q(level="regie"), name="regie_versement_day"),
            models.CheckConstraint(
                condition=(Q(level="agent") & Q(agent__isnull=False)) | (Q(level="regie") & Q(agent__isnull=True)),
                name="regie_versement_level_agent",
            ),
            models.CheckConstraint(
                condition=Q(difference_dh=F("counted_dh") - F("expected_dh")), name="regie_versement_difference"
            ),
            models.CheckConstraint(
                condition=Q(counted_dh__gte=0) & Q(expected_dh__gte=0), name="regie_versement_amounts"
            ),
        ]

    def __str__(self) -> str:
        return f"versement {self.exercice}/{self.number}"


class VersementItem(models.Model):
    """A quittance (or its cancellation's counter-entry) included in a versement; once per level."""

    versement = models.ForeignKey(Versement, on_delete=models.PROTECT, related_name="items")
    quittance = models.ForeignKey(Quittance, on_delete=models.PROTECT, related_name="versement_items")
    level = models.CharField(max_length=5, choices=VersementLevel.choices)
    amount_dh = models.DecimalField(max_digits=12, decimal_places=2, help_text="net: 0 when cancelled")

    class Meta:
        ordering = ["versement", "quittance"]
        constraints = [
            models.UniqueConstraint(fields=["quittance", "level"], name="regie_quittance_once_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.versement_id}: {self.quittance_id}"


class IncidentKind(models.TextChoices):
    CASH_DIFFERENCE = "cash_difference", _("Cash difference at the close")
    NUMBER_GAP = "number_gap", _("Number missing from a block")
    STALE_BLOCK = "stale_block", _("Payment with a number outside the block")
    LATE_PAYMENT = "late_payment", _("Payment taken before a close, booked into the next open day")


class Incident(models.Model):
    """Something the régisseur must look at: a cash difference, a missing number, a refused number."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="incidents")
    day = models.DateField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=IncidentKind.choices)
    amount_dh = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    versement = models.ForeignKey(Versement, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents")
    note = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.day}"
