"""Test data for the civil registry, built through the module's own services where it matters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from jamaa.modules.etatcivil import permissions, services
from jamaa.modules.etatcivil.models import Bureau, OfficerDelegation


def user_with(username: str, *groups: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password="Pass-2026-word!", first_name=username)
    for name in groups:
        group, _ = Group.objects.get_or_create(name=name)
        user.groups.add(group)
    return user


def bureau(code: str = "B1") -> Bureau:
    return Bureau.objects.create(code=code, name_ar="مكتب الحالة المدنية", name_fr="Bureau d'état civil")


def officer_for(bureau_obj: Bureau, username: str = "officer") -> Any:
    officer = user_with(username, permissions.OFFICER)
    OfficerDelegation.objects.create(
        user=officer,
        bureau=bureau_obj,
        arrete_number="12/2026",
        arrete_date=dt.date(2026, 1, 2),
        valid_from=dt.date(2026, 1, 2),
    )
    return officer


def birth_input(**overrides: Any) -> services.ActInput:
    values: dict[str, Any] = {
        "given_name_ar": "يوسف",
        "family_name_ar": "العلوي",
        "given_name_fr": "Youssef",
        "family_name_fr": "El Alaoui",
        "event_date": dt.date(2026, 3, 15),
        "place_ar": "فاس",
        "place_fr": "Fès",
        "sex": "M",
        "father_name_ar": "محمد العلوي",
        "father_name_fr": "Mohamed El Alaoui",
        "mother_name_ar": "فاطمة بناني",
        "mother_name_fr": "Fatima Bennani",
        "declarant_name": "محمد العلوي",
        "declarant_relationship": "الأب",
    }
    values.update(overrides)
    return services.ActInput(**values)
