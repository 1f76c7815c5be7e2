"""Per-commune figures read from what the platform already measures: the request counter and latency histogram
(Prometheus, tagged per commune, summed over gunicorn's workers when PROMETHEUS_MULTIPROC_DIR is set), and the
Celery queue in Redis (each message carries its commune and the time it was sent)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from django.conf import settings

from .signals import SENT_AT_HEADER


@dataclass(frozen=True)
class RequestFigures:
    requests: int = 0
    errors: int = 0  # 5xx answers
    p95_s: float | None = None

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0


def _collectors() -> list[object]:
    import os

    from prometheus_client import REGISTRY, CollectorRegistry
    from prometheus_client import multiprocess as prom_multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prom_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return list(registry.collect())
    return list(REGISTRY.collect())


def request_figures() -> dict[str, RequestFigures]:
    """{schema: requests, 5xx answers and p95 latency (bucket upper bound) since the processes started}."""
    requests: dict[str, int] = {}
    errors: dict[str, int] = {}
    buckets: dict[str, list[tuple[float, float]]] = {}
    for family in _collectors():
        name = getattr(family, "name", "")
        for sample in getattr(family, "samples", []):
            commune = sample.labels.get("commune", "")
            if name == "jamaa_http_requests" and sample.name == "jamaa_http_requests_total":
                requests[commune] = requests.get(commune, 0) + int(sample.value)
                if sample.labels.get("status", "").startswith("5"):
                    errors[commune] = errors.get(commune, 0) + int(sample.value)
            elif name == "jamaa_http_request_duration_seconds" and sample.name.endswith("_bucket"):
                le = sample.labels.get("le", "+Inf")
                bound = float("inf") if le == "+Inf" else float(le)
                buckets.setdefault(commune, []).append((bound, sample.value))
    result = {}
    for commune in set(requests) | set(buckets):
        p95 = None
        cumulative = sorted(buckets.get(commune, []))
        if cumulative and cumulative[-1][1] > 0:
            total = cumulative[-1][1]
            p95 = next((bound for bound, count in cumulative if count >= 0.95 * total), None)
        result[commune] = RequestFigures(requests.get(commune, 0), errors.get(commune, 0), p95)
    return result


@dataclass(frozen=True)
class QueueFigures:
    length: int = 0
    oldest_age_s: float | None = None


def queue_figures(*, limit: int = 10_000) -> dict[str, QueueFigures]:
    """{schema: tasks waiting in the default queue and the oldest one's age}, from one read of the Redis list.
    Empty without a Redis broker (tasks then run eagerly)."""
    url = getattr(settings, "CELERY_BROKER_URL", None) or ""
    if not str(url).startswith("redis"):
        return {}
    import redis

    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    try:
        raw = redis.Redis.from_url(str(url), socket_timeout=2).lrange(queue, 0, limit - 1)
    except redis.RedisError:
        return {}
    now = time.time()
    lengths: dict[str, int] = {}
    oldest: dict[str, float] = {}
    for item in raw:
        try:
            headers = json.loads(item).get("headers") or {}
        except (ValueError, AttributeError):
            continue
        schema = str(headers.get("_schema_name") or "public")
        lengths[schema] = lengths.get(schema, 0) + 1
        sent = headers.get(SENT_AT_HEADER)
        if isinstance(sent, int | float):
            oldest[schema] = max(oldest.get(schema, 0.0), now - float(sent))
    return {schema: QueueFigures(n, oldest.get(schema)) for schema, n in lengths.items()}
