"""Test data for the portal: staff users with roles, a signed-in citizen (through the real code by email), and a
signed birth act with a delegated officer made through état civil's own services."""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

PASSWORD = "Pass-2026-word!"


def user_with(username: str, *groups: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=user.pk)


def visitor(host: str) -> Client:
    """An anonymous client from an address of its own (the abuse limits count per network address)."""
    ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    return Client(HTTP_HOST=host, REMOTE_ADDR=ip)


def signed_in(host: str, user: Any) -> Client:
    client = visitor(host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def unique_email() -> str:
    return f"citizen-{uuid.uuid4().hex[:10]}@example.ma"


def citizen_client(host: str, mailoutbox: list[Any], *, email: str | None = None, name: str = "") -> Client:
    """A citizen signed in on the portal with the code they received by email; with `name`, their details set."""
    email = email or unique_email()
    client = visitor(host)
    sent = client.post("/portail/sign-in/", {"step": "address", "address": email})
    assert sent.status_code == 200, sent.content[:500]
    message = [m for m in mailoutbox if email in m.to][-1]
    code = re.search(r"\b(\d{6})\b", message.body).group(1)  # type: ignore[union-attr]
    signed = client.post("/portail/sign-in/", {"step": "code", "address": email, "code": code})
    assert signed.status_code == 302 and signed["Location"] == "/portail/me/", signed.content[:500]
    if name:
        saved = client.post("/portail/me/", {"display_name": name, "cin": ""})
        assert saved.status_code == 302, saved.content[:500]
    return client


def signed_birth_act(suffix: str) -> tuple[Any, Any, int, int]:
    """(officer, also a portal agent; the act's id, number, year): a bureau, a delegated officer, a signed act."""
    from jamaa.modules.etatcivil import services as ec
    from jamaa.modules.portail import permissions

    chief = user_with(f"chief_{suffix}", "etatcivil_chief")
    agent = user_with(f"ecagent_{suffix}", "etatcivil_agent")
    officer = user_with(f"officer_{suffix}", "etatcivil_officer", permissions.AGENT)
    bureau = ec.bureau_create(actor=chief, code=f"B{suffix}"[:10], name_ar="المكتب المركزي", name_fr="Bureau central")
    today = timezone.localdate()
    ec.delegation_grant(
        actor=chief,
        user_id=officer.pk,
        bureau_id=bureau.pk,
        arrete_number=f"{suffix}/2026",
        arrete_date=today - dt.timedelta(days=30),
        valid_from=today - dt.timedelta(days=30),
    )
    data = ec.ActInput(
        given_name_ar="يوسف",
        family_name_ar="العلوي",
        given_name_fr="Youssef",
        family_name_fr="Alaoui",
        event_date=today - dt.timedelta(days=10),
        place_ar="فاس",
        place_fr="Fès",
        sex="M",
        father_name_ar="محمد العلوي",
        father_name_fr="Mohamed Alaoui",
        mother_name_ar="فاطمة بناني",
        mother_name_fr="Fatima Bennani",
        declarant_name="محمد العلوي",
        declarant_relationship="الأب",
    )
    act = ec.act_draft_create(actor=agent, bureau_id=bureau.pk, kind="birth", year=today.year, data=data)
    act = ec.act_sign(officer=get_user_model().objects.get(pk=officer.pk), act_id=act.pk, acknowledge_flags=True)
    return get_user_model().objects.get(pk=officer.pk), chief, act.number, act.register.year
