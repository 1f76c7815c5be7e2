"""Cancellation of a quittance: the counter-entry and the request a supervisor decides."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .quittances import Quittance


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


class CancellationStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CancellationRequest(models.Model):
    """An agent's request to cancel a quittance; a supervisor (not the requester) approves or rejects it.
    Approval creates the QuittanceCancellation counter-entry."""

    quittance = models.ForeignKey(Quittance, on_delete=models.PROTECT, related_name="cancellation_requests")
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=CancellationStatus.choices, default=CancellationStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["quittance"], condition=Q(status="pending"), name="regie_one_pending_cancellation"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="regie_cancel_request_reason_given"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="regie_cancel_request_four_eyes",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(decided_by__isnull=True) & Q(decided_at__isnull=True))
                | (Q(status__in=["approved", "rejected"]) & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="regie_cancel_request_decision_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"cancellation request {self.pk} ({self.status})"
