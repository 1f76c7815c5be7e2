"""The Staff pages: a commune's administrators create accounts (no password, a one-time link), give roles from
the known list only, deactivate accounts; nobody else gets in, and one commune never reaches another's users."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.platform.core.models import AuditEvent
from tests.conftest import PASSWORD, SharedCommune

pytestmark = pytest.mark.django_db


def make_admin(slug: str, username: str = "admin1") -> Any:
    with schema_context(slug):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
        user.groups.add(Group.objects.get_or_create(name="administrators")[0])
        return user


def login(client: Client, host: str, username: str, password: str = PASSWORD) -> Client:
    response = client.post("/login/", {"username": username, "password": password}, HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]
    return client


def groups_of(slug: str, username: str) -> set[str]:
    with schema_context(slug):
        return set(get_user_model().objects.get(username=username).groups.values_list("name", flat=True))


def test_administrator_creates_an_account_whose_link_sets_its_password(client: Client, fes: SharedCommune) -> None:
    make_admin("fes")
    login(client, fes.host, "admin1")
    home = client.get("/", HTTP_HOST=fes.host)
    assert 'id="staff-link"' in home.content.decode()
    assert client.get("/staff/new/", HTTP_HOST=fes.host).status_code == 200
    response = client.post(
        "/staff/new/",
        {"username": "clerk", "first_name": "Salma", "last_name": "Idrissi", "email": "clerk@fes.example"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 200
    page = unescape(response.content.decode())
    link = re.search(r"http://[^\s<]+/password/set/[^\s<]+/", page)
    assert link is not None, page[:2000]
    with schema_context("fes"):
        clerk = get_user_model().objects.get(username="clerk")
        assert not clerk.has_usable_password() and clerk.first_name == "Salma"
        assert AuditEvent.objects.filter(action="staff.user.created", target_id=str(clerk.pk)).exists()
    # A taken username is refused on the form.
    again = client.post("/staff/new/", {"username": "clerk"}, HTTP_HOST=fes.host)
    assert again.status_code == 200 and 'id="password-link"' not in again.content.decode()

    owner = Client()
    path = link.group(0).split(fes.host, 1)[1].split(":", 1)[-1]
    path = path[path.index("/password/set/") :]
    # The form is on the link itself (no redirect through the session: a SameSite=Strict session cookie does not
    # come along when the link is opened from a webmail), and a post without any session cookie is accepted.
    form = owner.get(path, HTTP_HOST=fes.host)
    assert form.status_code == 200 and b"new_password1" in form.content
    owner.cookies.pop(settings.SESSION_COOKIE_NAME, None)
    done = owner.post(
        path,
        {"new_password1": "Clerk-pass-2026!", "new_password2": "Clerk-pass-2026!"},
        HTTP_HOST=fes.host,
    )
    assert done.status_code == 302 and done["Location"] == "/password/set/done/"
    # the link is spent
    assert b"new_password1" not in Client().get(path, HTTP_HOST=fes.host).content
    login(Client(), fes.host, "clerk", "Clerk-pass-2026!")


def test_administrator_sets_roles_and_the_list_shows_them(client: Client, fes: SharedCommune) -> None:
    make_admin("fes")
    login(client, fes.host, "admin1")
    with schema_context("fes"):
        agent_id = get_user_model().objects.get(username="agent").pk
    page = client.get(f"/staff/{agent_id}/roles/", HTTP_HOST=fes.host)
    assert page.status_code == 200 and 'value="etatcivil_chief"' in page.content.decode()
    response = client.post(
        f"/staff/{agent_id}/roles/", {"groups": ["etatcivil_agent", "etatcivil_officer"]}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    assert groups_of("fes", "agent") == {"etatcivil_agent", "etatcivil_officer"}
    listing = unescape(client.get("/staff/", HTTP_HOST=fes.host).content.decode())
    assert "État civil : agent" in listing and "État civil : officier" in listing

    client.post(f"/staff/{agent_id}/roles/", {"groups": ["etatcivil_chief"]}, HTTP_HOST=fes.host)
    assert groups_of("fes", "agent") == {"etatcivil_chief"}
    with schema_context("fes"):
        assert AuditEvent.objects.filter(action="staff.roles.set", target_id=str(agent_id)).count() == 2


def test_an_unknown_group_is_refused(client: Client, fes: SharedCommune) -> None:
    from jamaa.platform.core import services

    admin = make_admin("fes")
    login(client, fes.host, "admin1")
    with schema_context("fes"):
        agent_id = get_user_model().objects.get(username="agent").pk
    response = client.post(f"/staff/{agent_id}/roles/", {"groups": ["superpowers"]}, HTTP_HOST=fes.host)
    assert response.status_code == 200  # the form shows the error again
    assert groups_of("fes", "agent") == set()
    with schema_context("fes"), pytest.raises(services.UnknownRole):
        services.staff_roles_set(actor=admin, user_id=agent_id, groups=["etatcivil_agent", "superpowers"])
    assert groups_of("fes", "agent") == set()


def test_a_non_administrator_gets_403(client: Client, fes: SharedCommune) -> None:
    login(client, fes.host, "agent")
    with schema_context("fes"):
        agent_id = get_user_model().objects.get(username="agent").pk
    assert client.get("/staff/", HTTP_HOST=fes.host).status_code == 403
    assert client.get("/staff/new/", HTTP_HOST=fes.host).status_code == 403
    assert client.post("/staff/new/", {"username": "intruder"}, HTTP_HOST=fes.host).status_code == 403
    assert (
        client.post(f"/staff/{agent_id}/roles/", {"groups": ["administrators"]}, HTTP_HOST=fes.host).status_code == 403
    )
    assert 'id="staff-link"' not in client.get("/", HTTP_HOST=fes.host).content.decode()
    assert groups_of("fes", "agent") == set()
    anonymous = Client().get("/staff/", HTTP_HOST=fes.host)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def test_deactivation_keeps_the_account_but_stops_sign_in(client: Client, fes: SharedCommune) -> None:
    admin = make_admin("fes")
    with schema_context("fes"):
        clerk = get_user_model().objects.create_user(username="clerk2", password=PASSWORD)
    clerk_client = login(Client(), fes.host, "clerk2")
    login(client, fes.host, "admin1")
    assert client.post(f"/staff/{clerk.pk}/active/", {"active": "0"}, HTTP_HOST=fes.host).status_code == 302
    with schema_context("fes"):
        clerk.refresh_from_db()
        assert clerk.is_active is False
        assert AuditEvent.objects.filter(action="staff.user.deactivated", target_id=str(clerk.pk)).exists()
    assert clerk_client.get("/", HTTP_HOST=fes.host).status_code == 302  # its session no longer works
    refused = Client().post("/login/", {"username": "clerk2", "password": PASSWORD}, HTTP_HOST=fes.host)
    assert refused.status_code == 200
    listing = client.get("/staff/", HTTP_HOST=fes.host).content.decode()
    assert f'id="staff-{clerk.pk}"' in listing
    # Nobody deactivates themselves.
    client.post(f"/staff/{admin.pk}/active/", {"active": "0"}, HTTP_HOST=fes.host)
    with schema_context("fes"):
        admin.refresh_from_db()
        assert admin.is_active is True
    client.post(f"/staff/{clerk.pk}/active/", {"active": "1"}, HTTP_HOST=fes.host)
    with schema_context("fes"):
        clerk.refresh_from_db()
        assert clerk.is_active is True


def test_a_user_of_fes_is_not_reachable_from_meknes(client: Client, fes: SharedCommune, meknes: SharedCommune) -> None:
    with schema_context("meknes"):
        meknes_max = max(get_user_model().objects.values_list("pk", flat=True))
    with schema_context("fes"):
        fes_user = get_user_model().objects.create_user(username="fesuser0", password=PASSWORD)
        n = 0
        while fes_user.pk <= meknes_max + 2:
            n += 1
            fes_user = get_user_model().objects.create_user(username=f"fesuser{n}", password=PASSWORD)
    make_admin("fes")
    make_admin("meknes", "madmin")
    login(client, meknes.host, "madmin")
    assert client.get(f"/staff/{fes_user.pk}/roles/", HTTP_HOST=meknes.host).status_code == 404
    assert (
        client.post(f"/staff/{fes_user.pk}/roles/", {"groups": ["etatcivil_agent"]}, HTTP_HOST=meknes.host).status_code
        == 404
    )
    assert client.post(f"/staff/{fes_user.pk}/active/", {"active": "0"}, HTTP_HOST=meknes.host).status_code == 404
    # The Fès administrator's session does not open Meknès either.
    fes_client = login(Client(), fes.host, "admin1")
    assert fes_client.get("/staff/", HTTP_HOST=meknes.host).status_code == 302
    with schema_context("fes"):
        fes_user.refresh_from_db()
        assert fes_user.is_active and not fes_user.groups.exists()
