"""The civil registry's setup page: a chef de bureau (or an administrator) creates a bureau, grants a
delegation (the officer can then sign), closes a register; an agent gets 403."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import exceptions, permissions, services
from jamaa.modules.etatcivil.models import Bureau, OfficerDelegation, Register
from jamaa.platform.core.models import AuditEvent

from .factories import birth_input, user_with

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"
YEAR = timezone.localdate().year


def login(client: Client, host: str, username: str) -> Client:
    response = client.post("/login/", {"username": username, "password": PASSWORD}, HTTP_HOST=host)
    assert response.status_code == 302, response.content[:300]
    return client


@pytest.fixture
def people(fes: Any) -> dict[str, Any]:
    with schema_context("fes"):
        return {
            "chief": user_with("chief", permissions.CHIEF),
            "agent": user_with("agent1", permissions.AGENT),
            "newcomer": user_with("newcomer"),
        }


def test_chief_creates_a_bureau_and_delegates_an_officer_who_can_then_sign(
    client: Client, fes: Any, people: dict[str, Any]
) -> None:
    login(client, fes.host, "chief")
    page = client.get("/etatcivil/setup/", HTTP_HOST=fes.host)
    assert page.status_code == 200 and 'id="bureau-form"' in page.content.decode()
    response = client.post(
        "/etatcivil/setup/bureaux/",
        {"code": "BC", "name_fr": "Bureau central", "name_ar": "مكتب الحالة المدنية المركزي"},
        HTTP_HOST=fes.host,
    )
    assert response.status_code == 302
    with schema_context("fes"):
        bureau = Bureau.objects.get(code="BC")
        assert AuditEvent.objects.filter(action="etatcivil.bureau.created", target_id=str(bureau.pk)).exists()
    duplicate = client.post(
        "/etatcivil/setup/bureaux/", {"code": "bc", "name_fr": "Autre", "name_ar": "آخر"}, HTTP_HOST=fes.host
    )
    assert duplicate.status_code == 400
    with schema_context("fes"):
        assert Bureau.objects.count() == 1

    today = timezone.localdate()
    grant = {
        "user": str(people["newcomer"].pk),
        "bureau": str(bureau.pk),
        "arrete_number": "7/2026",
        "arrete_date": today.isoformat(),
        "valid_from": today.isoformat(),
        "valid_to": (today - dt.timedelta(days=1)).isoformat(),
    }
    assert client.post("/etatcivil/setup/delegations/", grant, HTTP_HOST=fes.host).status_code == 400
    grant["valid_to"] = ""
    assert client.post("/etatcivil/setup/delegations/", grant, HTTP_HOST=fes.host).status_code == 302
    with schema_context("fes"):
        delegation = OfficerDelegation.objects.get(user=people["newcomer"], bureau=bureau)
        assert delegation.arrete_number == "7/2026" and delegation.valid_to is None
        assert permissions.OFFICER in set(people["newcomer"].groups.values_list("name", flat=True))
        act = services.act_draft_create(
            actor=people["agent"], bureau_id=bureau.pk, kind="birth", year=YEAR, data=birth_input()
        )
        from django.contrib.auth import get_user_model

        officer = get_user_model().objects.get(pk=people["newcomer"].pk)
        signed = services.act_sign(officer=officer, act_id=act.pk, acknowledge_flags=True)
        assert signed.number == 1
    listing = client.get("/etatcivil/setup/", HTTP_HOST=fes.host).content.decode()
    assert f'id="delegation-{delegation.pk}"' in listing and "7/2026" in listing


def test_chief_closes_a_register_once_no_draft_remains(client: Client, fes: Any, people: dict[str, Any]) -> None:
    with schema_context("fes"):
        bureau = Bureau.objects.create(code="B9", name_ar="مكتب", name_fr="Bureau")
        act = services.act_draft_create(
            actor=people["agent"], bureau_id=bureau.pk, kind="birth", year=YEAR, data=birth_input()
        )
        register = Register.objects.get(pk=act.register_id)
    login(client, fes.host, "chief")
    refused = client.post(f"/etatcivil/setup/registers/{register.pk}/close/", HTTP_HOST=fes.host, follow=True)
    assert "Drafts remain" in refused.content.decode() or "brouillons" in refused.content.decode().lower()
    with schema_context("fes"):
        assert Register.objects.get(pk=register.pk).closed_at is None
        act.delete()
    response = client.post(f"/etatcivil/setup/registers/{register.pk}/close/", HTTP_HOST=fes.host)
    assert response.status_code == 302
    with schema_context("fes"):
        register.refresh_from_db()
        assert register.closed_at is not None and register.closed_by_id == people["chief"].pk
        with pytest.raises(exceptions.RegisterClosed):
            services.act_draft_create(
                actor=people["agent"], bureau_id=bureau.pk, kind="birth", year=YEAR, data=birth_input()
            )
    assert client.post("/etatcivil/setup/registers/999999/close/", HTTP_HOST=fes.host).status_code == 404


def test_an_agent_gets_403(client: Client, fes: Any, people: dict[str, Any]) -> None:
    login(client, fes.host, "agent1")
    assert client.get("/etatcivil/setup/", HTTP_HOST=fes.host).status_code == 403
    response = client.post(
        "/etatcivil/setup/bureaux/", {"code": "X", "name_fr": "X", "name_ar": "س"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 403
    assert "/etatcivil/setup/" not in client.get("/etatcivil/", HTTP_HOST=fes.host).content.decode()
    with schema_context("fes"):
        assert not Bureau.objects.filter(code="X").exists()


def test_an_administrator_may_set_up_the_registry(client: Client, fes: Any, people: dict[str, Any]) -> None:
    with schema_context("fes"):
        admin = user_with("admin2")
        admin.groups.add(Group.objects.get_or_create(name="administrators")[0])
    login(client, fes.host, "admin2")
    assert client.get("/etatcivil/setup/", HTTP_HOST=fes.host).status_code == 200
    response = client.post(
        "/etatcivil/setup/bureaux/", {"code": "AD", "name_fr": "Annexe", "name_ar": "ملحقة"}, HTTP_HOST=fes.host
    )
    assert response.status_code == 302
    with schema_context("fes"):
        assert Bureau.objects.filter(code="AD").exists()
