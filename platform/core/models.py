"""Rows every schema has: a user's preferences and the audit trail.

The app is in SHARED_APPS and TENANT_APPS: in public it serves the platform's operators, in a commune's
schema that commune's staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class UserPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="fr")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.language}"


class AuditEvent(models.Model):
    """Who did what, when, and why. Append-only: never updated or deleted by the application."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True, default="")
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    # Tamper-evidence chain, written by the database at commit (jamaa.platform.db_guards.chain).
    chain_seq = models.BigIntegerField(null=True, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001 (NULL: not sealed yet)

    class Meta:
        ordering = ["-at", "-id"]
        db_table_comment = "Who did what, when and why. Append-only (trigger)."

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
