"""Users with the module's roles and a concours driven through the services (this module's own data only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
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
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": user.get_username(), "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def manager(username: str = "cc-gest", *, hr: bool = True) -> Any:
    """A manager of the concours, also in RH's service (an appointment opens the agent file in RH)."""
    from jamaa.modules.concours import permissions

    groups = [permissions.MANAGER] + (["rh_agent"] if hr else [])
    return user_with(username, *groups)


def announced(actor: Any, *, posts: int = 2, **kwargs: Any) -> Any:
    from jamaa.modules.concours import services

    fields: dict[str, Any] = {
        "title_fr": "Concours de techniciens",
        "title_ar": "مباراة التقنيين",
        "grade_code": "technicien-3",
        "posts": posts,
        "announced_on": dt.date(2026, 1, 5),
        "applications_until": dt.date(2026, 2, 5),
        "exam_date": dt.date(2026, 3, 1),
        "service": "Service technique",
        "documents_required": "CIN, diplôme",
    } | kwargs
    return services.concours_announce(actor=actor, data=services.ConcoursInput(**fields))


def apply(
    actor: Any, concours_id: int, cin: str, name: str, *, born: dt.date = dt.date(1995, 1, 1), quota: str = "general"
) -> Any:
    from jamaa.modules.concours import services

    return services.application_register(
        actor=actor,
        concours_id=concours_id,
        data=services.ApplicationInput(
            cin=cin,
            first_name_fr=name,
            last_name_fr="Candidat",
            first_name_ar="مترشح",
            last_name_ar=name,
            birth_date=born,
            diploma="DUT",
            quota=quota,
        ),
    )


def to_stage(actor: Any, concours_id: int, stage: str) -> None:
    """Advance through the simple steps until the stage."""
    from jamaa.modules.concours import services
    from jamaa.modules.concours.models import Concours

    while Concours.objects.get(pk=concours_id).status != stage:
        services.concours_advance(actor=actor, concours_id=concours_id)


D = Decimal
