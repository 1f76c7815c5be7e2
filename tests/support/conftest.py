from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django_tenants.utils import schema_context

PASSWORD = "Support-test-2026!"


def commune_user(slug: str, username: str, *, admin: bool = False) -> Any:
    with schema_context(slug):
        user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username)
        if admin:
            user.groups.add(Group.objects.get_or_create(name="administrators")[0])
    return user


def signed_in(host: str, username: str, **extra: Any) -> Client:
    client = Client(HTTP_HOST=host, **extra)
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client
