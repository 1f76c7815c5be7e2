"""The app's shell, manifest and service worker on a commune's host."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_shell_is_public_and_installable(client: Client, fes) -> None:
    page = client.get("/collecte/", HTTP_HOST=fes.host)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'rel="manifest"' in html and "/static/collecte/app.js" in html and '"slug": "fes"' in html
    manifest = client.get("/collecte/manifest.webmanifest", HTTP_HOST=fes.host)
    assert manifest.status_code == 200 and manifest["Content-Type"] == "application/manifest+json"
    body = manifest.json()
    assert (body["scope"], body["start_url"], body["display"]) == ("/collecte/", "/collecte/", "standalone")
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        assert client.get(icon["src"], HTTP_HOST=fes.host).status_code == 200


def test_the_service_worker_is_served_from_its_scope_and_precaches_the_shell(client: Client, fes) -> None:
    sw = client.get("/collecte/sw.js", HTTP_HOST=fes.host)
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/collecte/" and "no-cache" in sw["Cache-Control"]
    text = sw.content.decode()
    assert '"/collecte/"' in text and "/static/collecte/vendor/qrcode.js" in text
    assert client.get("/collecte/offline/", HTTP_HOST=fes.host).status_code == 200


def test_the_regisseur_supervises_and_revokes_devices(client: Client, fes) -> None:
    from django_tenants.utils import schema_context

    from jamaa.modules.collecte import services
    from jamaa.modules.regie import permissions as regie_permissions
    from tests.modules.regie.factories import user_with

    with schema_context("fes"):
        user_with("collector", regie_permissions.AGENT)
        user_with("regisseur", regie_permissions.REGISSEUR)
        device, token = services.device_register(username="collector", password="Pass-2026-word!", name="Phone A")
    # a collector may not see the page
    client.post("/login/", {"username": "collector", "password": "Pass-2026-word!"}, HTTP_HOST=fes.host)
    assert client.get("/collecte/supervision/", HTTP_HOST=fes.host).status_code == 403
    # the régisseur sees the device and revokes it
    client.post("/login/", {"username": "regisseur", "password": "Pass-2026-word!"}, HTTP_HOST=fes.host)
    page = client.get("/collecte/supervision/", HTTP_HOST=fes.host)
    assert page.status_code == 200 and "Phone A" in page.content.decode()
    done = client.post(f"/collecte/supervision/devices/{device.pk}/revoke/", {"reason": "perdu"}, HTTP_HOST=fes.host)
    assert done.status_code == 302
    response = client.get("/collecte/api/session/", HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Device {token}")
    assert response.status_code == 401
