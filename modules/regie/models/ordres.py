"""Ordres de recette, their lines and events, bordereaux d'émission and their counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .liquidations import Liquidation
from .reference import Regie, Tax
from .taxpayers import Asset, Redevable


class CounterKind(models.TextChoices):
    ORDRE = "ordre", _("Ordre de recette")
    BORDEREAU = "bordereau", _("Bordereau d'émission")
    VERSEMENT = "versement", _("Versement")


class BordereauStatus(models.TextChoices):
    ISSUED = "issued", _("Sent to the comptable")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Taken in charge")


class Bordereau(models.Model):
    """A bordereau d'émission: ordres de recette sent together to the comptable (the Treasury)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="bordereaux")
    exercice = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=BordereauStatus.choices, default=BordereauStatus.ISSUED)
    total_dh = models.DecimalField(max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    taken_in_charge_at = models.DateTimeField(null=True, blank=True)
    comptable_reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["regie", "exercice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "number"], name="regie_bordereau_number_unique"),
            models.CheckConstraint(condition=Q(total_dh__gt=0), name="regie_bordereau_total_positive"),
            models.CheckConstraint(condition=Q(status__in=BordereauStatus.values), name="regie_bordereau_status"),
        ]

    def __str__(self) -> str:
        return f"bordereau {self.exercice}/{self.number}"


class OrdreKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    COLLECTIVE = "collective", _("Collective")


class OrdreStatus(models.TextChoices):
    ISSUED = "issued", pgettext_lazy("ordre de recette", "Issued")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Taken in charge")
    RECOVERED = "recovered", _("Recovered")
    CANCELLED = "cancelled", pgettext_lazy("ordre de recette", "Cancelled")
    WRITTEN_OFF = "written_off", _("Written off (admission en non-valeur)")
    REMITTED = "remitted", _("Remitted")


# Allowed moves of an ordre de recette (also enforced by a trigger, migration 0004).
ORDRE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrdreStatus.ISSUED: (OrdreStatus.TAKEN_IN_CHARGE, OrdreStatus.CANCELLED),
    OrdreStatus.TAKEN_IN_CHARGE: (
        OrdreStatus.RECOVERED,
        OrdreStatus.CANCELLED,
        OrdreStatus.WRITTEN_OFF,
        OrdreStatus.REMITTED,
    ),
}


class OrdreRecette(models.Model):
    """An ordre de recette for a debt not paid at the counter: individual (one line) or collective (many)."""

    regie = models.ForeignKey(Regie, on_delete=models.PROTECT, related_name="ordres")
    exercice = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=OrdreKind.choices)
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, related_name="+")
    budget_line = models.CharField(max_length=30)
    subject = models.CharField(max_length=300)
    period = models.CharField(max_length=30)
    # When the debtor must have paid (a fine's deadline); none for ordres that follow the tax's own calendar.
    due_on = models.DateField(null=True, blank=True)
    amount_dh = models.DecimalField(max_digits=14, decimal_places=2)
    recovered_dh = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    status = models.CharField(max_length=16, choices=OrdreStatus.choices, default=OrdreStatus.ISSUED)
    bordereau = models.ForeignKey(Bordereau, on_delete=models.PROTECT, null=True, blank=True, related_name="ordres")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["regie", "exercice", "number"]
        constraints = [
            models.UniqueConstraint(fields=["regie", "exercice", "number"], name="regie_ordre_number_unique"),
            models.CheckConstraint(condition=Q(amount_dh__gt=0), name="regie_ordre_amount_positive"),
            models.CheckConstraint(
                condition=Q(recovered_dh__gte=0) & Q(recovered_dh__lte=F("amount_dh")), name="regie_ordre_recovered"
            ),
            models.CheckConstraint(condition=Q(status__in=OrdreStatus.values), name="regie_ordre_status_known"),
            models.CheckConstraint(
                condition=~Q(status="taken_in_charge", bordereau__isnull=True),
                name="regie_ordre_in_charge_has_bordereau",
            ),
        ]

    def __str__(self) -> str:
        return f"OR {self.exercice}/{self.number}"


class OrdreRecetteLine(models.Model):
    ordre = models.ForeignKey(OrdreRecette, on_delete=models.PROTECT, related_name="lines")
    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="ordre_lines")
    payer_name = models.CharField(max_length=200)
    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    liquidation = models.OneToOneField(
        Liquidation, on_delete=models.PROTECT, null=True, blank=True, related_name="ordre_line"
    )
    amount_dh = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["ordre", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_dh__gt=0), name="regie_ordre_line_positive")]

    def __str__(self) -> str:
        return f"{self.ordre_id}: {self.payer_name} {self.amount_dh}"


class OrdreRecetteEvent(models.Model):
    """Each state change of an ordre de recette: who, when, why, and the comptable's reference."""

    ordre = models.ForeignKey(OrdreRecette, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(max_length=16, blank=True, default="")
    to_status = models.CharField(max_length=16, choices=OrdreStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True, default="")
    reference = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        ordering = ["ordre", "at", "id"]

    def __str__(self) -> str:
        return f"{self.ordre_id}: {self.from_status} → {self.to_status}"
