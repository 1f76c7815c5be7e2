"""Writes of the bureau d'ordre: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited. The chrono number
comes from the kernel's gapless counter, drawn in the transaction that writes the letter (key
`courrier:<category>`, per year): 20 clerks at once get 1..20, a failed registration gives its number back."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
import smtplib
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel import files
from jamaa.platform.kernel.counter import counter_next

from . import exceptions, permissions
from .models import (
    ALLOWED_TRANSITIONS,
    Administration,
    Annotation,
    Assignment,
    Attachment,
    Category,
    Correspondent,
    CorrespondentKind,
    Mail,
    MailCopy,
    MailType,
    Priority,
    ReceiptEmail,
    Reply,
    Service,
    Status,
    StatusChange,
    Task,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
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


def _fields_error(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _may_work(actor: Any, mail: Mail) -> bool:
    """Clerks work on every letter; a service user on those routed or copied to one of their services."""
    if permissions.is_clerk(actor):
        return True
    if not permissions.is_service_user(actor):
        return False
    services = set(Service.objects.filter(members=actor).values_list("pk", flat=True))
    if mail.confidential and mail.assignee_id != actor.pk:
        return False
    if mail.service_id in services:
        return True
    return MailCopy.objects.filter(mail=mail, service_id__in=services).exists()


def _locked(mail_id: int, actor: Any) -> Mail:
    mail = Mail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None or not _may_work(actor, mail):
        raise exceptions.MailNotFound()
    return mail


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


def _sniff(content: bytes) -> tuple[str, str]:
    """(content type, extension) read from the bytes, whatever the file's name says. Raises AttachmentInvalid."""
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-2048:]:
            raise exceptions.AttachmentInvalid(extra={"reason": "truncated_pdf"})
        return "application/pdf", "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        kind, ext = "image/jpeg", "jpg"
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, ext = "image/png", "png"
    else:
        raise exceptions.AttachmentInvalid(extra={"reason": "unknown_type"})
    from PIL import Image  # Pillow (a WeasyPrint dependency) checks the image's structure

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 (any decoding failure means a damaged scan)
        raise exceptions.AttachmentInvalid(extra={"reason": "damaged_image"}) from None
    return kind, ext


@transaction.atomic
def attachment_add(*, actor: Any, mail_id: int, name: str, content: bytes) -> Attachment:
    """Store a scan of a letter under `<schema>/courrier/<year>/<mail id>/` in the media storage. Raises
    MailNotFound, AttachmentTooLarge, AttachmentInvalid (type read from the content). Writes the file, the row
    and audit (the file is removed again if the transaction fails)."""
    mail = _locked(mail_id, actor)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise exceptions.AttachmentTooLarge(extra={"max_bytes": MAX_ATTACHMENT_BYTES, "size": len(content)})
    if not content:
        raise exceptions.AttachmentInvalid(extra={"reason": "empty"})
    content_type, ext = _sniff(content)
    stored = files.tenant_save(f"courrier/{mail.year}/{mail.pk}/{uuid.uuid4().hex}.{ext}", content)
    try:
        attachment = Attachment.objects.create(
            mail=mail,
            file=stored,
            original_name=name[:255] or f"scan.{ext}",
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="courrier.attachment.added",
            target=mail,
            data={"attachment_id": attachment.pk, "content_type": content_type, "size": len(content)},
        )
    except BaseException:
        files.tenant_delete(stored)  # no row, no orphan file
        raise
    return attachment


# --- tasks with due dates ---------------------------------------------------------------------------------


