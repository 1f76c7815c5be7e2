"""The API shell of a commune: OpenAPI schema, local docs, one error format."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import SharedCommune

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_commune_endpoints(client: Client, fes: SharedCommune) -> None:
    response = client.get("/api/schema/", HTTP_HOST=fes.host, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Jamaa API"
    assert "/api/me/" in schema["paths"] and "/api/auth/token/" in schema["paths"]


def test_docs_are_served_with_local_assets(client: Client, fes: SharedCommune) -> None:
    response = client.get("/api/docs/", HTTP_HOST=fes.host)
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js", HTTP_HOST=fes.host)
    assert asset.status_code == 200


def test_errors_have_one_shape(client: Client, fes: SharedCommune) -> None:
    response = client.get("/api/me/", HTTP_HOST=fes.host)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"code", "message", "extra"}
    bad_login = client.post("/api/auth/token/", {"username": "agent"}, HTTP_HOST=fes.host)
    assert bad_login.status_code == 400
    body = bad_login.json()
    assert body["code"] == "INVALID" and "password" in body["extra"]["fields"]
