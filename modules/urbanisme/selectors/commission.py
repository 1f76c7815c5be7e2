"""The commission's sittings and their agenda, and the dossiers ready for one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import exceptions, permissions, rules
from ..models import Consultation, Dossier, IssuedDocument, Kind, Sitting, SittingItem, Status
from .desk import DossierRow, _rows
from .dossiers import ConsultationView, DocumentView, _consultation_view, _document_views


@dataclass(frozen=True)
class ItemView:
    id: int
    position: int
    dossier_id: int
    reference: str
    subject: str
    petitioner: str
    kind_label: str
    consultations: list[ConsultationView]
    avis: str
    avis_note: str


@dataclass(frozen=True)
class SittingView:
    id: int
    reference: str
    day: dt.date
    place: str
    status: str
    members_present: str
    minutes_note: str
    items: list[ItemView]
    documents: list[DocumentView]


def sittings_list(*, viewer: Any, limit: int = 50) -> list[Sitting]:
    """The commission's sittings, newest first."""
    if not permissions.may_read(viewer):
        return []
    return list(Sitting.objects.order_by("-day", "-number")[:limit])


def sitting_get(*, viewer: Any, sitting_id: int) -> SittingView:
    """A sitting with its agenda (each dossier with its consultations' avis) and its minutes. Raises
    SittingNotFound."""
    if not permissions.may_read(viewer):
        raise exceptions.SittingNotFound()
    s = Sitting.objects.filter(pk=sitting_id).first()
    if s is None:
        raise exceptions.SittingNotFound()
    today = rules.today()
    items = []
    for i in SittingItem.objects.filter(sitting=s).select_related("dossier").order_by("position"):
        consultations = [
            _consultation_view(c, today)
            for c in Consultation.objects.filter(dossier_id=i.dossier_id).select_related("service").order_by("id")
        ]
        items.append(
            ItemView(
                id=i.pk,
                position=i.position,
                dossier_id=i.dossier_id,
                reference=i.dossier.reference,
                subject=i.dossier.subject,
                petitioner=i.dossier.petitioner_name,
                kind_label=str(Kind(i.dossier.kind).label),
                consultations=consultations,
                avis=i.avis,
                avis_note=i.avis_note,
            )
        )
    return SittingView(
        id=s.pk,
        reference=s.reference,
        day=s.day,
        place=s.place,
        status=s.status,
        members_present=s.members_present,
        minutes_note=s.minutes_note,
        items=items,
        documents=_document_views(IssuedDocument.objects.filter(sitting=s)),
    )


def ready_for_commission(*, viewer: Any, limit: int = 100) -> list[DossierRow]:
    """Dossiers that may go on a sitting's agenda (under instruction or consultations)."""
    if not permissions.may_read(viewer):
        return []
    qs = Dossier.objects.filter(status__in=(Status.INSTRUCTION, Status.CONSULTATION)).order_by("due_on", "id")
    return _rows(qs[:limit])
