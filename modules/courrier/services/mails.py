"""Registering a letter: what the clerk types, the correspondent found or created, the chrono number; and
the same registration for other modules' desks and for the citizen portal."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    Administration,
    Assignment,
    Category,
    Correspondent,
    CorrespondentKind,
    Mail,
    MailType,
    Priority,
    Reply,
    Service,
    Status,
)
from .access import _fields_error
from .attachments import attachment_add

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True, kw_only=True)
class CorrespondentInput:
    kind: str
    name: str
    cin: str = ""
    ice: str = ""
    administration_code: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True, kw_only=True)
class MailInput:
    """What the clerk types at registration. Either `correspondent_id` (an existing one) or `correspondent`."""

    category: str
    subject: str
    correspondent_id: int | None = None
    correspondent: CorrespondentInput | None = None
    mail_type_code: str = ""
    letter_date: dt.date | None = None
    arrival_date: dt.date | None = None
    departure_date: dt.date | None = None
    priority: str = Priority.NORMAL
    confidential: bool = False
    reply_expected: bool = False
    service_id: int | None = None
    assignee_id: int | None = None


def correspondent_resolve(*, data: CorrespondentInput) -> Correspondent:
    """The correspondent with this CIN / ICE / administration (its name kept as first recorded), else a new one.
    Raises CorrespondentInvalid. Writes the correspondent when new."""
    kind, name = data.kind, data.name.strip()
    cin, ice = data.cin.strip().upper(), data.ice.strip()
    administration = None
    if kind == CorrespondentKind.ADMINISTRATION:
        administration = Administration.objects.filter(code=data.administration_code).first()
        if administration is None:
            raise exceptions.CorrespondentInvalid(extra={"fields": {"administration_code": ["unknown"]}})
        name = name or administration.name_fr
        existing = Correspondent.objects.filter(kind=kind, administration=administration).first()
    elif kind == CorrespondentKind.PERSON and cin:
        existing = Correspondent.objects.filter(kind=kind, cin=cin).first()
    elif kind == CorrespondentKind.COMPANY and ice:
        existing = Correspondent.objects.filter(kind=kind, ice=ice).first()
    else:
        existing = None
    if existing is not None:
        return existing
    if kind == CorrespondentKind.PERSON and not cin:
        raise exceptions.CorrespondentInvalid(extra={"fields": {"cin": ["required"]}})
    if kind == CorrespondentKind.COMPANY and not (len(ice) == 15 and ice.isdigit()):
        raise exceptions.CorrespondentInvalid(extra={"fields": {"ice": ["15 digits"]}})
    correspondent = Correspondent(
        kind=kind,
        name=name,
        cin=cin if kind == CorrespondentKind.PERSON else "",
        ice=ice if kind == CorrespondentKind.COMPANY else "",
        administration=administration,
        address=data.address.strip(),
        email=data.email.strip(),
        phone=data.phone.strip(),
    )
    try:
        correspondent.full_clean()
    except ValidationError as exc:
        raise exceptions.CorrespondentInvalid(extra=_fields_error(exc)) from None
    correspondent.save()
    return correspondent


def _new_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _record(*, actor: Any, data: MailInput, reply_to: Mail | None = None) -> Mail:
    """Validate and write one letter with its number (inside the caller's transaction)."""
    if data.category not in Category.values:
        raise exceptions.MailInvalid(extra={"fields": {"category": ["invalid"]}})
    if data.priority not in Priority.values:
        raise exceptions.MailInvalid(extra={"fields": {"priority": ["invalid"]}})
    if data.correspondent_id is not None:
        correspondent = Correspondent.objects.filter(pk=data.correspondent_id).first()
        if correspondent is None:
            raise exceptions.MailInvalid(extra={"fields": {"correspondent_id": ["unknown"]}})
    elif data.correspondent is not None:
        correspondent = correspondent_resolve(data=data.correspondent)
    else:
        raise exceptions.MailInvalid(extra={"fields": {"correspondent": ["required"]}})
    mail_type = None
    if data.mail_type_code:
        mail_type = MailType.objects.filter(code=data.mail_type_code).first()
        if mail_type is None:
            raise exceptions.MailInvalid(extra={"fields": {"mail_type_code": ["unknown"]}})
    service = None
    if data.service_id is not None:
        service = Service.objects.filter(pk=data.service_id).first()
        if service is None:
            raise exceptions.ServiceNotFound()
    assignee = None
    if data.assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=data.assignee_id).first()
        if assignee is None or service is None:
            raise exceptions.MailInvalid(extra={"fields": {"assignee_id": ["unknown"]}})
    now = timezone.now()
    today = timezone.localdate(now)
    arrival = data.arrival_date or (today if data.category == Category.INCOMING else None)
    departure = data.departure_date or (today if data.category == Category.OUTGOING else None)
    start = arrival or departure or today
    limit = start + dt.timedelta(days=mail_type.processing_days) if mail_type is not None else None
    mail = Mail(
        category=data.category,
        year=today.year,
        number=1,
        code=_new_code(),
        correspondent=correspondent,
        subject=" ".join(data.subject.split()),
        mail_type=mail_type,
        letter_date=data.letter_date,
        arrival_date=arrival,
        departure_date=departure,
        limit_date=limit,
        priority=data.priority,
        confidential=data.confidential,
        reply=Reply.EXPECTED if data.reply_expected else Reply.NONE,
        reply_to=reply_to,
        status=Status.NEW if service is not None else Status.TO_QUALIFY,
        service=service,
        assignee=assignee,
        registered_by=actor,
        registered_at=now,
    )
    try:
        mail.full_clean(exclude=["number", "code"], validate_unique=False)
    except ValidationError as exc:
        raise exceptions.MailInvalid(extra=_fields_error(exc)) from None
    # Drawn last, just before the insert, so that a refusal above never holds the series' row lock.
    mail.number = counter_next(key=f"courrier:{mail.category}", year=mail.year)
    mail.save()
    if service is not None:
        Assignment.objects.create(mail=mail, service=service, assignee=assignee, by=actor, note="")
    audit_record(
        actor=actor,
        action="courrier.mail.registered",
        target=mail,
        data={
            "reference": mail.reference,
            "category": mail.category,
            "status": mail.status,
            "service_id": mail.service_id,
            "reply_to": reply_to.pk if reply_to else None,
        },
    )
    return mail