@transaction.atomic
def task_add(*, actor: Any, mail_id: int, title: str, due_date: dt.date, assignee_id: int | None = None) -> Task:
    """Give a piece of work on a letter a due date, to a user of the letter's service (or to the service when no
    user is named). Raises MailNotFound, TransitionRefused (closed or deleted letter), MailInvalid (empty title,
    due date in the past, unknown user). Writes the task and audit."""
    mail = _locked(mail_id, actor)
    if mail.status in (Status.CLOSED, Status.DELETED):
        raise exceptions.TransitionRefused(extra={"status": mail.status})
    title = " ".join(title.split())
    if not title:
        raise exceptions.MailInvalid(extra={"fields": {"title": ["required"]}})
    if due_date < timezone.localdate():
        raise exceptions.MailInvalid(extra={"fields": {"due_date": ["past"]}})
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None:
            raise exceptions.MailInvalid(extra={"fields": {"assignee_id": ["unknown"]}})
    task = Task.objects.create(
        mail=mail, title=title[:300], service_id=mail.service_id, assignee=assignee, due_date=due_date, created_by=actor
    )
    audit_record(
        actor=actor,
        action="courrier.task.added",
        target=mail,
        data={"task_id": task.pk, "due_date": due_date.isoformat(), "assignee_id": assignee_id},
    )
    return task


def _may_complete(actor: Any, task: Task) -> bool:
    if permissions.is_clerk(actor) or task.created_by_id == actor.pk:
        return True
    if task.assignee_id is not None:
        return bool(task.assignee_id == actor.pk)
    return task.service_id is not None and Service.objects.filter(pk=task.service_id, members=actor).exists()


@transaction.atomic
def task_complete(*, actor: Any, task_id: int, note: str = "") -> Task:
    """Mark a task done (once). A task given to a user: that user, its author or a clerk; given to a service:
    any of its users or a clerk. Raises TaskNotFound, TaskDone. Writes the task's outcome and audit."""
    task = Task.objects.select_for_update().select_related("mail").filter(pk=task_id).first()
    if task is None or not _may_work(actor, task.mail) or not _may_complete(actor, task):
        raise exceptions.TaskNotFound()
    if task.done_at is not None:
        raise exceptions.TaskDone()
    task.done_at, task.done_by, task.done_note = timezone.now(), actor, note.strip()[:500]
    task.save(update_fields=["done_at", "done_by", "done_note"])
    audit_record(actor=actor, action="courrier.task.done", target=task.mail, data={"task_id": task.pk})
    return task


# --- the récépissé by email ----------------------------------------------------------------------------------


def mail_receipt_email(*, actor: Any, mail_id: int, to: str, pdf: bytes, filename: str) -> ReceiptEmail:
    """Send the letter's récépissé (the PDF the caller rendered) to `to`, and record the sending with its
    outcome, sent or not. Raises MailNotFound, MailInvalid (bad address), EmailFailed (after recording the
    failure: print the récépissé instead). Writes the sending and audit."""
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError:
        raise exceptions.MailInvalid(extra={"fields": {"to": ["invalid"]}}) from None
    mail = Mail.objects.filter(pk=mail_id).first()
    if mail is None or not _may_work(actor, mail):
        raise exceptions.MailNotFound()
    commune: Any = getattr(connection, "tenant", None)
    name = getattr(commune, "name_fr", "") or "Commune"
    message = EmailMessage(
        subject=f"{name} · Récépissé {mail.reference} / وصل {mail.reference}",
        body=(
            f"Votre courrier a été enregistré au bureau d'ordre de {name} sous le numéro {mail.reference}.\n"
            "Le récépissé est joint ; son code QR permet d'en vérifier l'authenticité.\n\n"
            f"سُجّلت مراسلتكم بمكتب الضبط تحت رقم {mail.reference}. تجدون الوصل مرفقًا، ويُمكّن رمزه من التحقق من صحته.\n"
        ),
        to=[to],
    )
    message.attach(filename, pdf, "application/pdf")
    error = ""
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:  # the mail server is down or refuses: say so, keep a trace
        error = (str(exc) or exc.__class__.__name__)[:300]
    with transaction.atomic():
        sending = ReceiptEmail.objects.create(mail=mail, to=to, sent=not error, error=error, by=actor)
        audit_record(
            actor=actor,
            action="courrier.receipt.emailed" if not error else "courrier.receipt.email_failed",
            target=mail,
            data={"to": to, "error": error},
        )
    if error:
        raise exceptions.EmailFailed(extra={"error": error})
    return sending


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
