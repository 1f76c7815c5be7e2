"""Central support, in the public schema: errors per commune, health snapshots and alerts, restore drills, and
support sessions (time-limited, reason-required, read-only), the pages they saw, and each commune's consent."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q


class ErrorEvent(models.Model):
    """A request that raised or a Celery task that failed, tagged with the commune's schema as it happened."""

    schema_name = models.CharField(max_length=63, db_index=True)
    kind = models.CharField(max_length=8, choices=[("request", "request"), ("task", "task")])
    where = models.CharField(max_length=300, help_text="the path, or the task's name")
    error = models.TextField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.schema_name} {self.kind} {self.where}: {self.error[:60]}"


class SizeSnapshot(models.Model):
    """A commune schema's size on a day (the health page shows its growth)."""

    schema_name = models.CharField(max_length=63)
    day = models.DateField()
    size_bytes = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schema_name", "day"], name="support_size_once_a_day")]

    def __str__(self) -> str:
        return f"{self.schema_name} {self.day}: {self.size_bytes}"


class HealthAlert(models.Model):
    """A threshold crossed by a commune (stale backup, errors, latency, queue, migration, restore drill); cleared
    once the figure is back. One open alert per commune and code."""

    schema_name = models.CharField(max_length=63, db_index=True)
    code = models.CharField(max_length=40)
    message = models.TextField()
    raised_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name", "code"], condition=Q(cleared_at__isnull=True), name="support_alert_open_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name} {self.code}"


class RestoreDrill(models.Model):
    """The daily drill: a commune's latest backup restored under a scratch name, compared table by table (row
    counts and checksums) with what the backup's manifest recorded, then dropped."""

    slug = models.CharField(max_length=40, db_index=True)
    schema_name = models.CharField(max_length=63, db_index=True)
    backup_id = models.BigIntegerField(null=True)
    scratch_slug = models.CharField(max_length=40)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    ok = models.BooleanField(null=True)
    tables = models.IntegerField(default=0)
    rows = models.BigIntegerField(default=0)
    mismatches = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"drill {self.slug} {self.started_at:%Y-%m-%d}: {self.ok}"


class SupportSession(models.Model):
    """A support operator's read-only visit of one commune's site: who, why, until when. Ends early when the
    operator or the commune ends it; the commune's administrator sees it and every page it saw."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    operator_id = models.BigIntegerField()
    operator_username = models.CharField(max_length=150)
    slug = models.CharField(max_length=40, db_index=True)
    schema_name = models.CharField(max_length=63, db_index=True)
    reason = models.TextField()
    as_username = models.CharField(
        max_length=150, blank=True, default="", help_text="the account the site is seen as (empty: an administrator)"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        ordering = ["-opened_at"]
        db_table_comment = "Support sessions. Never deleted; ended_at/ended_by set once (trigger)."
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="support_session_reason"),
            models.CheckConstraint(condition=Q(expires_at__gt=F("opened_at")), name="support_session_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.operator_username} in {self.slug} ({self.opened_at:%Y-%m-%d %H:%M})"


class SupportPageView(models.Model):
    """A page a support session opened (or a write it was refused). Append-only."""

    session = models.ForeignKey(SupportSession, on_delete=models.PROTECT, related_name="pages")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    refused = models.BooleanField(default=False)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


class SupportConsent(models.Model):
    """A commune's decision on support access, by its administrator (the latest row is in force; none: allowed).
    Append-only."""

    slug = models.CharField(max_length=40, db_index=True)
    allowed = models.BooleanField()
    decided_by = models.CharField(max_length=150)
    reason = models.TextField(blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.slug}: {'allowed' if self.allowed else 'forbidden'}"
