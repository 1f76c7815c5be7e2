"""The operators' REST API on the base domain: staff read, operators write, errors as {code, message, extra}."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from jamaa.platform.core import twofactor
from jamaa.tenants.models import Commune, CommuneStatus
from jamaa.tenants.routing import routing_table
from tests.conftest import SharedCommune
from tests.console.test_console_views import CONSOLE, make_user

pytestmark = pytest.mark.django_db

NEW = {"slug": "azrou", "name_fr": "Azrou", "name_ar": "أزرو", "region": "Fès-Meknès", "admin_email": "admin@azrou.ma"}


def token_client(username: str, *, staff: bool = True, operator: bool = False) -> Client:
    """A client authenticated by a public-schema token, as scripts use the API."""
    token = Token.objects.create(user=make_user(username, staff=staff, operator=operator))
    return Client(HTTP_HOST=CONSOLE, HTTP_AUTHORIZATION=f"Token {token.key}")


def test_anonymous_gets_401(fes: SharedCommune) -> None:
    response = Client(HTTP_HOST=CONSOLE).get("/api/communes/")
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"
    assert response["WWW-Authenticate"] == "Token"


def test_non_staff_gets_403(fes: SharedCommune) -> None:
    client = token_client("api-user", staff=False)
    response = client.get("/api/communes/")
    assert response.status_code == 403
    assert response.json() == {"code": "FORBIDDEN", "message": response.json()["message"], "extra": {}}


def test_support_reads_but_cannot_change(fes: SharedCommune, meknes: SharedCommune) -> None:
    client = token_client("api-support")
    listed = {c["slug"]: c for c in client.get("/api/communes/").json()}
    assert listed["fes"]["host"] == "fes.localhost" and listed["fes"]["status"] == "active"
    assert listed["meknes"]["name_ar"] == "مكناس"
    assert client.post("/api/communes/", NEW, content_type="application/json").status_code == 403
    response = client.post("/api/communes/fes/suspend/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "FORBIDDEN"
    assert Commune.objects.get(slug="fes").status == CommuneStatus.ACTIVE
    assert not Commune.objects.filter(slug="azrou").exists()


def test_operator_creates_a_commune_then_lists_it(fes: SharedCommune) -> None:
    client = token_client("api-operator", operator=True)
    response = client.post("/api/communes/", NEW, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "azrou" and body["host"] == "azrou.localhost" and body["admin_username"] == "admin"
    assert body["set_password_url"].startswith("http://azrou.localhost/password/set/")
    listed = {c["slug"]: c for c in client.get("/api/communes/").json()}
    assert listed["azrou"]["status"] == "active" and listed["azrou"]["region"] == "Fès-Meknès"


def test_session_login_and_token_endpoint_work_too(fes: SharedCommune) -> None:
    user = make_user("api-session", operator=True)
    device = twofactor.enrolment_start(user=user)
    device.confirmed = True
    device.save()
    client = Client(HTTP_HOST=CONSOLE)
    # the password, then the code of the operator's authenticator (the console requires a second factor)
    first = client.post("/login/", {"username": "api-session", "password": "Console-pass-2026!"})
    assert first.status_code == 302 and first["Location"] == "/login/verify/"
    assert client.get("/api/communes/").status_code in (401, 403)
    assert client.post("/login/verify/", {"code": twofactor.current_code(device=device)}).status_code == 302
    assert client.get("/api/communes/").status_code == 200
    next_code = twofactor.current_code(device=device, at=time.time() + 30)  # a code is accepted once
    token = Client(HTTP_HOST=CONSOLE).post(
        "/api/auth/token/",
        {
            "username": "api-session",
            "password": "Console-pass-2026!",
            "otp": next_code,
        },
    )
    assert token.status_code == 200 and len(token.json()["token"]) == 40


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({**NEW, "slug": "Bad Slug"}, 400, "INVALID_COMMUNE", "slug"),
        ({**NEW, "modules": ["nope"]}, 400, "INVALID_COMMUNE", "modules"),
        ({**NEW, "name_ar": ""}, 400, "INVALID", "name_ar"),
        ({**NEW, "slug": "fes"}, 409, "COMMUNE_EXISTS", None),
    ],
)
def test_bad_input_is_refused_and_creates_nothing(
    fes: SharedCommune, body: dict[str, object], status: int, code: str, field: str | None
) -> None:
    client = token_client("api-operator", operator=True)
    communes = Commune.objects.count()
    response = client.post("/api/communes/", body, content_type="application/json")
    assert response.status_code == status
    error = response.json()
    assert error["code"] == code and error["message"]
    if field:
        assert field in error["extra"]["fields"]
    assert Commune.objects.count() == communes


def test_suspend_makes_the_site_answer_503_then_resume_and_archive(fes: SharedCommune) -> None:
    client = token_client("api-operator", operator=True)
    assert client.post("/api/communes/", NEW, content_type="application/json").status_code == 201
    site = Client(HTTP_HOST="azrou.localhost")
    assert site.get("/login/").status_code == 200
    # suspend
    response = client.post(
        "/api/communes/azrou/suspend/", {"reason": "licence unpaid"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    routing_table.clear()  # on_commit does this in production; the test transaction never commits
    assert site.get("/login/").status_code == 503
    assert site.get("/api/me/").json()["code"] == "COMMUNE_SUSPENDED"
    # a reason is required, and a refused transition is a 409
    missing = client.post("/api/communes/azrou/resume/", {}, content_type="application/json")
    assert missing.status_code == 400 and "reason" in missing.json()["extra"]["fields"]
    again = client.post("/api/communes/azrou/suspend/", {"reason": "again"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "INVALID_TRANSITION"
    # resume
    response = client.post("/api/communes/azrou/resume/", {"reason": "paid"}, content_type="application/json")
    assert response.json()["status"] == "active"
    routing_table.clear()
    assert site.get("/login/").status_code == 200
    # archive
    response = client.post("/api/communes/azrou/archive/", {"reason": "merged"}, content_type="application/json")
    assert response.json()["status"] == "archived"
    assert Commune.objects.get(slug="azrou").status == CommuneStatus.ARCHIVED
    # unknown commune
    response = client.post("/api/communes/nowhere/archive/", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"


def test_openapi_schema_lists_only_the_operators_endpoints(fes: SharedCommune) -> None:
    client = Client(HTTP_HOST=CONSOLE)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Jamaa operators' API"
    paths = schema["paths"]
    assert set(paths["/api/communes/"]) == {"get", "post"}
    for action in ("suspend", "resume", "archive"):
        assert paths[f"/api/communes/{{slug}}/{action}/"]["post"]["operationId"] == f"communes_{action}"
    assert "201" in paths["/api/communes/"]["post"]["responses"]
    assert "/api/me/" not in paths  # a commune's endpoint, not the base domain's
    assert client.get("/api/docs/").status_code == 200
