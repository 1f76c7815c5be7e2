"""The /api/support/ endpoints: staff read the fleet's health and open support sessions; anonymous get 401."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.console.test_console_views import make_user

pytestmark = pytest.mark.django_db


def test_health_alerts_and_sessions_through_the_api(fes, meknes) -> None:
    client = APIClient(HTTP_HOST="localhost")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=make_user('sup-api')).key}")
    health = client.get("/api/support/health/")
    assert health.status_code == 200 and {"fes", "meknes"} <= {r["slug"] for r in health.json()}
    # one page of the fleet, with the total in a header; a bad page is refused with its reason
    one = client.get("/api/support/health/", {"q": "meknes", "limit": 1})
    assert [r["slug"] for r in one.json()] == ["meknes"] and one["X-Total-Count"] == "1"
    assert int(health["X-Total-Count"]) == len(health.json())
    assert len(client.get("/api/support/health/", {"limit": 1, "offset": 1}).json()) == 1
    bad_page = client.get("/api/support/health/", {"limit": 0})
    assert bad_page.status_code == 400 and bad_page.json()["code"] == "INVALID"
    assert client.get("/api/support/health/fes/errors/").status_code == 200
    assert client.get("/api/support/health/nowhere/errors/").status_code == 404
    assert client.get("/api/support/alerts/").status_code == 200
    bad = client.post("/api/support/sessions/", {"slug": "fes", "reason": ""}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID"
    opened = client.post("/api/support/sessions/", {"slug": "fes", "reason": "Ticket 9", "minutes": 10}, format="json")
    assert opened.status_code == 201 and "/support/enter/" in opened.json()["enter_url"]
    session_id = opened.json()["id"]
    assert session_id in [s["id"] for s in client.get("/api/support/sessions/").json()]
    ended = client.post(f"/api/support/sessions/{session_id}/end/")
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert client.post(f"/api/support/sessions/{session_id}/end/").status_code == 404
    assert APIClient(HTTP_HOST="localhost").get("/api/support/health/").status_code == 401
