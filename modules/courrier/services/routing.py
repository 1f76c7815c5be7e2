"""A letter's life after registration: routed to a service, copied, its status changed, annotated, answered;
and the commune's services it is routed to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    ALLOWED_TRANSITIONS,
    Annotation,
    Assignment,
    Category,
    Mail,
    MailCopy,
    Reply,
    Service,
    Status,
    StatusChange,
)
from .access import _fields_error, _locked
from .mails import MailInput, _record


@transaction.atomic
def mail_route(*, actor: Any, mail_id: int, service_id: int, assignee_id: int | None = None, note: str = "") -> Mail:
    """Route (or reassign) a letter to a service and optionally a user; a letter to qualify becomes new. Raises
    MailNotFound, ServiceNotFound, MailInvalid, TransitionRefused (closed or deleted). Writes the routing
    history, the status change and audit."""
    mail = _locked(mail_id, actor)
    if mail.status in (Status.CLOSED, Status.DELETED):
        raise exceptions.TransitionRefused(extra={"status": mail.status})
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise exceptions.ServiceNotFound()
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id).first()
        if assignee is None:
            raise exceptions.MailInvalid(extra={"fields": {"assignee_id": ["unknown"]}})
    Assignment.objects.create(
        mail=mail,
        service=service,
        assignee=assignee,
        previous_service_id=mail.service_id,
        previous_assignee_id=mail.assignee_id,
        note=note.strip()[:500],
        by=actor,
    )
    before = {"service_id": mail.service_id, "assignee_id": mail.assignee_id, "status": mail.status}
    mail.service, mail.assignee = service, assignee
    fields = ["service", "assignee", "updated_at"]
    if mail.status == Status.TO_QUALIFY:
        StatusChange.objects.create(mail=mail, from_status=mail.status, to_status=Status.NEW, by=actor)
        mail.status = Status.NEW
        fields.append("status")
    mail.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="courrier.mail.routed",
        target=mail,
        reason=note,
        data={"before": before, "after": {"service_id": service.pk, "assignee_id": assignee_id, "status": mail.status}},
    )
    return mail


@transaction.atomic
def mail_copy_add(
    *, actor: Any, mail_id: int, service_id: int | None = None, official_name: str = "", official_office: str = ""
) -> MailCopy:
    """Send a copy to another service or to an elected official. Raises MailNotFound, ServiceNotFound,
    CopyInvalid. Writes the copy and audit."""
    mail = _locked(mail_id, actor)
    service = None
    if service_id is not None:
        service = Service.objects.filter(pk=service_id).first()
        if service is None:
            raise exceptions.ServiceNotFound()
    if (service is None) == (not official_name.strip()):
        raise exceptions.CopyInvalid()
    copy = MailCopy.objects.create(
        mail=mail,
        service=service,
        official_name=official_name.strip(),
        official_office=official_office.strip(),
        added_by=actor,
    )
    audit_record(
        actor=actor,
        action="courrier.mail.copied",
        target=mail,
        data={"service_id": service_id, "official_name": copy.official_name},
    )
    return copy


@transaction.atomic
def mail_status_change(*, actor: Any, mail_id: int, status: str, reason: str = "") -> Mail:
    """Move a letter along its states (models.ALLOWED_TRANSITIONS; the trigger holds the same table). Deleting
    is for clerks and needs a reason; closing sets the closing date. Raises MailNotFound, TransitionRefused,
    ReasonRequired, NotAClerk. Writes the status change and audit."""
    mail = _locked(mail_id, actor)
    if status not in ALLOWED_TRANSITIONS.get(mail.status, frozenset()):
        raise exceptions.TransitionRefused(extra={"from": mail.status, "to": status})
    reason = reason.strip()
    fields = ["status", "updated_at"]
    if status == Status.DELETED:
        if not permissions.is_clerk(actor):
            raise exceptions.NotAClerk()
        if not reason:
            raise exceptions.ReasonRequired(extra={"fields": {"reason": [str(exceptions.ReasonRequired.message)]}})
        mail.deleted_reason = reason[:500]
        fields.append("deleted_reason")
    if status == Status.CLOSED:
        mail.closing_date = timezone.localdate()
        fields.append("closing_date")
    StatusChange.objects.create(mail=mail, from_status=mail.status, to_status=status, reason=reason[:500], by=actor)
    before = mail.status
    mail.status = status
    mail.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="courrier.mail.status_changed",
        target=mail,
        reason=reason,
        data={"from": before, "to": status},
    )
    return mail


@transaction.atomic
def mail_annotate(*, actor: Any, mail_id: int, text: str) -> Annotation:
    """Write a note on a letter. Raises MailNotFound, MailInvalid (empty). Writes the note and audit."""
    mail = _locked(mail_id, actor)
    if not text.strip():
        raise exceptions.MailInvalid(extra={"fields": {"text": ["required"]}})
    note = Annotation.objects.create(mail=mail, text=text.strip(), author=actor)
    audit_record(actor=actor, action="courrier.mail.annotated", target=mail, data={"annotation_id": note.pk})
    return note


@transaction.atomic
def mail_reply(
    *, actor: Any, incoming_id: int, subject: str, departure_date: dt.date | None = None, close: bool = False
) -> Mail:
    """Answer an incoming letter: registers outgoing mail (its own chrono number) to the same correspondent,
    linked to it, and marks the letter replied (and closed when asked). Raises MailNotFound, NotIncoming,
    TransitionRefused, MailInvalid. Writes both letters and audit."""
    incoming = _locked(incoming_id, actor)
    if incoming.category != Category.INCOMING:
        raise exceptions.NotIncoming()
    if incoming.status == Status.DELETED:
        raise exceptions.TransitionRefused(extra={"status": incoming.status})
    outgoing = _record(
        actor=actor,
        data=MailInput(
            category=Category.OUTGOING,
            subject=subject,
            correspondent_id=incoming.correspondent_id,
            departure_date=departure_date,
            confidential=incoming.confidential,
            service_id=incoming.service_id,
            assignee_id=incoming.assignee_id if incoming.service_id else None,
        ),
        reply_to=incoming,
    )
    incoming.reply = Reply.REPLIED
    fields = ["reply", "updated_at"]
    if close and Status.CLOSED in ALLOWED_TRANSITIONS.get(incoming.status, frozenset()):
        StatusChange.objects.create(mail=incoming, from_status=incoming.status, to_status=Status.CLOSED, by=actor)
        incoming.status = Status.CLOSED
        incoming.closing_date = timezone.localdate()
        fields += ["status", "closing_date"]
    incoming.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="courrier.mail.replied",
        target=incoming,
        data={"reply_id": outgoing.pk, "reply": outgoing.reference, "status": incoming.status},
    )
    return outgoing


@transaction.atomic
def service_create(*, actor: Any, name_fr: str, name_ar: str = "", member_ids: tuple[int, ...] = ()) -> Service:
    """Create a service of the commune with its members. Raises NotAClerk, MailInvalid. Writes it and audit."""
    if not permissions.is_clerk(actor):
        raise exceptions.NotAClerk()
    service = Service(name_fr=name_fr.strip(), name_ar=name_ar.strip())
    try:
        service.full_clean()
    except ValidationError as exc:
        raise exceptions.MailInvalid(extra=_fields_error(exc)) from None
    service.save()
    if member_ids:
        service.members.set(get_user_model().objects.filter(pk__in=member_ids))
    audit_record(
        actor=actor,
        action="courrier.service.created",
        target=service,
        data={"name_fr": service.name_fr, "members": sorted(member_ids)},
    )
    return service
