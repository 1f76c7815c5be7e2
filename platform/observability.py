"""Sentry, log lines and Prometheus metrics, each carrying the commune."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess as prom_multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REQUESTS = Counter("jamaa_http_requests_total", "HTTP requests served, per commune", ["commune", "method", "status"])
LATENCY = Histogram(
    "jamaa_http_request_duration_seconds",
    "HTTP request latency, per commune",
    ["commune"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def current_commune() -> str:
    """The slug-like schema name of the current connection ('public' outside a commune)."""
    try:
        from django.db import connection

        return str(getattr(connection, "schema_name", "public") or "public")
    except Exception:
        return "-"


class CommuneLogFilter(logging.Filter):
    """Adds `commune` to every log record, so every line says which commune it is about."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "commune"):
            record.commune = current_commune()
        return True


def tag_event_with_commune(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Sentry's before_send: every event is tagged with the commune it happened in."""
    event.setdefault("tags", {})
    tags = event["tags"]
    commune = current_commune()
    if isinstance(tags, dict):
        tags.setdefault("commune", commune)
    else:
        tags.append(["commune", commune])
    return event


def sentry_options(dsn: str, debug: bool = False) -> dict[str, Any]:
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    return {
        "dsn": dsn,
        "integrations": [DjangoIntegration(), CeleryIntegration()],
        "before_send": tag_event_with_commune,
        "environment": "development" if debug else "production",
        "traces_sample_rate": float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    }


def init_sentry(*, dsn: str | None, debug: bool) -> None:
    if not dsn:
        return
    import sentry_sdk

    sentry_sdk.init(**sentry_options(dsn, debug))


class MetricsMiddleware:
    """Counts requests and their latency per commune (read after routing has set the schema)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        tenant = getattr(request, "tenant", None)
        commune = tenant.schema_name if tenant is not None else "-"
        LATENCY.labels(commune).observe(time.perf_counter() - started)
        REQUESTS.labels(commune, request.method or "", str(response.status_code)).inc()
        return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition; aggregates gunicorn workers when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prom_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        data = generate_latest(registry)
    else:
        data = generate_latest()
    return HttpResponse(data, content_type=CONTENT_TYPE_LATEST)
