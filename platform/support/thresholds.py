"""Alert thresholds of the fleet's health, each overridable in the settings (`JAMAA_HEALTH_<NAME>`)."""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, float] = {
    "BACKUP_MAX_AGE_H": 26.0,  # a daily backup, with two hours of slack
    "ERROR_RATE": 0.05,  # share of 5xx among requests (with at least MIN_REQUESTS requests)
    "MIN_REQUESTS": 20,
    "ERRORS_24H": 20,  # recorded errors (requests and tasks) in the last 24 h
    "P95_S": 2.0,
    "QUEUE_LENGTH": 500,
    "QUEUE_AGE_S": 600.0,
}


def threshold(name: str) -> float:
    return float(getattr(settings, f"JAMAA_HEALTH_{name}", DEFAULTS[name]))
