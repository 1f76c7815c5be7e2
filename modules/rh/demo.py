"""Demo data of human resources (run by provisioning's demo in each demo commune, idempotent, through the
services): the HR manager `rh_gestion`, an agent with their own account `rh_employe` (self-service), a few agents
in two services, an advancement, a pending leave request."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from . import permissions, selectors, services

STAFF = [
    ("rh_gestion", "Gestionnaire RH", "demo-rh_gestion-2026"),
    ("rh_employe", "Agent (libre-service)", "demo-rh_employe-2026"),
]

AGENTS = [
    # cin, first fr, last fr, first ar, last ar, born, grade, échelon, service, account
    (
        "RH100001",
        "Samira",
        "Idrissi",
        "سميرة",
        "الإدريسي",
        dt.date(1986, 2, 11),
        "administrateur-2",
        4,
        "Ressources humaines",
        "rh_employe",
    ),
    ("RH100002", "Hassan", "Berrada", "حسن", "برادة", dt.date(1979, 9, 3), "technicien-3", 7, "Service technique", ""),
    ("RH100003", "Nadia", "Chraibi", "نادية", "الشرايبي", dt.date(1991, 6, 21), "redacteur", 3, "Bureau d'ordre", ""),
    (
        "RH100004",
        "Omar",
        "Lahlou",
        "عمر",
        "لحلو",
        dt.date(1984, 12, 30),
        "adjoint-technique",
        5,
        "Service technique",
        "",
    ),
]


def seed() -> None:
    user_model = get_user_model()
    manager = user_model.objects.get(username="rh_gestion")
    manager.groups.add(Group.objects.get_or_create(name=permissions.AGENT)[0])
    manager = user_model.objects.get(pk=manager.pk)
    today = timezone.localdate()
    for cin, first_fr, last_fr, first_ar, last_ar, born, grade, echelon, service, account in AGENTS:
        if selectors.cin_taken(cin=cin):
            continue
        user_id = user_model.objects.get(username=account).pk if account else None
        made = services.agent_recruit(
            actor=manager,
            data=services.AgentInput(
                cin=cin,
                first_name_fr=first_fr,
                last_name_fr=last_fr,
                first_name_ar=first_ar,
                last_name_ar=last_ar,
                birth_date=born,
                grade_code=grade,
                echelon=echelon,
                service=service,
                recruited_on=dt.date(today.year - 3, 1, 2),
                user_id=user_id,
            ),
        )
        if cin == "RH100002":
            services.act_issue(
                actor=manager,
                data=services.ActInput(agent_id=made.agent_id, kind="advancement", effective_date=today, echelon=8),
            )
        if account:
            start = today + dt.timedelta(days=30)
            start -= dt.timedelta(days=start.weekday())  # a Monday
            if start.year == today.year:
                services.leave_request(
                    actor=manager,
                    agent_id=made.agent_id,
                    kind="annual",
                    start=start,
                    end=start + dt.timedelta(days=4),
                    reason="Congé annuel",
                )
