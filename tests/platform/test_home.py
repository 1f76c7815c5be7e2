"""The home page is built from the user's roles: a card only for the modules the user can open; the commune's
administrator sees each enabled module's setup link."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.modules import registry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def home_of(host: str, username: str, *groups: str) -> str:
    with schema_context(host.split(".")[0]):
        user: Any = get_user_model().objects.create_user(username=username, password=PASSWORD)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
    client = Client(HTTP_HOST=host)
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def cards(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-module="([a-z_]+)"', html))


def test_a_civil_registry_agent_sees_only_that_card(fes) -> None:
    html = home_of(fes.host, "ec_only", "etatcivil_agent")
    assert cards(html) == {"etatcivil"}
    assert 'href="/etatcivil/"' in html and 'href="/regie/"' not in html
    assert "module-setup" not in html


def test_a_regie_agent_sees_the_regie_and_the_collectors_app(fes) -> None:
    assert cards(home_of(fes.host, "rg_only", "regie_agent")) == {"regie", "collecte"}


def test_no_role_no_card_but_a_sentence(fes) -> None:
    html = home_of(fes.host, "nobody1")
    assert cards(html) == set()
    assert "administrateur" in html


def test_the_administrator_reaches_every_enabled_modules_setup(fes) -> None:
    html = home_of(fes.host, "admin_home", "administrators")
    with_setup = {i.code for i in registry.available().values() if i.setup_url}
    assert with_setup == {"etatcivil", "regie"}
    for code in with_setup:
        assert f'href="{registry.available()[code].setup_url}"' in html
    assert 'href="/etatcivil/"' not in html  # setting up is not working in the module


def test_a_module_not_enabled_has_no_card(fes, django_db_blocker: Any) -> None:
    from jamaa.tenants.models import Commune

    commune = Commune.objects.get(slug="fes")
    before = list(commune.enabled_modules)
    Commune.objects.filter(pk=commune.pk).update(enabled_modules=["etatcivil"])
    from jamaa.tenants.routing import routing_table

    routing_table.clear()
    html = home_of(fes.host, "admin_home2", "administrators", "regie_agent")
    assert cards(html) == {"etatcivil"}
    assert 'href="/regie/setup/"' not in html
    Commune.objects.filter(pk=commune.pk).update(enabled_modules=before)
