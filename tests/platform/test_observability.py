"""Sentry events, log lines and metrics all carry the commune."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import sentry_sdk
from django.test import Client
from django_tenants.utils import schema_context
from sentry_sdk.transport import Transport

from jamaa.platform.observability import CommuneLogFilter, sentry_options
from tests.conftest import SharedCommune

pytestmark = pytest.mark.django_db


class CapturingTransport(Transport):
    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.envelopes: list[Any] = []

    def capture_envelope(self, envelope: Any) -> None:
        self.envelopes.append(envelope)

    def events(self) -> list[dict[str, Any]]:
        found = []
        for envelope in self.envelopes:
            for item in envelope.items:
                if item.type == "event":
                    found.append(item.payload.json)
        return found


@pytest.fixture
def sentry_transport() -> Any:
    transport = CapturingTransport()
    options = sentry_options("https://public@sentry.example.org/1")
    sentry_sdk.init(**options, transport=transport)
    yield transport
    sentry_sdk.init()  # back to a disabled client


def test_sentry_events_are_tagged_with_the_commune(sentry_transport: CapturingTransport, fes: SharedCommune) -> None:
    # when an error is captured while serving Fès
    with schema_context("fes"):
        sentry_sdk.capture_message("something odd")
    sentry_sdk.flush()
    # then the event carries the commune's tag
    events = sentry_transport.events()
    assert len(events) == 1
    assert events[0]["tags"]["commune"] == "fes"


def test_log_lines_carry_the_commune(fes: SharedCommune) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    with schema_context("fes"):
        CommuneLogFilter().filter(record)
    assert record.commune == "fes"  # type: ignore[attr-defined]


def test_metrics_count_requests_per_commune(client: Client, fes: SharedCommune, settings) -> None:
    settings.JAMAA_METRICS_TOKEN = "s3cret"
    client.get("/login/", HTTP_HOST=fes.host)
    response = client.get("/metrics", HTTP_HOST="10.0.0.7:8000", HTTP_AUTHORIZATION="Bearer s3cret")  # pod IP
    assert response.status_code == 200
    text = response.content.decode()
    assert 'jamaa_http_requests_total{commune="fes",method="GET",status="200"}' in text
    assert 'jamaa_http_request_duration_seconds_bucket{commune="fes"' in text


def test_metrics_token_is_enforced_when_set(client: Client, settings) -> None:
    settings.JAMAA_METRICS_TOKEN = "s3cret"
    assert client.get("/metrics", HTTP_HOST="localhost").status_code == 401
    assert client.get("/metrics", HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer s3cret").status_code == 200
