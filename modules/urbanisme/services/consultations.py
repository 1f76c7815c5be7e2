"""The services consulted on a dossier: sent with a deadline, their answer recorded once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions, rules
from ..models import Avis, Consultation, ConsultedService, Status
from .dossiers import _clean, _locked, _move, _require_agent


@transaction.atomic
def consultation_send(
    *, actor: Any, dossier_id: int, service_id: int, sent_on: dt.date | None = None, deadline: dt.date | None = None
) -> Consultation:
    """Consult a service on a dossier under instruction (which moves to consultations): sent today, answer due
    after the service's usual delay unless a deadline is given. Raises NotAnAgent, DossierNotFound,
    ServiceNotFound, DossierInvalid (consulted twice, deadline before sending), TransitionRefused."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    service = ConsultedService.objects.filter(pk=service_id).first()
    if service is None:
        raise exceptions.ServiceNotFound()
    if dossier.status not in (Status.INSTRUCTION, Status.CONSULTATION):
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": Status.CONSULTATION})
    if Consultation.objects.filter(dossier=dossier, service=service).exists():
        raise exceptions.DossierInvalid(extra={"fields": {"service_id": ["Already consulted."]}})
    sent = sent_on or rules.today()
    due = deadline or sent + dt.timedelta(days=service.answer_days)
    if due < sent:
        raise exceptions.DossierInvalid(extra={"fields": {"deadline": ["Before the sending day."]}})
    consultation = Consultation.objects.create(
        dossier=dossier, service=service, sent_on=sent, deadline=due, sent_by=actor
    )
    audit_record(
        actor=actor,
        action="urbanisme.consultation.sent",
        target=dossier,
        data={"service": service.code, "deadline": due.isoformat()},
    )
    if dossier.status == Status.INSTRUCTION:
        _move(dossier, actor=actor, to=Status.CONSULTATION, note=service.name_fr)
    return consultation


@transaction.atomic
def consultation_return(
    *, actor: Any, consultation_id: int, avis: str, note: str = "", returned_on: dt.date | None = None
) -> Consultation:
    """Record a consulted service's answer, once (favourable, with reservations, unfavourable). Raises
    NotAnAgent, ConsultationNotFound, DossierInvalid, AlreadyRecorded."""
    _require_agent(actor)
    consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
    if consultation is None:
        raise exceptions.ConsultationNotFound()
    if consultation.returned_on is not None:
        raise exceptions.AlreadyRecorded()
    if avis not in (Avis.FAVOURABLE, Avis.RESERVED, Avis.UNFAVOURABLE):
        raise exceptions.DossierInvalid(extra={"fields": {"avis": ["Favourable, reserved or unfavourable."]}})
    day = returned_on or rules.today()
    if day < consultation.sent_on or day > rules.today():
        raise exceptions.DossierInvalid(extra={"fields": {"returned_on": ["Between the sending and today."]}})
    consultation.returned_on, consultation.avis = day, avis
    consultation.avis_note, consultation.returned_by = _clean(note)[:1000], actor
    consultation.save(update_fields=["returned_on", "avis", "avis_note", "returned_by"])
    audit_record(
        actor=actor,
        action="urbanisme.consultation.returned",
        target=consultation.dossier,
        data={"consultation": consultation.pk, "avis": avis, "late": day > consultation.deadline},
    )
    return consultation
