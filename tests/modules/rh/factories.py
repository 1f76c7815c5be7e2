"""Users with the module's roles and agents recruited through the service (this module's own data only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

PASSWORD = "Pass-2026-word!"


def user_with(username: str, *groups: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return get_user_model().objects.get(pk=user.pk)


def signed_in(host: str, user: Any) -> Client:
    """A client signed in on the commune's site, as the user would be (through the login page)."""
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def hr(username: str = "rh-gest") -> Any:
    from jamaa.modules.rh import permissions

    return user_with(username, permissions.AGENT)


def recruit(actor: Any, cin: str = "AB123456", *, grade_code: str = "administrateur-3", **kwargs: Any) -> Any:
    """An agent recruited through the service (returns services.Recruited)."""
    from jamaa.modules.rh import services

    fields: dict[str, Any] = {
        "first_name_fr": "Amina",
        "last_name_fr": "Bennani",
        "first_name_ar": "أمينة",
        "last_name_ar": "بناني",
        "birth_date": dt.date(1990, 4, 2),
        "recruited_on": dt.date(2026, 1, 5),
        "service": "Urbanisme",
    } | kwargs
    return services.agent_recruit(actor=actor, data=services.AgentInput(cin=cin, grade_code=grade_code, **fields))
