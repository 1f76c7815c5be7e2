"""Redevables and their biens/activités."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .reference import Tax


class Redevable(models.Model):
    """A taxpayer: a person (CIN) or a company (RC and/or ICE)."""

    name = models.CharField(max_length=200)
    name_ar = models.CharField(max_length=200, blank=True, default="")  # the name in Arabic script, if known
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


class AssetKind(models.TextChoices):
    PARCEL = "parcel", _("Parcel")
    PREMISES = "premises", _("Premises")
    TERRACE = "terrace", _("Terrace on public land")
    VEHICLE = "vehicle", _("Vehicle")
    ESTABLISHMENT = "establishment", _("Establishment")
    OTHER = "other", _("Other")


class Asset(models.Model):
    """A bien or activité of a redevable (parcel, premises, terrace, taxi…) and the tax it usually owes."""

    redevable = models.ForeignKey(Redevable, on_delete=models.PROTECT, related_name="assets")
    kind = models.CharField(max_length=15, choices=AssetKind.choices)
    reference = models.CharField(max_length=60, help_text="title, permit, plate or authorisation number")
    label = models.CharField(max_length=200, blank=True, default="")
    address = models.CharField(max_length=300, blank=True, default="")
    surface_m2 = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    category = models.CharField(max_length=30, blank=True, default="")
    tax = models.ForeignKey(Tax, on_delete=models.PROTECT, null=True, blank=True, related_name="assets")
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["redevable", "kind", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface_m2__isnull=True) | Q(surface_m2__gt=0), name="regie_asset_surface_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
