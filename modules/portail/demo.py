"""The portal's demo (run by provisioning.demo in each demo commune, idempotent, through the services): an agent of
online requests who is also a delegated civil-registry officer (issues extracts from the desk), an editor, an
elected official; the commune's services with their hours, a council decision with its vote and a news item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import permissions, selectors, services

STAFF = [
    ("portal_agent", "Agent des demandes en ligne", "demo-portal_agent-2026"),
    ("portal_editor", "Éditeur du portail", "demo-portal_editor-2026"),
    ("portal_elu", "Président du conseil", "demo-portal_elu-2026"),
]

SERVICES = [
    ("Bureau d'état civil", "مكتب الحالة المدنية", "Lun–ven 8h30–16h30", "الاثنين–الجمعة 8:30–16:30",
     "Hôtel de ville, rez-de-chaussée", "مقر الجماعة، الطابق الأرضي", "0535 00 00 01"),
    ("Régie des recettes", "وكالة المداخيل", "Lun–ven 8h30–15h30", "الاثنين–الجمعة 8:30–15:30",
     "Hôtel de ville, guichet 3", "مقر الجماعة، الشباك 3", "0535 00 00 02"),
    ("Bureau d'ordre", "مكتب الضبط", "Lun–ven 8h30–16h30", "الاثنين–الجمعة 8:30–16:30",
     "Hôtel de ville, entrée", "مقر الجماعة، المدخل", "0535 00 00 03"),
]  # fmt: skip


def seed() -> None:
    user_model = get_user_model()
    agent = user_model.objects.get(username="portal_agent")
    editor = user_model.objects.get(username="portal_editor")
    elu = user_model.objects.get(username="portal_elu")
    for user, role in ((agent, permissions.AGENT), (editor, permissions.EDITOR), (elu, permissions.ELECTED)):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    _delegate(agent)
    editor = user_model.objects.get(pk=editor.pk)
    if not selectors.public_services():
        for position, (nfr, nar, hfr, har, pfr, par, phone) in enumerate(SERVICES):
            services.public_service_save(
                actor=editor, name_fr=nfr, name_ar=nar, hours_fr=hfr, hours_ar=har, place_fr=pfr, place_ar=par,
                phone=phone, position=position,
            )  # fmt: skip
    if not selectors.publications(limit=1):
        services.publication_publish(
            actor=editor,
            data=services.PublicationInput(
                kind="deliberation",
                title_fr="Approbation du budget de l'exercice 2027",
                title_ar="المصادقة على ميزانية السنة المالية 2027",
                body_fr="Le conseil approuve le budget de fonctionnement et d'équipement de l'exercice 2027.",
                body_ar="صادق المجلس على ميزانية التسيير والتجهيز برسم السنة المالية 2027.",
                session_date=dt.date(2026, 10, 5),
                number="12/2026",
                votes_for=21,
                votes_against=4,
                votes_abstain=2,
                outcome="adopted",
            ),
        )
        services.publication_publish(
            actor=editor,
            data=services.PublicationInput(
                kind="news",
                title_fr="Demandez vos extraits d'acte de naissance en ligne",
                title_ar="اطلبوا موجزات عقود الولادة عبر الإنترنت",
                body_fr="Les extraits et copies d'actes se demandent désormais sur ce portail.",
                body_ar="أصبح بالإمكان طلب موجزات ونسخ العقود عبر هذه البوابة.",
            ),
        )


def _delegate(agent: Any) -> None:
    """The agent signs extracts only as a delegated officer of the demo bureau (état civil's own rule)."""
    from jamaa.modules.etatcivil import selectors as ec_selectors
    from jamaa.modules.etatcivil import services as ec_services

    chef = get_user_model().objects.filter(username="chef").first()
    bureaux = ec_selectors.bureau_list()
    if chef is None or not bureaux or Group.objects.filter(name="etatcivil_officer", user=agent).exists():
        return
    start = dt.date(2026, 1, 1)
    ec_services.delegation_grant(
        actor=chef, user_id=agent.pk, bureau_id=bureaux[0].pk, arrete_number="2/2026",
        arrete_date=start, valid_from=start,
    )  # fmt: skip
