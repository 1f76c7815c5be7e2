"""Writes of the citizen portal: `<entity>_<verb>(*, …)`, atomic, validated, audited.

Citizens act through their id (from the session set by `citizen_sign_in`), staff through their user. Another
module is reached only through its services and selectors: an online request is registered as incoming mail by
`courrier.services.mail_register_online`, a civil-registry document is issued by `etatcivil.services.document_issue`,
a quittance is checked through the kernel's verification registry."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jamaa.modules.courrier import services as courrier_services
from jamaa.modules.etatcivil import selectors as etatcivil_selectors
from jamaa.modules.etatcivil import services as etatcivil_services
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel import files, verification
from jamaa.platform.kernel import portal as kernel_portal

from . import exceptions, figures, limits, permissions, public_cache
from .models import (
    ALLOWED_TRANSITIONS,
    Citizen,
    OneTimeCode,
    OnlineRequest,
    Outcome,
    Publication,
    PublicationKind,
    PublicService,
    RequestAttachment,
    RequestEvent,
    RequestStatus,
)
from .senders import sender

CODE_TTL = dt.timedelta(minutes=10)
CODE_TRIES = 5
MAX_UPLOAD = 5 * 1024 * 1024
MAX_UPLOADS = 3
CHANNEL_USERNAME = "portail.en-ligne"  # the account that registers online letters (inactive: never signs in)
CIN_RE = re.compile(r"^[A-Z]{1,2}[0-9]{1,6}$")
EXTRACT_KIND = "etatcivil.extract"
DOCUMENTS = {"birth_extract": "birth", "death_extract": "death", "full_copy": ""}


# --- citizens -------------------------------------------------------------------------------------------------


def address_normalize(raw: str) -> tuple[str, str]:
    """(address, channel) for an email or a Moroccan mobile number (+2126…/+2127…). Raises AddressInvalid."""
    text = raw.strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise exceptions.AddressInvalid() from None
        return text.lower(), "email"
    digits = re.sub(r"[\s.\-()]", "", text)
    if digits.startswith("00212"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"0[67][0-9]{8}", digits):
        digits = "+212" + digits[1:]
    if not re.fullmatch(r"\+212[67][0-9]{8}", digits):
        raise exceptions.AddressInvalid()
    return digits, "sms"


def _code_hash(address: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(
        key, f"{getattr(connection, 'schema_name', 'public')}|{address}|{code}".encode(), hashlib.sha256
    ).hexdigest()


def citizen_code_send(*, address: str, client_ip: str) -> None:
    """Send a 6-digit sign-in code to an email or phone (whether or not an account exists: the answer is the same).
    Raises AddressInvalid, TooManyAttempts (3 per address per 10 minutes, 10 per network address per hour),
    SenderUnavailable. Writes the code's hash."""
    normalized, channel = address_normalize(address)
    if not limits.hit(scope="code-ip", key=client_ip, limit=limits.CODE_PER_IP) or not limits.hit(
        scope="code-address", key=normalized, limit=limits.CODE_PER_ADDRESS
    ):
        raise exceptions.TooManyAttempts()
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = timezone.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(address=normalized, used_at__isnull=True).update(used_at=now)
        OneTimeCode.objects.create(
            address=normalized, code_hash=_code_hash(normalized, code), expires_at=now + CODE_TTL
        )
    text = _("Your sign-in code: %(code)s (valid 10 minutes). Never give it to anyone.") % {"code": code}
    sender().send(address=normalized, channel=channel, text=text)  # type: ignore[arg-type]


