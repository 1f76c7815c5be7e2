"""Communes (the tenants) and their domains, in the public schema."""

from __future__ import annotations

import uuid

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z][a-z0-9-]{1,39}$",
    _("2 to 40 lower-case letters, digits or hyphens, starting with a letter."),
    code="invalid_slug",
)


class CommuneStatus(models.TextChoices):
    PROVISIONING = "provisioning", _("Provisioning")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ARCHIVED = "archived", _("Archived")


class Commune(TenantMixin):
    """One commune: one PostgreSQL schema, one subdomain."""

    slug = models.CharField(max_length=40, unique=True, validators=[SLUG_VALIDATOR])
    # A commune's identity, stable for its whole life (a slug can be reused after a deletion): a backup carries
    # it and a restore into an existing commune refuses an archive of another one.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_fr = models.CharField(_("name (French)"), max_length=120)
    name_ar = models.CharField(_("name (Arabic)"), max_length=120)
    region = models.CharField(max_length=120, blank=True, default="")
    province = models.CharField(max_length=120, blank=True, default="")
    # The region and province as the Arabic side of official documents prints them.
    region_ar = models.CharField(_("region (Arabic)"), max_length=120, blank=True, default="")
    province_ar = models.CharField(_("province (Arabic)"), max_length=120, blank=True, default="")
    status = models.CharField(max_length=16, choices=CommuneStatus.choices, default=CommuneStatus.PROVISIONING)
    enabled_modules = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Provisioning creates schemas itself (from the template, or by migrations).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["provisioning", "active", "suspended", "archived"]),
                name="commune_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_fr} ({self.slug})"

    @property
    def is_serving(self) -> bool:
        return self.status in (CommuneStatus.ACTIVE, CommuneStatus.ARCHIVED)

    @property
    def is_read_only(self) -> bool:
        return self.status == CommuneStatus.ARCHIVED


class Domain(DomainMixin):
    """A host name that routes to a commune (its `<slug>.<base domain>`, or a custom one)."""


class RoutingGeneration(models.Model):
    """One row, bumped by a database trigger whenever a commune or domain changes.

    Every web process caches host → commune and compares this number every few seconds, so a change
    made anywhere (console, CLI, raw SQL) reaches every process within seconds, at no SQL per request.
    """

    id = models.SmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="routing_generation_single_row")]

    def __str__(self) -> str:
        return f"routing generation {self.value}"