@dataclass(frozen=True, kw_only=True)
class ScanInput:
    name: str
    content: bytes


@transaction.atomic
def mail_register(*, actor: Any, data: MailInput, scan: ScanInput | None = None) -> Mail:
    """Register a letter and give it the next chrono number of (category, year), with its scan if given (all or
    nothing: a refused scan registers nothing and the number is not used). Raises NotAClerk, MailInvalid,
    CorrespondentInvalid, ServiceNotFound, AttachmentInvalid, AttachmentTooLarge; writes the letter, its first
    routing when a service is given, the scan, audit."""
    if not permissions.is_clerk(actor):
        raise exceptions.NotAClerk()
    mail = _record(actor=actor, data=data)
    if scan is not None:
        attachment_add(actor=actor, mail_id=mail.pk, name=scan.name, content=scan.content)
    return mail


# --- for other modules' desks (police administrative, urbanisme) ---


@dataclass(frozen=True)
class RegisteredMail:
    mail_id: int
    reference: str
    code: str


@transaction.atomic
def mail_register_for_module(*, actor: Any, data: MailInput, module: str) -> RegisteredMail:
    """Register an incoming request received by another module's desk (the police administrative's licences,
    urbanisme's dossiers): the same record, chrono number and audit as mail_register, for an actor the calling
    module has already checked (not a bureau d'ordre clerk), and an audit entry naming the module. Raises
    MailInvalid (not incoming, or no module named), CorrespondentInvalid, ServiceNotFound."""
    if data.category != Category.INCOMING or not module.strip():
        raise exceptions.MailInvalid(extra={"fields": {"category": ["incoming only"]}})
    mail = _record(actor=actor, data=data)
    audit_record(actor=actor, action="courrier.mail.registered_for_module", target=mail, data={"module": module})
    return RegisteredMail(mail_id=mail.pk, reference=mail.reference, code=mail.code)


# --- for portail ---


@dataclass(frozen=True, kw_only=True)
class OnlineMail:
    """A letter registered from the citizen portal, as the portal keeps it (ids and numbers, no model)."""

    id: int
    year: int
    number: int
    code: str
    reference: str


@transaction.atomic
def mail_register_online(*, channel: Any, data: MailInput) -> OnlineMail:
    """Register an incoming letter that a citizen sent through the portal: numbered in the incoming series like any
    other, recorded as registered by `channel` (the portal's own account: no clerk typed it). Raises MailInvalid,
    CorrespondentInvalid, ServiceNotFound; writes the letter and audit."""
    if data.category != Category.INCOMING:
        raise exceptions.MailInvalid(extra={"fields": {"category": ["invalid"]}})
    mail = _record(actor=channel, data=data)
    return OnlineMail(id=mail.pk, year=mail.year, number=mail.number, code=mail.code, reference=mail.reference)
