"""Liveness and readiness, on any host (probes come by pod IP)."""

from __future__ import annotations

import pytest
from django.test import Client

from jamaa.platform import health

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", ["localhost", "fes.localhost", "10.1.2.3:8000"])
def test_healthz_answers_on_any_host(client: Client, host: str) -> None:
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_redis_and_migrations(client: Client) -> None:
    response = client.get("/readyz", HTTP_HOST="10.1.2.3")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "problems": {}}


def test_readyz_reports_an_unreachable_redis(client: Client, settings, monkeypatch) -> None:
    from dataclasses import replace

    settings.CONFIG = replace(settings.CONFIG, redis_url="redis://127.0.0.1:1/0")
    response = client.get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert response.json()["problems"]["redis"].startswith("redis unreachable")


def test_readyz_reports_pending_migrations(client: Client, monkeypatch) -> None:
    monkeypatch.setattr(health, "_migrations_ok", False)
    from django.db import connection

    with connection.cursor() as cursor:  # pretend the last tenants migration never ran (rolled back after)
        cursor.execute(
            "DELETE FROM public.django_migrations WHERE app = 'tenants' AND name = '0002_routing_generation_trigger'"
        )
    response = client.get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert "tenants.0002_routing_generation_trigger" in response.json()["problems"]["migrations"]
