"""Issue 13: CSRF between communes, the Content-Security-Policy, /metrics, brute-force lockouts and throttles."""

from __future__ import annotations

import json
import uuid
from html import unescape

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.tenants.models import Commune
from tests.conftest import SharedCommune

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"


def signed_in(commune: SharedCommune) -> Client:
    """A browser-like client (CSRF enforced) signed in on the commune's site, holding its CSRF cookie."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST=commune.host)
    client.get("/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/login/",
        {"username": commune.username, "password": commune.password, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=f"http://{commune.host}",
    )
    assert response.status_code == 302, response.content[:500]
    return client


# --- 13.3 CSRF between communes ------------------------------------------------------------------------------


def test_a_post_from_another_commune_is_refused_even_with_a_valid_session_and_token(
    fes: SharedCommune, meknes: SharedCommune
) -> None:
    # given a Meknès agent signed in, with a valid CSRF token
    client = signed_in(meknes)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    # when a page on Fès (same site: both are subdomains of the base domain) posts into Meknès
    forged = client.post(
        "/language/", {"language": "ar", "next": "/", "csrfmiddlewaretoken": token}, HTTP_ORIGIN=f"http://{fes.host}"
    )
    # then Meknès refuses it, and nothing changed
    assert forged.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in forged.cookies
    # and neither may the console post into it
    console = client.post(
        "/language/",
        {"language": "ar", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=f"http://{settings.JAMAA_BASE_DOMAIN}",
    )
    assert console.status_code == 403
    # when the same form is posted from Meknès itself, it works
    same = client.post(
        "/language/", {"language": "ar", "next": "/", "csrfmiddlewaretoken": token}, HTTP_ORIGIN=f"http://{meknes.host}"
    )
    assert same.status_code == 302 and same.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"


def test_no_origin_is_trusted_beyond_the_request_host() -> None:
    assert settings.CSRF_TRUSTED_ORIGINS == []


def test_session_and_csrf_cookies_are_same_site_strict(fes: SharedCommune) -> None:
    client = signed_in(fes)
    assert client.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Strict"
    assert client.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Strict"


# --- 13.4 Stored XSS and the Content-Security-Policy -----------------------------------------------------------


def test_a_commune_name_cannot_close_the_collectors_app_script(client: Client, fes: SharedCommune) -> None:
    payload = "X</script><script>alert(1)</script>"
    Commune.objects.filter(schema_name="fes").update(name_fr=payload)
    from jamaa.tenants.routing import routing_table

    routing_table.clear()
    html = client.get("/collecte/", HTTP_HOST=fes.host).content.decode()
    assert "<script>alert(1)</script>" not in html
    data = html.split('<script id="commune-data" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(data)["name_fr"] == payload


@pytest.mark.parametrize(
    ("host", "path"),
    [
        ("fes", "/login/"),
        ("fes", "/collecte/"),
        ("fes", "/collecte/sw.js"),
        ("fes", "/collecte/offline/"),
        ("fes", "/api/docs/"),
        ("fes", "/api/docs/?script="),
        ("fes", "/api/me/"),  # an API error
        ("fes", "/etatcivil/verify/NOPE/"),  # a public page
        ("fes", "/no-such-page/"),  # the 404 page
        ("console", "/login/"),
        ("console", "/api/docs/"),
        ("unknown", "/"),  # a host no commune uses
        ("any", "/healthz"),
    ],
)
def test_every_response_carries_the_content_security_policy(
    client: Client, fes: SharedCommune, host: str, path: str
) -> None:
    hosts = {"fes": fes.host, "console": settings.JAMAA_BASE_DOMAIN, "unknown": "nowhere.example", "any": "10.0.0.7"}
    response = client.get(path, HTTP_HOST=hosts[host])
    policy = response[CSP]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'"):
        assert directive in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_the_api_docs_page_has_no_inline_script_or_style(client: Client, fes: SharedCommune) -> None:
    html = client.get("/api/docs/", HTTP_HOST=fes.host).content.decode()
    assert "<style" not in html and "<script>" not in html
    script = client.get("/api/docs/?script=", HTTP_HOST=fes.host)
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


# --- 13.5 /metrics ---------------------------------------------------------------------------------------------


def test_metrics_answer_404_without_a_configured_token(client: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JAMAA_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_HOST="10.0.0.7:8000").status_code == 404
    assert client.get("/metrics", HTTP_HOST=settings.JAMAA_BASE_DOMAIN).status_code == 404


def test_metrics_need_the_bearer_token_and_never_answer_on_a_commune_host(
    client: Client,
    fes: SharedCommune,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.JAMAA_METRICS_TOKEN = "s3cret-metrics"
    client.get("/login/", HTTP_HOST=fes.host)
    bearer = {"HTTP_AUTHORIZATION": "Bearer s3cret-metrics"}
    # on a commune's host: 404 even with the token (and for a host of a commune that does not exist)
    assert client.get("/metrics", HTTP_HOST=fes.host, **bearer).status_code == 404
    assert client.get("/metrics", HTTP_HOST=f"ghost.{settings.JAMAA_BASE_DOMAIN}", **bearer).status_code == 404
    # by pod IP: 401 without or with a wrong token, 200 with it
    denied = client.get("/metrics", HTTP_HOST="10.0.0.7:8000")
    assert denied.status_code == 401 and denied.json()["code"] == "UNAUTHENTICATED"
    wrong = client.get("/metrics", HTTP_HOST="10.0.0.7:8000", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    served = client.get("/metrics", HTTP_HOST="10.0.0.7:8000", **bearer)
    assert served.status_code == 200
    assert 'jamaa_http_requests_total{commune="fes",method="GET",status="200"}' in served.content.decode()


# --- 13.7 Brute force --------------------------------------------------------------------------------------------


def login_attempt(client: Client, host: str, username: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    return client.post("/login/", {"username": username, "password": password}, HTTP_HOST=host, REMOTE_ADDR=ip)


def test_repeated_wrong_passwords_lock_the_account_and_the_right_one_then_fails_clearly(
    fes: SharedCommune,
    meknes: SharedCommune,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AXES_FAILURE_LIMIT = 5
    for slug in ("fes", "meknes"):
        with schema_context(slug):
            get_user_model().objects.create_user(username="brute", password="Right-pass-2026!")
    client = Client()
    # given four wrong passwords in Fès: still the ordinary message, and the right password works
    for _ in range(4):
        response = login_attempt(client, fes.host, "brute", "wrong", "192.0.2.10")
        assert response.status_code == 200 and "login-locked" not in response.content.decode()
    # when the fifth wrong password is tried (from another address: the count is per user name)
    locked = login_attempt(client, fes.host, "brute", "wrong", "192.0.2.11")
    # then the account is locked, with a clear message
    assert locked.status_code == 429
    assert 'id="login-locked"' in locked.content.decode()
    # and the right password now fails with the same message
    right = login_attempt(Client(), fes.host, "brute", "Right-pass-2026!", "192.0.2.12")
    assert right.status_code == 429
    assert 'id="login-locked"' in right.content.decode()
    assert "Trop de tentatives de connexion échouées" in unescape(right.content.decode())  # French by default
    assert settings.SESSION_COOKIE_NAME not in right.cookies
    # and the same user name in Meknès is not locked
    other = login_attempt(Client(), meknes.host, "brute", "Right-pass-2026!", "192.0.2.10")
    assert other.status_code == 302


def test_repeated_failures_from_one_address_lock_that_address(fes: SharedCommune, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 5
    with schema_context("fes"):
        get_user_model().objects.create_user(username="victim", password="Right-pass-2026!")
    client = Client()
    for number in range(5):  # five different user names from one address
        login_attempt(client, fes.host, f"guess{number}", "wrong", "198.51.100.7")
    assert login_attempt(client, fes.host, "victim", "Right-pass-2026!", "198.51.100.7").status_code == 429
    assert login_attempt(client, fes.host, "victim", "Right-pass-2026!", "198.51.100.8").status_code == 302


def test_the_token_endpoint_locks_too_with_the_error_shape(fes: SharedCommune, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    settings.JAMAA_AUTH_THROTTLE_RATE = "1000/minute"
    with schema_context("fes"):
        get_user_model().objects.create_user(username="scripted", password="Right-pass-2026!")
    client = Client(HTTP_HOST=fes.host, REMOTE_ADDR="203.0.113.40")
    for _ in range(3):
        client.post("/api/auth/token/", {"username": "scripted", "password": "wrong"})
    response = client.post("/api/auth/token/", {"username": "scripted", "password": "Right-pass-2026!"})
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "LOGIN_LOCKED" and set(body) == {"code", "message", "extra"}


def test_the_token_endpoint_is_throttled_with_429_in_the_error_shape(fes: SharedCommune, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JAMAA_AUTH_THROTTLE_RATE = "3/minute"
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    client = Client(HTTP_HOST=fes.host, REMOTE_ADDR=address)
    answers = [client.post("/api/auth/token/", {"username": "nobody", "password": "x"}) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [400, 400, 400]
    assert answers[3].status_code == 429
    assert answers[3].json()["code"] == "THROTTLED" and set(answers[3].json()) == {"code", "message", "extra"}
    assert int(answers[3]["Retry-After"]) > 0
    # another commune counts its own
    other = Client(HTTP_HOST=f"meknes.{settings.JAMAA_BASE_DOMAIN}", REMOTE_ADDR=address)
    assert other.post("/api/auth/token/", {"username": "nobody", "password": "x"}).status_code == 400


def test_device_registration_is_throttled(fes: SharedCommune, settings) -> None:  # type: ignore[no-untyped-def]
    settings.JAMAA_AUTH_THROTTLE_RATE = "2/minute"
    address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    client = Client(HTTP_HOST=fes.host, REMOTE_ADDR=address)
    body = {"username": "nobody", "password": "x", "name": "Phone"}
    codes = [client.post("/collecte/api/devices/register/", body).status_code for _ in range(3)]
    assert codes[2] == 429 and 429 not in codes[:2]


def test_the_client_address_behind_the_ingress_is_read_from_the_right(settings) -> None:  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    from jamaa.platform.security import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9")
    settings.JAMAA_TRUSTED_PROXIES = 1
    assert client_ip(request) == "198.51.100.9"  # the client cannot choose by sending its own header
    settings.JAMAA_TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.1.1.1"
