"""Errors are recorded per commune as they happen: a request that raised, a Celery task that failed."""

from __future__ import annotations


def connect() -> None:
    return None
