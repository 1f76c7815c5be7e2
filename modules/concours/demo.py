"""Demo data of the recruitment exams (idempotent, through the services): the manager `cc_gestion` (also in RH's
service: an appointment opens the agent file) and one concours open for applications with three applicants."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from . import permissions, selectors, services

STAFF = [("cc_gestion", "Gestionnaire des concours", "demo-cc_gestion-2026")]

APPLICANTS = [
    ("CC200001", "Yassine", "Amrani", "ياسين", "العمراني", dt.date(1997, 3, 14)),
    ("CC200002", "Hind", "Bennis", "هند", "بنيس", dt.date(1995, 8, 2)),
    ("CC200003", "Reda", "Skalli", "رضا", "السقلي", dt.date(1999, 1, 25)),
]


def seed() -> None:
    user_model = get_user_model()
    user = user_model.objects.get(username="cc_gestion")
    user.groups.add(*(Group.objects.get_or_create(name=n)[0] for n in (permissions.MANAGER, "rh_agent")))
    actor = user_model.objects.get(pk=user.pk)
    if selectors.concours_list(viewer=actor):
        return
    today = timezone.localdate()
    concours = services.concours_announce(
        actor=actor,
        data=services.ConcoursInput(
            title_fr="Concours de recrutement de techniciens de 3e grade",
            title_ar="مباراة توظيف تقنيين من الدرجة الثالثة",
            grade_code="technicien-3",
            posts=2,
            announced_on=today,
            applications_until=today + dt.timedelta(days=30),
            exam_date=today + dt.timedelta(days=60),
            service="Service technique",
            documents_required="Copie de la CIN, copie du diplôme, CV",
        ),
    )
    services.concours_advance(actor=actor, concours_id=concours.pk)
    for cin, first_fr, last_fr, first_ar, last_ar, born in APPLICANTS:
        services.application_register(
            actor=actor,
            concours_id=concours.pk,
            data=services.ApplicationInput(
                cin=cin,
                first_name_fr=first_fr,
                last_name_fr=last_fr,
                first_name_ar=first_ar,
                last_name_ar=last_ar,
                birth_date=born,
                diploma="DUT Génie civil",
            ),
        )
