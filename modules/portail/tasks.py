"""Tenant-aware tasks of Portail citoyen: each takes ids, imports its service inside the function, calls it and
handles retries (jamaa.platform.celery_app carries the commune's schema). No business logic here; services queue
tasks with transaction.on_commit."""

from __future__ import annotations
