"""Public-schema records of the fleet: per-schema migration status and commune backups."""

from __future__ import annotations

from django.db import models


class SchemaMigrationStatus(models.Model):
    """The outcome of the last `jamaa fleet migrate` for one schema (public, the template, each commune)."""

    schema_name = models.CharField(max_length=63, unique=True)
    last_migration = models.CharField(max_length=200, blank=True, default="")
    ok = models.BooleanField(default=True)
    error = models.TextField(blank=True, default="")
    duration_s = models.FloatField(default=0)
    applied = models.IntegerField(default=0, help_text="migrations applied by the last run")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["schema_name"]

    def __str__(self) -> str:
        return f"{self.schema_name}: {'ok' if self.ok else 'failed'} ({self.last_migration})"


class CommuneBackup(models.Model):
    """A backup archive made by `jamaa commune backup` (kept: deleting a commune requires one)."""

    slug = models.CharField(max_length=40, db_index=True)
    path = models.CharField(max_length=500)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.slug} {self.created_at:%Y-%m-%d %H:%M} {self.path}"


class SpareSchema(models.Model):
    """A schema cloned from the template ahead of time; onboarding renames one instead of cloning."""

    schema_name = models.CharField(max_length=63, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.schema_name


class LegacyImportStatus(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class LegacyImportRun(models.Model):
    """A legacy civil-registry import started from the console: its files, live progress and reports."""

    slug = models.CharField(max_length=40, db_index=True)
    status = models.CharField(max_length=10, choices=LegacyImportStatus.choices, default=LegacyImportStatus.QUEUED)
    dry_run = models.BooleanField(default=False)
    accept_truncated = models.BooleanField(default=False, help_text="import files that look cut short (warned)")
    folder = models.CharField(max_length=500, help_text="uploaded files, and the reports in report/")
    files = models.JSONField(default=list)
    mapping = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, blank=True, default="")
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the process running the import: a running run whose heartbeat is older than
    # settings.LEGACY_IMPORT_STALLED_AFTER_S has lost its worker ("stalled") and may be resumed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="times a worker started this run")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"legacy import {self.pk} into {self.slug}: {self.status}"
