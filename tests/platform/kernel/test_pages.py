"""The error pages: styled, in French or Arabic (right to left), with a way back, on commune sites and on the
console; the 500 page renders without touching the database."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import translation
from django_tenants.utils import schema_context

from jamaa.platform.kernel import pages
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(host: str, username: str, language: str = "fr") -> Client:
    with schema_context(host.split(".")[0]):
        get_user_model().objects.create_user(username=username, password=PASSWORD)
    client = Client(HTTP_HOST=host)
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    if language != "fr":
        client.post("/language/", {"language": language, "next": "/"})
    return client


def test_forbidden_module_page_is_styled_in_french_with_a_way_back(fes) -> None:
    client = signed_in(fes.host, "norole1")
    response = client.get("/etatcivil/", HTTP_REFERER=f"http://{fes.host}/")
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert '<html lang="fr" dir="ltr">' in html and 'data-status="403"' in html
    assert "Vous ne pouvez pas ouvrir cette page" in html
    assert 'id="error-home" href="/"' in html.replace('href="/" id="error-home"', 'id="error-home" href="/"')
    assert f'href="http://{fes.host}/" id="error-back"' in html
    assert "bootstrap.min.css" in html and "Fès" in html


def test_forbidden_page_in_arabic_is_right_to_left(fes) -> None:
    client = signed_in(fes.host, "norole2", language="ar")
    response = client.get("/regie/")
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert '<html lang="ar" dir="rtl">' in html and "bootstrap.rtl.min.css" in html
    assert "لا يمكنكم فتح هذه الصفحة" in html and "العودة إلى الصفحة الرئيسية" in html
    assert "error-back" not in html  # no referer: only the home link


def test_not_found_on_a_commune_and_on_the_console(fes) -> None:
    client = signed_in(fes.host, "norole3")
    missing = client.get("/no/such/page/")
    assert missing.status_code == 404
    assert "Page introuvable" in unescape(missing.content.decode())
    console = Client(HTTP_HOST="localhost").get("/no/such/page/")
    assert console.status_code == 404
    html = unescape(console.content.decode())
    assert 'data-status="404"' in html and "Jamaa — جماعة" in html


def test_the_500_page_needs_no_database(fes, django_db_blocker: Any) -> None:
    request = RequestFactory().get("/boom/", HTTP_HOST=fes.host)
    with django_db_blocker.block(), translation.override("ar"):
        response = pages.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html and 'data-status="500"' in html
    assert "set_language" not in html and "csrfmiddlewaretoken" not in html
    with django_db_blocker.block(), translation.override("fr"):
        assert "Une erreur s" in unescape(pages.server_error(request).content.decode())


def test_the_handlers_are_wired_on_both_sites() -> None:
    from jamaa.platform import urls_public, urls_tenant, views

    for urls in (urls_tenant, urls_public):
        assert urls.handler403 == "jamaa.platform.kernel.pages.forbidden"
        assert urls.handler500 == "jamaa.platform.kernel.pages.server_error"
    assert urls_public.handler404 == "jamaa.platform.kernel.pages.not_found"
    # a commune's site answers the API's error shape under /api/, the kernel's page elsewhere
    assert urls_tenant.handler404 is views.not_found
