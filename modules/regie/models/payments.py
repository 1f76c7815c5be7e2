"""Idempotency keys of payments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from .quittances import Quittance


class PaymentKey(models.Model):
    """The idempotency key of a payment taken at the counter (the form's one-time token) or through the API (its
    `Idempotency-Key` header): a retry with the same key returns the quittance the first attempt issued, never a
    second one. The database keeps one row per (agent, key); `fingerprint` is the hash of what was asked, so a
    key reused for another payment is refused. Append-only."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64)
    quittance = models.OneToOneField(Quittance, on_delete=models.PROTECT, related_name="payment_key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "key"], name="regie_payment_key_unique"),
            models.CheckConstraint(condition=~Q(key=""), name="regie_payment_key_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id}:{self.key}"
