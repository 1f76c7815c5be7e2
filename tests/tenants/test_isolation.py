"""A Fès user can never reach Meknès: not by host, not by cookie, not by token, not through the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tests.conftest import SharedCommune

pytestmark = pytest.mark.django_db


def test_fes_user_cannot_log_into_meknes(client: Client, fes: SharedCommune, meknes: SharedCommune) -> None:
    # given a user who exists only in Fès
    with schema_context("fes"):
        from django.contrib.auth import get_user_model

        get_user_model().objects.create_user(username="fes-only", password=fes.password)
    # when they log in on Meknès's site
    response = client.post("/login/", {"username": "fes-only", "password": fes.password}, HTTP_HOST=meknes.host)
    # then they are refused and stay anonymous
    assert response.status_code == 200
    assert "mot de passe incorrect pour cette commune" in response.content.decode()
    assert client.get("/api/me/", HTTP_HOST=meknes.host).status_code in (401, 403)


def test_fes_session_cookie_is_worthless_on_meknes(client: Client, fes: SharedCommune, meknes: SharedCommune) -> None:
    # given a logged-in Fès session (same user name and password exist in Meknès too)
    client.post("/login/", {"username": fes.username, "password": fes.password}, HTTP_HOST=fes.host)
    assert client.get("/api/me/", HTTP_HOST=fes.host).json()["commune"] == "fes"
    # when the same cookie is sent to Meknès
    response = client.get("/api/me/", HTTP_HOST=meknes.host)
    # then Meknès does not know the session
    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("UNAUTHENTICATED", "FORBIDDEN")


def test_cookies_are_host_only(client: Client, fes: SharedCommune) -> None:
    response = client.post("/login/", {"username": fes.username, "password": fes.password}, HTTP_HOST=fes.host)
    session_cookie = response.cookies["jamaa_session"]
    assert session_cookie["domain"] == ""  # no Domain attribute: never sent to sibling subdomains
    assert session_cookie["httponly"]


def test_fes_token_is_refused_on_meknes(client: Client, fes: SharedCommune, meknes: SharedCommune) -> None:
    # given a token issued by Fès
    response = client.post("/api/auth/token/", {"username": fes.username, "password": fes.password}, HTTP_HOST=fes.host)
    token = response.json()["token"]
    assert client.get("/api/me/", HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    # when it is presented to Meknès
    response = client.get("/api/me/", HTTP_HOST=meknes.host, HTTP_AUTHORIZATION=f"Token {token}")
    # then it is refused in the one error format
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


def test_fes_data_is_not_readable_from_meknes(fes: SharedCommune, meknes: SharedCommune) -> None:
    from django.contrib.auth import get_user_model

    with schema_context("fes"):
        get_user_model().objects.create_user(username="only-in-fes")
    with schema_context("meknes"):
        assert not get_user_model().objects.filter(username="only-in-fes").exists()
        with connection.cursor() as cursor:
            cursor.execute("SHOW search_path")
            assert cursor.fetchone()[0].startswith("meknes")


def test_cache_keys_are_per_commune(fes: SharedCommune, meknes: SharedCommune) -> None:
    with schema_context("fes"):
        cache.set("greeting", "salam fes", 30)
    with schema_context("meknes"):
        assert cache.get("greeting") is None
        cache.set("greeting", "salam meknes", 30)
    with schema_context("fes"):
        assert cache.get("greeting") == "salam fes"
        cache.delete("greeting")
    with schema_context("meknes"):
        cache.delete("greeting")
