"""Errors are recorded per commune as they happen, in the public schema: a request that raised (Django's
`got_request_exception`) and a Celery task that failed (`task_failure`), each with the schema it ran in. Every
task message also carries the time it was sent, so the health page can tell a queue's oldest task's age."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.signals import got_request_exception
from django.db import connection

logger = logging.getLogger(__name__)
SENT_AT_HEADER = "jamaa_sent_at"


def record_error(*, schema_name: str, kind: str, where: str, error: str) -> None:
    """Append one error row for a commune (never raises: the error being reported matters more)."""
    if not schema_name or schema_name in ("public", "-"):
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO public.support_errorevent (schema_name, kind, "where", error, at)'
                " VALUES (%s, %s, %s, %s, now())",
                [schema_name, kind, where[:300], error[:4000]],
            )
    except Exception:  # noqa: BLE001 (a broken connection must not hide the original error)
        logger.warning("could not record an error of %s", schema_name, exc_info=True)


def _request_failed(sender: Any, request: Any = None, **kwargs: Any) -> None:
    import sys

    tenant = getattr(request, "tenant", None)
    exc = sys.exc_info()[1]
    record_error(
        schema_name=getattr(tenant, "schema_name", "") or "",
        kind="request",
        where=f"{getattr(request, 'method', '')} {getattr(request, 'path', '')}",
        error=f"{type(exc).__name__}: {exc}" if exc is not None else "error",
    )


def _task_failed(sender: Any = None, exception: BaseException | None = None, **kwargs: Any) -> None:
    request = getattr(sender, "request", None)
    headers = getattr(request, "headers", None) or {}
    schema = headers.get("_schema_name") if isinstance(headers, dict) else None
    record_error(
        schema_name=schema or str(getattr(connection, "schema_name", "") or ""),
        kind="task",
        where=str(getattr(sender, "name", "task")),
        error=f"{type(exception).__name__}: {exception}" if exception is not None else "failed",
    )


def _stamp_sent_at(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    if headers is not None:
        headers.setdefault(SENT_AT_HEADER, time.time())


def connect() -> None:
    from celery.signals import before_task_publish, task_failure

    got_request_exception.connect(_request_failed, dispatch_uid="jamaa_support_request_failed")
    task_failure.connect(_task_failed, dispatch_uid="jamaa_support_task_failed", weak=False)
    before_task_publish.connect(_stamp_sent_at, dispatch_uid="jamaa_support_sent_at", weak=False)
