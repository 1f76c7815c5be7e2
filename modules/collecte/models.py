"""The collectors' devices, their revocable tokens, the blocks handed to each device, and the sync log.

No foreign key to the régie (module boundary): blocks and quittances are referred to by id with a snapshot of
what the device needs (range, régie, exercice).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Device(models.Model):
    """A collector's phone or tablet, registered with the collector's password; revoking it kills its tokens."""

    collector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=100)
    user_agent = models.CharField(max_length=300, blank=True, default="")
    registered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_sync_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-registered_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_by__isnull=False), name="collecte_device_revoker"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.collector_id})"


class DeviceToken(models.Model):
    """A device's bearer token, stored as its SHA-256 only (the device holds the secret)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.pk} of device {self.device_id}"


class DeviceBlock(models.Model):
    """A block of the régie's series handed to this device (the régie's QuittanceBlock, by id)."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="blocks")
    block_id = models.PositiveBigIntegerField(unique=True)
    regie_id = models.PositiveBigIntegerField()
    exercice = models.PositiveSmallIntegerField()
    series = models.CharField(max_length=10)
    first_number = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField()
    allocated_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device", "first_number"]
        constraints = [
            models.CheckConstraint(condition=Q(last_number__gte=F("first_number")), name="collecte_block_range"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.first_number}-{self.last_number}"


class SyncBatch(models.Model):
    """One upload of payments from a device: what came, what was created, what was a repeat, what was refused."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="batches")
    received_at = models.DateTimeField(auto_now_add=True)
    items = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    duplicates = models.PositiveIntegerField()
    refused = models.PositiveIntegerField()
    duration_ms = models.PositiveIntegerField()

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"batch {self.pk} ({self.items})"


class ItemStatus(models.TextChoices):
    CREATED = "created", _("Created")
    DUPLICATE = "duplicate", _("Already received")
    REFUSED = "refused", _("Refused")


class RefusedPayment(models.Model):
    """A payment the server refused (number outside the block, used twice, day locked…), kept with what the
    device sent: the cash was taken in the street, so the régisseur must see it."""

    batch = models.ForeignKey(SyncBatch, on_delete=models.PROTECT, related_name="refusals")
    client_uuid = models.UUIDField(db_index=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    block_id = models.PositiveBigIntegerField(null=True, blank=True)
    code = models.CharField(max_length=40)
    message = models.TextField()
    payload = models.JSONField()
    refused_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-refused_at"]

    def __str__(self) -> str:
        return f"{self.code} {self.client_uuid}"