def citizen_sign_in(*, address: str, code: str) -> Citizen:
    """The citizen account of this address (created at the first sign-in) for a right, fresh, unused code. Raises
    AddressInvalid, CodeInvalid, TooManyAttempts. Marks the code used; a wrong code counts one of its 5 tries."""
    normalized, channel = address_normalize(address)
    if not limits.hit(scope="verify", key=normalized, limit=limits.VERIFY_PER_ADDRESS):
        raise exceptions.TooManyAttempts()
    now = timezone.now()
    otc = (
        OneTimeCode.objects.filter(address=normalized, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if otc is None or otc.attempts >= CODE_TRIES:
        raise exceptions.CodeInvalid()
    if not hmac.compare_digest(otc.code_hash, _code_hash(normalized, code.strip())):
        OneTimeCode.objects.filter(pk=otc.pk).update(attempts=F("attempts") + 1)  # counted, whatever follows
        raise exceptions.CodeInvalid()
    with transaction.atomic():
        used = OneTimeCode.objects.filter(pk=otc.pk, used_at__isnull=True, attempts__lt=CODE_TRIES).update(used_at=now)
        if not used:  # another request used it first
            raise exceptions.CodeInvalid()
        if channel == "email":
            citizen, created = Citizen.objects.get_or_create(email=normalized)
        else:
            citizen, created = Citizen.objects.get_or_create(phone=normalized)
        if created:
            audit_record(actor=None, action="portail.citizen.created", target=citizen, data={"channel": channel})
    return citizen


def _cin(raw: str) -> str:
    cin = re.sub(r"\s", "", raw).upper()
    if cin and not CIN_RE.match(cin):
        raise exceptions.RequestInvalid(extra={"fields": {"cin": [_("A CIN is one or two letters and digits.")]}})
    return cin


@transaction.atomic
def citizen_profile_update(*, citizen_id: int, display_name: str, cin: str = "") -> Citizen:
    """The citizen's name and CIN as they declare them (a verified CIN no longer changes online). Raises
    RequestInvalid."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen_id)
    name = " ".join(display_name.split())[:120]
    if not name:
        raise exceptions.RequestInvalid(extra={"fields": {"display_name": [_("Required.")]}})
    citizen.display_name = name
    if citizen.cin_verified_at is None:
        citizen.cin = _cin(cin)
    citizen.save(update_fields=["display_name", "cin"])
    return citizen


@transaction.atomic
def citizen_cin_verify(*, actor: Any, citizen_id: int, cin: str) -> Citizen:
    """A staff member saw the card at the counter: the CIN is recorded as verified. Raises NotAnAgent,
    RequestInvalid. Audited."""
    if not permissions.is_agent(actor):
        raise exceptions.NotAnAgent()
    citizen = Citizen.objects.select_for_update().get(pk=citizen_id)
    citizen.cin = _cin(cin)
    if not citizen.cin:
        raise exceptions.RequestInvalid(extra={"fields": {"cin": [_("Required.")]}})
    citizen.cin_verified_at = timezone.now()
    citizen.cin_verified_by = actor
    citizen.save(update_fields=["cin", "cin_verified_at", "cin_verified_by"])
    audit_record(actor=actor, action="portail.citizen.cin_verified", target=citizen)
    return citizen


# --- online requests ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Upload:
    name: str
    content: bytes


def _sniff(upload: Upload) -> tuple[str, str]:
    """(content type, extension) read from the bytes, never from the name. Raises AttachmentInvalid,
    AttachmentTooLarge."""
    data = upload.content
    if len(data) > MAX_UPLOAD:
        raise exceptions.AttachmentTooLarge()
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]:
        return "application/pdf", "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                fmt = image.format
        except Exception:  # noqa: BLE001 — any decoder failure means "not a valid image"
            raise exceptions.AttachmentInvalid() from None
        if fmt == "PNG":
            return "image/png", "png"
        if fmt == "JPEG":
            return "image/jpeg", "jpg"
    raise exceptions.AttachmentInvalid()


def _channel_user() -> Any:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=CHANNEL_USERNAME, defaults={"is_active": False, "first_name": "Portail"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _extract_details(details: Mapping[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    document = details.get("document", "")
    if document not in DOCUMENTS:
        errors["document"] = [_("Choose a document.")]
    act_kind = DOCUMENTS.get(document) or details.get("act_kind", "")
    if act_kind not in ("birth", "death"):
        errors["act_kind"] = [_("Choose a birth or a death act.")]
    for name in ("act_year", "act_number"):
        value = details.get(name, "").strip()
        if not value.isdigit() or not (0 < int(value) < 100000):
            errors[name] = [_("A number.")]
    if details.get("act_year", "").isdigit() and not 1900 <= int(details["act_year"]) <= timezone.localdate().year:
        errors["act_year"] = [_("A year between 1900 and this year.")]
    if not details.get("capacity", "").strip():
        errors["capacity"] = [_("Required.")]
    if errors:
        raise exceptions.RequestInvalid(extra={"fields": errors})
    return {
        "document": document,
        "act_kind": act_kind,
        "act_year": str(int(details["act_year"])),
        "act_number": str(int(details["act_number"])),
        "capacity": details["capacity"].strip()[:120],
    }


@dataclass(frozen=True, kw_only=True)
class RequestInput:
    kind: str
    text: str = ""  # the citizen's words (a complaint, a request): private, never published
    cin: str = ""
    details: Mapping[str, str] | None = None


def request_submit(
    *, citizen_id: int, data: RequestInput, uploads: tuple[Upload, ...] = (), enabled: tuple[str, ...]
) -> OnlineRequest:
    """Register an online request as incoming mail (its number is the tracking number), with the checked uploads.
    `enabled`: the commune's modules (a kind of a disabled module is refused). Raises RequestKindUnknown,
    RequestInvalid, AttachmentInvalid, AttachmentTooLarge, TooManyAttempts. Writes the request, its first event,
    the letter in the bureau d'ordre, audit; calls the kind's module hook."""
    kind = kernel_portal.request_kind(code=data.kind, enabled=enabled)
    if kind is None or "courrier" not in enabled:
        raise exceptions.RequestKindUnknown()
    if not limits.hit(scope="submit", key=str(citizen_id), limit=limits.SUBMIT_PER_CITIZEN):
        raise exceptions.TooManyAttempts()
    citizen = Citizen.objects.get(pk=citizen_id)
    cin = _cin(data.cin) or citizen.cin
    if not cin:
        # the bureau d'ordre registers a person by CIN; it is also what follows the request without an account
        raise exceptions.RequestInvalid(extra={"fields": {"cin": [_("Give your CIN: the request is filed under it.")]}})
    details: dict[str, str] = {}
    if kind.code == EXTRACT_KIND:
        details = _extract_details(data.details or {})
        if not citizen.display_name:
            raise exceptions.RequestInvalid(extra={"fields": {"display_name": [_("Give your name first.")]}})
    else:
        for q in kind.questions:
            details[q.name] = str((data.details or {}).get(q.name, "")).strip()[:300]
    text = data.text.strip()
    if kind.code != EXTRACT_KIND and not text:
        raise exceptions.RequestInvalid(extra={"fields": {"text": [_("Say what you ask for.")]}})
    if len(uploads) > MAX_UPLOADS:
        raise exceptions.RequestInvalid(extra={"fields": {"files": [_("Three files at most.")]}})
    checked = [(u, *_sniff(u)) for u in uploads]
    if text:
        details["text"] = text[:4000]
    with transaction.atomic():
        name = citizen.display_name or _("Citizen (online)")
        mail = courrier_services.mail_register_online(
            channel=_channel_user(),
            data=courrier_services.MailInput(
                category="incoming",
                subject=f"{_('Online request')}: {kind.label_fr}",
                correspondent=courrier_services.CorrespondentInput(
                    kind="person", name=name, cin=cin, email=citizen.email or "", phone=citizen.phone or ""
                ),
                reply_expected=True,
            ),
        )
        request = OnlineRequest.objects.create(
            citizen=citizen,
            kind=kind.code,
            mail_id=mail.id,
            mail_year=mail.year,
            mail_number=mail.number,
            mail_code=mail.code,
            reference=mail.reference,
            cin=cin,
            details=details,
            deadline=timezone.localdate() + dt.timedelta(days=kind.deadline_days),
        )
        RequestEvent.objects.create(request=request, status=RequestStatus.SUBMITTED)
        for upload, content_type, ext in checked:
            stored = files.tenant_save(f"portail/{mail.year}/{request.pk}/{uuid.uuid4().hex}.{ext}", upload.content)
            RequestAttachment.objects.create(
                request=request,
                name=upload.name[:200] or f"piece.{ext}",
                content_type=content_type,
                size=len(upload.content),
                sha256=hashlib.sha256(upload.content).hexdigest(),
                stored_name=stored,
            )
        if kind.forward is not None:
            info = kernel_portal.RequestInfo(
                request_id=request.pk, kind=kind.code, reference=request.reference, details=dict(details)
            )
            request.module_reference = kind.forward(info)[:60]
            request.save(update_fields=["module_reference"])
        audit_record(
            actor=None,
            action="portail.request.submitted",
            target=request,
            data={"kind": kind.code, "reference": request.reference, "citizen": citizen.pk},
        )
    return request


def _locked(request_id: int) -> OnlineRequest:
    request = OnlineRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise exceptions.RequestNotFound()
    return request


def _move(request: OnlineRequest, *, actor: Any, status: str, note: str) -> None:
    if status not in ALLOWED_TRANSITIONS.get(request.status, ()):
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": status})
    request.status = status
    if note:
        request.public_note = note
    request.save()
    RequestEvent.objects.create(request=request, status=status, note=note, by=actor)
    audit_record(actor=actor, action="portail.request.status_changed", target=request, data={"status": status})


@transaction.atomic
def request_status_change(*, actor: Any, request_id: int, status: str, note: str = "") -> OnlineRequest:
    """Move a request along its states with a note the citizen reads (required to answer or refuse). Raises
    NotAnAgent, RequestNotFound, TransitionRefused, RequestInvalid. Writes the event and audit."""
    if not permissions.is_agent(actor):
        raise exceptions.NotAnAgent()
    request = _locked(request_id)
    note = note.strip()
    if status == RequestStatus.ISSUED:
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": status})
    if status in (RequestStatus.ANSWERED, RequestStatus.REJECTED) and not note:
        raise exceptions.RequestInvalid(extra={"fields": {"note": [_("Write the answer the citizen will read.")]}})
    _move(request, actor=actor, status=status, note=note)
    return request


@transaction.atomic
def request_document_issue(
    *, actor: Any, request_id: int, quittance_code: str = "", fee_dh: Decimal = Decimal("0")
) -> OnlineRequest:
    """Issue the civil-registry document an extract request asks for, through état civil (the officer's delegation
    is checked there), after checking the quittance of the fee when one is given (a valid `regie.quittance` code).
    Raises NotAnAgent, RequestNotFound, TransitionRefused, QuittanceInvalid, RequestInvalid (no such signed act),
    and état civil's refusals. Writes the document (état civil), the event, audit."""
    if not permissions.is_agent(actor):
        raise exceptions.NotAnAgent()
    request = _locked(request_id)
    if request.kind != EXTRACT_KIND:
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": RequestStatus.ISSUED})
    if RequestStatus.ISSUED not in ALLOWED_TRANSITIONS.get(request.status, ()):
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": RequestStatus.ISSUED})
    code = quittance_code.strip().upper()
    if code:
        verdict = verification.verify(kind="regie.quittance", code=code)
        if verdict is None or verdict.status != "valid":
            raise exceptions.QuittanceInvalid()
    details = request.details
    acts = etatcivil_selectors.act_find(
        kind=details["act_kind"], year=int(details["act_year"]), number=int(details["act_number"])
    )
    if len(acts) != 1:
        raise exceptions.RequestInvalid(
            _("No single signed act has this number: check it with the citizen."),
            extra={"fields": {"act_number": [_("Not found.")]}},
        )
    document = etatcivil_services.document_issue(
        officer=actor,
        act_id=acts[0].pk,
        kind=details["document"],
        requester_name=request.citizen.display_name,
        requester_capacity=details["capacity"],
        fee_dh=fee_dh,
        reason=f"{_('Online request')} {request.reference}",
    )
    request.document_id = document.pk
    request.document_code = document.verification_code
    request.quittance_code = code
    _move(request, actor=actor, status=RequestStatus.ISSUED, note=_("Your document is ready to download."))
    return request


# --- publications and services --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PublicationInput:
    kind: str
    title_fr: str
    title_ar: str
    body_fr: str = ""
    body_ar: str = ""
    session_date: dt.date | None = None
    number: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    outcome: str = ""


@transaction.atomic
def publication_publish(*, actor: Any, data: PublicationInput) -> Publication:
    """Publish news or a council decision (with its vote: for, against, abstentions, outcome). Raises NotAnEditor,
    PublicationInvalid. Writes the publication (never edited after) and audit."""
    if not permissions.is_editor(actor):
        raise exceptions.NotAnEditor()
    publication = Publication(
        kind=data.kind,
        title_fr=data.title_fr.strip(),
        title_ar=data.title_ar.strip(),
        body_fr=data.body_fr.strip(),
        body_ar=data.body_ar.strip(),
        session_date=data.session_date if data.kind == PublicationKind.DELIBERATION else None,
        number=data.number.strip() if data.kind == PublicationKind.DELIBERATION else "",
        votes_for=data.votes_for if data.kind == PublicationKind.DELIBERATION else None,
        votes_against=data.votes_against if data.kind == PublicationKind.DELIBERATION else None,
        votes_abstain=data.votes_abstain if data.kind == PublicationKind.DELIBERATION else None,
        outcome=data.outcome if data.kind == PublicationKind.DELIBERATION else "",
        published_by=actor,
    )
    errors: dict[str, list[str]] = {}
    if data.kind == PublicationKind.DELIBERATION:
        for name in ("session_date", "number", "votes_for", "votes_against", "votes_abstain"):
            if getattr(publication, name) in (None, ""):
                errors[name] = [_("Required for a council decision.")]
        if data.outcome not in Outcome.values:
            errors["outcome"] = [_("Required for a council decision.")]
    try:
        publication.full_clean(exclude=["published_by"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise exceptions.PublicationInvalid(extra={"fields": errors})
    publication.save()
    public_cache.bump_on_commit()
    audit_record(actor=actor, action="portail.publication.published", target=publication, data={"kind": data.kind})
    return publication


@transaction.atomic
def publication_withdraw(*, actor: Any, publication_id: int, reason: str) -> Publication:
    """Withdraw a publication from the portal (once, with a reason; the row stays). Raises NotAnEditor,
    PublicationNotFound, PublicationInvalid. Audited."""
    if not permissions.is_editor(actor):
        raise exceptions.NotAnEditor()
    publication = Publication.objects.select_for_update().filter(pk=publication_id).first()
    if publication is None:
        raise exceptions.PublicationNotFound()
    if publication.withdrawn_at is not None or not reason.strip():
        raise exceptions.PublicationInvalid(extra={"fields": {"reason": [_("Required (and only once).")]}})
    publication.withdrawn_at = timezone.now()
    publication.withdrawn_by = actor
    publication.withdrawn_reason = reason.strip()[:300]
    publication.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    public_cache.bump_on_commit()
    audit_record(actor=actor, action="portail.publication.withdrawn", target=publication, reason=reason.strip())
    return publication


@transaction.atomic
def public_service_save(
    *, actor: Any, name_fr: str, name_ar: str, hours_fr: str = "", hours_ar: str = "", place_fr: str = "",
    place_ar: str = "", phone: str = "", position: int = 0, service_id: int | None = None,
) -> PublicService:  # fmt: skip
    """Create or change a service shown on the portal (name, hours, place, phone). Raises NotAnEditor,
    PublicationInvalid. Audited."""
    if not permissions.is_editor(actor):
        raise exceptions.NotAnEditor()
    service = PublicService() if service_id is None else PublicService.objects.select_for_update().get(pk=service_id)
    for name, value in (
        ("name_fr", name_fr), ("name_ar", name_ar), ("hours_fr", hours_fr), ("hours_ar", hours_ar),
        ("place_fr", place_fr), ("place_ar", place_ar), ("phone", phone),
    ):  # fmt: skip
        setattr(service, name, value.strip())
    service.position = position
    try:
        service.full_clean()
    except ValidationError as exc:
        raise exceptions.PublicationInvalid(extra={"fields": exc.message_dict}) from None
    service.save()
    public_cache.bump_on_commit()
    audit_record(actor=actor, action="portail.service.saved", target=service)
    return service


def figures_refresh() -> int:
    """Recompute this commune's published figures from its modules (the beat, every 10 minutes, so writes no
    signal sees show within figures.MAX_AGE). Returns how many datasets; 0 where the portal is not enabled."""
    enabled = tuple(getattr(getattr(connection, "tenant", None), "enabled_modules", None) or ())
    if "portail" not in enabled:
        return 0
    return len(figures.refresh(enabled=enabled))
