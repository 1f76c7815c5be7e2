"""Writes of the police administrative: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers come from the kernel's gapless counter, drawn last in the transaction that writes the row: requests per
(kind, year) (`police:request:<kind>`), authorisations per (kind, year) (`police:authorisation:<kind>`), PVs per
year (`police:inspection`). A request is registered as incoming mail in the bureau d'ordre (courrier's services);
granting a fee-bearing authorisation opens its revenue line and issues its first ordre de recette in the régie
(régie's services) in the same transaction: a refusal there grants nothing."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from jamaa.modules.courrier import services as courrier_services
from jamaa.modules.regie import services as regie_services
from jamaa.platform.core.services import audit_record
from jamaa.platform.errors import DomainError
from jamaa.platform.kernel import files
from jamaa.platform.kernel.counter import counter_next

from . import exceptions, permissions
from .models import (
    AUTHORISATION_TRANSITIONS,
    INQUIRY_CLASSES,
    REQUEST_TRANSITIONS,
    Activity,
    Authorisation,
    AuthorisationEvent,
    AuthorisationStatus,
    Avis,
    Establishment,
    Inquiry,
    Inspection,
    InspectionPhoto,
    Kind,
    Notice,
    NoticeKind,
    Objection,
    Opinion,
    OwnerKind,
    Request,
    RequestStatus,
    RevenuePeriod,
    Sanction,
    SanctionKind,
    SanctionOutcome,
)

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ODP_TAX = "ODP"
INQUIRY_MIN_DAYS = 15
RENEWAL_NOTICE_DAYS = 30
MAX_PHOTO_BYTES = 8 * 1024 * 1024
ASSET_KIND = {"terrace": "terrace", "kiosk": "premises", "advertising": "other", "works": "other"}


def _code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _fields(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _refuse(**fields: str) -> exceptions.Invalid:
    return exceptions.Invalid(extra={"fields": {k: [v] for k, v in fields.items()}})


def _require(check: bool, error: type[DomainError]) -> None:
    if not check:
        raise error()


def quarter_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The calendar quarter holding `day`: ("2026-T3", its first day, its last day). ODP is billed per quarter."""
    index = (day.month - 1) // 3
    start = dt.date(day.year, 3 * index + 1, 1)
    end = dt.date(day.year + (index == 3), (3 * index + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return f"{day.year}-T{index + 1}", start, end


# --- Establishments ------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class EstablishmentInput:
    name: str
    activity_code: str
    address: str
    owner_kind: str
    owner_name: str
    owner_cin: str = ""
    owner_rc: str = ""
    owner_ice: str = ""
    owner_phone: str = ""
    owner_email: str = ""


@transaction.atomic
def establishment_create(*, actor: Any, data: EstablishmentInput) -> Establishment:
    """Record an establishment and its owner (a person by CIN, a company by ICE and RC). Raises NotAnAgent,
    Invalid. Writes audit."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    activity = Activity.objects.filter(code=data.activity_code).first()
    if activity is None:
        raise _refuse(activity_code="Unknown activity.")
    establishment = Establishment(
        name=_clean(data.name),
        activity=activity,
        address=_clean(data.address),
        owner_kind=data.owner_kind,
        owner_name=_clean(data.owner_name),
        owner_cin=_clean(data.owner_cin).upper() if data.owner_kind == OwnerKind.PERSON else "",
        owner_rc=_clean(data.owner_rc) if data.owner_kind == OwnerKind.COMPANY else "",
        owner_ice=_clean(data.owner_ice) if data.owner_kind == OwnerKind.COMPANY else "",
        owner_phone=_clean(data.owner_phone),
        owner_email=_clean(data.owner_email),
        created_by=actor,
    )
    fields: dict[str, list[str]] = {}
    if data.owner_kind == OwnerKind.PERSON and not establishment.owner_cin:
        fields["owner_cin"] = ["A person is identified by the CIN."]
    if data.owner_kind == OwnerKind.COMPANY and not (
        establishment.owner_ice.isdigit() and len(establishment.owner_ice) == 15
    ):
        fields["owner_ice"] = ["A company is identified by its ICE (15 digits)."]
    try:
        establishment.full_clean()
    except ValidationError as exc:
        fields = {**_fields(exc)["fields"], **fields}
    if fields:
        raise exceptions.Invalid(extra={"fields": fields})
    establishment.save()
    audit_record(actor=actor, action="police.establishment.created", target=establishment, data={"name": data.name})
    return establishment


# --- Requests ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RequestInput:
    kind: str
    establishment_id: int
    period_start: dt.date
    period_end: dt.date
    occupation_type: str = ""
    surface_m2: Decimal | None = None
    description: str = ""


def _request_locked(request_id: int) -> Request:
    request = Request.objects.select_for_update().select_related("establishment").filter(pk=request_id).first()
    if request is None:
        raise exceptions.RequestNotFound()
    return request


def _move(request: Request, to: str, *, actor: Any, reason: str = "") -> None:
    if to not in REQUEST_TRANSITIONS[request.status]:
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": to})
    before = request.status
    request.status = to
    update = ["status"]
    if to in (RequestStatus.GRANTED, RequestStatus.REFUSED):
        request.decided_by, request.decided_at, request.decision_reason = actor, timezone.now(), reason
        update += ["decided_by", "decided_at", "decision_reason"]
    request.save(update_fields=update)
    audit_record(
        actor=actor, action=f"police.request.{to}", target=request, reason=reason, data={"from": before, "to": to}
    )


@transaction.atomic
def request_submit(*, actor: Any, data: RequestInput) -> Request:
    """Register a request for an authorisation: registered as incoming mail in the bureau d'ordre (its chrono
    number kept), then numbered per (kind, year). An occupation states its type and surface. Raises NotAnAgent,
    EstablishmentNotFound, Invalid and the bureau d'ordre's refusals. Writes the letter, the request, audit."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    establishment = Establishment.objects.select_related("activity").filter(pk=data.establishment_id).first()
    if establishment is None:
        raise exceptions.EstablishmentNotFound()
    surface = data.surface_m2
    fields: dict[str, str] = {}
    if data.kind not in Kind.values:
        fields["kind"] = "Unknown kind."
    if data.kind == Kind.OCCUPATION:
        if not data.occupation_type:
            fields["occupation_type"] = "Required for an occupation."
        if surface is None or surface <= 0:
            fields["surface_m2"] = "The surface (m²) is required for an occupation."
    elif data.occupation_type or surface is not None:
        fields["occupation_type"] = "Only an occupation of the public domain has a type and a surface."
    if data.period_end < data.period_start:
        fields["period_end"] = "The period ends before it starts."
    if fields:
        raise _refuse(**fields)
    now = timezone.now()
    request = Request(
        kind=data.kind,
        year=timezone.localdate(now).year,
        number=1,
        establishment=establishment,
        nuisance_class=establishment.activity.nuisance_class,
        occupation_type=data.occupation_type,
        surface_m2=surface,
        period_start=data.period_start,
        period_end=data.period_end,
        description=_clean(data.description),
        mail_id=1,
        mail_reference="-",
        submitted_by=actor,
        submitted_at=now,
    )
    try:
        request.full_clean(exclude=["number", "mail_id", "mail_reference"], validate_unique=False)
    except ValidationError as exc:
        raise exceptions.Invalid(extra=_fields(exc)) from None
    company = establishment.owner_kind == OwnerKind.COMPANY
    mail = courrier_services.mail_register_for_module(
        actor=actor,
        module="police",
        data=courrier_services.MailInput(
            category="incoming",
            subject=f"Police administrative — {Kind(data.kind).label}: {establishment.name}"[:300],
            correspondent=courrier_services.CorrespondentInput(
                kind="company" if company else "person",
                name=establishment.owner_name,
                cin="" if company else establishment.owner_cin,
                ice=establishment.owner_ice if company else "",
                address=establishment.address,
                email=establishment.owner_email,
                phone=establishment.owner_phone,
            ),
            mail_type_code="demande",
            reply_expected=True,
        ),
    )
    request.mail_id, request.mail_reference, request.mail_code = mail.mail_id, mail.reference, mail.code
    # Drawn last, just before the insert, so that a refusal above never holds the series' row lock.
    request.number = counter_next(key=f"police:request:{request.kind}", year=request.year)
    request.save()
    audit_record(
        actor=actor,
        action="police.request.submitted",
        target=request,
        data={"reference": request.reference, "mail": mail.reference},
    )
    return request


@transaction.atomic
def inquiry_open(*, actor: Any, request_id: int, opened_on: dt.date, closes_on: dt.date) -> Inquiry:
    """Open the commodo-incommodo inquiry of a 2nd or 3rd class activity (at least 15 days). Raises NotAnAgent,
    RequestNotFound, TransitionRefused (no inquiry for this class, or not submitted), Invalid."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    request = _request_locked(request_id)
    if request.kind != Kind.ECONOMIC or request.nuisance_class not in INQUIRY_CLASSES:
        raise exceptions.TransitionRefused(extra={"reason": "no inquiry for this request"})
    if (closes_on - opened_on).days < INQUIRY_MIN_DAYS:
        raise _refuse(closes_on=f"An inquiry lasts at least {INQUIRY_MIN_DAYS} days.")
    _move(request, RequestStatus.INQUIRY, actor=actor)
    inquiry = Inquiry.objects.create(
        request=request, opened_on=opened_on, closes_on=closes_on, opened_by=actor, code=_code()
    )
    audit_record(actor=actor, action="police.inquiry.opened", target=inquiry, data={"closes_on": str(closes_on)})
    return inquiry


@transaction.atomic
def objection_record(*, actor: Any, request_id: int, author: str, text: str) -> Objection:
    """Record an objection while the inquiry is open. Raises NotAnAgent, RequestNotFound, TransitionRefused,
    Invalid."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    request = _request_locked(request_id)
    inquiry = Inquiry.objects.filter(request=request, closed_at__isnull=True).first()
    if inquiry is None:
        raise exceptions.TransitionRefused(extra={"reason": "no open inquiry"})
    if not _clean(author) or not _clean(text):
        raise _refuse(**{k: "Required." for k, v in (("author", author), ("text", text)) if not _clean(v)})
    objection = Objection.objects.create(
        inquiry=inquiry, author=_clean(author)[:200], text=str(text).strip()[:2000], recorded_by=actor
    )
    audit_record(actor=actor, action="police.inquiry.objection", target=request, data={"author": objection.author})
    return objection


@transaction.atomic
def inquiry_close(*, actor: Any, request_id: int, conclusion: str, on: dt.date | None = None) -> Inquiry:
    """Close the inquiry (not before its closing day) with its conclusion; the request goes to the technical
    commission. Raises NotAnAgent, RequestNotFound, TransitionRefused, Invalid."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    request = _request_locked(request_id)
    inquiry = Inquiry.objects.select_for_update().filter(request=request, closed_at__isnull=True).first()
    if inquiry is None:
        raise exceptions.TransitionRefused(extra={"reason": "no open inquiry"})
    if (on or timezone.localdate()) < inquiry.closes_on:
        raise exceptions.TransitionRefused(
            extra={"reason": "the inquiry is still running", "until": str(inquiry.closes_on)}
        )
    if not _clean(conclusion):
        raise _refuse(conclusion="Required.")
    inquiry.closed_at, inquiry.closed_by, inquiry.conclusion = timezone.now(), actor, str(conclusion).strip()[:1000]
    inquiry.save(update_fields=["closed_at", "closed_by", "conclusion"])
    _move(request, RequestStatus.COMMISSION, actor=actor)
    audit_record(actor=actor, action="police.inquiry.closed", target=inquiry, data={})
    return inquiry


@transaction.atomic
def request_to_commission(*, actor: Any, request_id: int) -> Request:
    """Send a request that needs no inquiry to the technical commission. Raises NotAnAgent, RequestNotFound,
    TransitionRefused (a 2nd/3rd class activity goes through its inquiry first)."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    request = _request_locked(request_id)
    if request.kind == Kind.ECONOMIC and request.nuisance_class in INQUIRY_CLASSES:
        raise exceptions.TransitionRefused(extra={"reason": "the commodo-incommodo inquiry comes first"})
    _move(request, RequestStatus.COMMISSION, actor=actor)
    return request


@transaction.atomic
def avis_record(
    *, actor: Any, request_id: int, member_name: str, member_service: str, opinion: str, remarks: str = ""
) -> Avis:
    """Record one commission member's avis (once per member; reservations and refusals state why). Raises
    NotAnAgent, RequestNotFound, TransitionRefused (not before the commission), Invalid."""
    _require(permissions.is_agent(actor), exceptions.NotAnAgent)
    request = _request_locked(request_id)
    if request.status != RequestStatus.COMMISSION:
        raise exceptions.TransitionRefused(extra={"from": request.status})
    fields: dict[str, str] = {}
    if not _clean(member_name):
        fields["member_name"] = "Required."
    if not _clean(member_service):
        fields["member_service"] = "Required."
    if opinion not in Opinion.values:
        fields["opinion"] = "Unknown opinion."
    elif opinion != Opinion.FAVOURABLE and not _clean(remarks):
        fields["remarks"] = "State the reservations or the reasons."
    if Avis.objects.filter(request=request, member_name=_clean(member_name)).exists():
        fields["member_name"] = "This member has already given an avis."
    if fields:
        raise _refuse(**fields)
    avis = Avis.objects.create(
        request=request,
        member_name=_clean(member_name)[:200],
        member_service=_clean(member_service)[:200],
        opinion=opinion,
        remarks=str(remarks).strip()[:1000],
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="police.avis.recorded",
        target=request,
        data={"member": avis.member_name, "opinion": opinion},
    )
    return avis


@dataclass(frozen=True, kw_only=True)
class GrantInput:
    valid_from: dt.date
    valid_until: dt.date
    conditions: str = ""
    surface_m2: Decimal | None = None  # an occupation: the surface granted (at most the surface asked)


@transaction.atomic
def request_grant(*, actor: Any, request_id: int, data: GrantInput) -> Authorisation:
    """Grant a request after the commission's avis: the authorisation (numbered per (kind, year)), and for an
    occupation or a fee-bearing activity its revenue line in the régie with the first quarter's ordre de recette,
    all in one transaction. Raises NotADecisionMaker, RequestNotFound, TransitionRefused (no avis yet), Invalid,
    RevenueRefused (the régie refused: nothing is granted)."""
    _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    request = _request_locked(request_id)
    if request.status != RequestStatus.COMMISSION:
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": RequestStatus.GRANTED})
    if not Avis.objects.filter(request=request).exists():
        raise exceptions.TransitionRefused(extra={"reason": "the technical commission has given no avis"})
    establishment = Establishment.objects.select_related("activity").get(pk=request.establishment_id)
    surface = data.surface_m2 if data.surface_m2 is not None else request.surface_m2
    fields: dict[str, str] = {}
    if data.valid_until < data.valid_from:
        fields["valid_until"] = "The validity ends before it starts."
    if request.kind == Kind.OCCUPATION and (surface is None or surface <= 0 or surface > (request.surface_m2 or 0)):
        fields["surface_m2"] = "At most the surface asked for."
    if fields:
        raise _refuse(**fields)
    tax_code = ODP_TAX if request.kind == Kind.OCCUPATION else establishment.activity.fee_tax_code
    identifier = establishment.owner_cin or establishment.owner_ice
    now = timezone.now()
    authorisation = Authorisation(
        kind=request.kind,
        year=timezone.localdate(now).year,
        number=1,
        code=_code(),
        request=request,
        establishment=establishment,
        holder_name=establishment.owner_name,
        holder_identifier=identifier,
        activity_label=establishment.activity.label_fr,
        occupation_type=request.occupation_type,
        surface_m2=surface if request.kind == Kind.OCCUPATION else None,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        conditions=str(data.conditions).strip()[:2000],
        fee_tax_code=tax_code,
        granted_by=actor,
        granted_at=now,
    )
    authorisation.number = counter_next(key=f"police:authorisation:{request.kind}", year=authorisation.year)
    if tax_code:
        try:
            line = regie_services.police_revenue_line_open(
                by=actor,
                name=establishment.owner_name,
                cin=establishment.owner_cin,
                rc=establishment.owner_rc,
                ice=establishment.owner_ice,
                address=establishment.address,
                asset_kind=ASSET_KIND.get(request.occupation_type, "establishment"),
                reference=authorisation.reference,
                label=f"{establishment.name} — {establishment.activity.label_fr}",
                surface_m2=authorisation.surface_m2,
                tax_code=tax_code,
            )
        except DomainError as exc:
            raise exceptions.RevenueRefused(extra={"regie": {"code": exc.code, "message": str(exc.message)}}) from None
        authorisation.regie_redevable_id, authorisation.regie_asset_id = line.redevable_id, line.asset_id
    authorisation.save()
    if tax_code:
        _period_issue(authorisation, on=max(data.valid_from, timezone.localdate(now)), by=actor)
    AuthorisationEvent.objects.create(
        authorisation=authorisation, from_status="", to_status=AuthorisationStatus.ACTIVE, reason="granted", by=actor
    )
    _move(request, RequestStatus.GRANTED, actor=actor)
    audit_record(
        actor=actor,
        action="police.authorisation.granted",
        target=authorisation,
        data={"reference": authorisation.reference, "tax": tax_code, "asset": authorisation.regie_asset_id},
    )
    return authorisation


def _period_issue(authorisation: Authorisation, *, on: dt.date, by: Any) -> RevenuePeriod:
    """The ordre de recette of the quarter holding `on` (the régie numbers it), kept as a revenue period."""
    label, start, end = quarter_of(on)
    assert authorisation.regie_asset_id is not None  # fee-bearing: the CHECK holds it
    try:
        ordre = regie_services.police_period_ordre_issue(
            by=by,
            asset_id=authorisation.regie_asset_id,
            period=label,
            subject=f"{authorisation.reference} — {authorisation.holder_name}",
            on=on,
        )
    except DomainError as exc:
        raise exceptions.RevenueRefused(extra={"regie": {"code": exc.code, "message": str(exc.message)}}) from None
    period = RevenuePeriod.objects.create(
        authorisation=authorisation,
        period=label,
        start=start,
        end=end,
        regie_ordre_id=ordre.ordre_id,
        ordre_reference=ordre.reference,
        amount_dh=ordre.amount_dh,
    )
    audit_record(
        actor=by,
        action="police.revenue.ordre_issued",
        target=authorisation,
        data={"period": label, "ordre": ordre.reference, "amount_dh": str(ordre.amount_dh)},
    )
    return period


@transaction.atomic
def request_refuse(*, actor: Any, request_id: int, reason: str) -> Request:
    """Refuse a request, with its reasons. Raises NotADecisionMaker, RequestNotFound, TransitionRefused, Invalid."""
    _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    if not _clean(reason):
        raise _refuse(reason="State the reasons of the refusal.")
    request = _request_locked(request_id)
    _move(request, RequestStatus.REFUSED, actor=actor, reason=str(reason).strip()[:1000])
    return request


# --- An authorisation's life --------------------------------------------------------------------------------


def _authorisation_move(
    authorisation: Authorisation, to: str, *, by: Any, reason: str, decision: str = ""
) -> Authorisation:
    if to not in AUTHORISATION_TRANSITIONS[authorisation.status]:
        raise exceptions.TransitionRefused(extra={"from": authorisation.status, "to": to})
    before = authorisation.status
    authorisation.status = to
    authorisation.save(update_fields=["status"])
    if to in (AuthorisationStatus.WITHDRAWN, AuthorisationStatus.EXPIRED) and authorisation.regie_asset_id:
        # no more periods: the régie's bien stops owing (its audit list would show it next exercice)
        regie_services.police_revenue_line_close(by=by, asset_id=authorisation.regie_asset_id, reason=reason)
    AuthorisationEvent.objects.create(
        authorisation=authorisation, from_status=before, to_status=to, reason=reason, decision=decision, by=by
    )
    audit_record(
        actor=by,
        action=f"police.authorisation.{to}",
        target=authorisation,
        reason=reason,
        data={"from": before, "decision": decision},
    )
    return authorisation


@transaction.atomic
def authorisation_decide(
    *, actor: Any, authorisation_id: int, to_status: str, reason: str, decision: str
) -> Authorisation:
    """Suspend, withdraw or reinstate (back in force) an authorisation, with the reason and the decision (arrêté)
    it rests on. Raises NotADecisionMaker, AuthorisationNotFound, TransitionRefused, Invalid."""
    _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    if to_status not in (AuthorisationStatus.SUSPENDED, AuthorisationStatus.WITHDRAWN, AuthorisationStatus.ACTIVE):
        raise _refuse(to_status="Suspend, withdraw or reinstate.")
    if not _clean(reason) or not _clean(decision):
        raise _refuse(**{k: "Required." for k, v in (("reason", reason), ("decision", decision)) if not _clean(v)})
    authorisation = Authorisation.objects.select_for_update().filter(pk=authorisation_id).first()
    if authorisation is None:
        raise exceptions.AuthorisationNotFound()
    return _authorisation_move(
        authorisation, to_status, by=actor, reason=str(reason).strip()[:1000], decision=_clean(decision)[:100]
    )


@dataclass(frozen=True)
class DailyRun:
    expired: int
    ordres: int
    notices: int


@transaction.atomic
def commune_daily(*, on: dt.date | None = None) -> DailyRun:
    """The day's work of the commune's police administrative (run by the beat, once a day per commune): each
    fee-bearing authorisation in force gets the ordre of every quarter started since its last one; holders whose
    authorisation ends within 30 days are told that the renewal is due; authorisations past their end expire
    (and the holder is told). Idempotent: a second run the same day does nothing."""
    today = on or timezone.localdate()
    ordres = 0
    for authorisation in (
        Authorisation.objects.select_for_update()
        .filter(status=AuthorisationStatus.ACTIVE)
        .exclude(fee_tax_code="")
        .filter(valid_from__lte=today)
        .order_by("pk")
    ):
        last = authorisation.periods.order_by("-start").first()
        day = (last.end + dt.timedelta(days=1)) if last else authorisation.valid_from
        while day <= min(today, authorisation.valid_until):
            _period_issue(authorisation, on=day, by=authorisation.granted_by)
            ordres += 1
            day = quarter_of(day)[2] + dt.timedelta(days=1)
    expired = 0
    for authorisation in Authorisation.objects.select_for_update().filter(
        status__in=(AuthorisationStatus.ACTIVE, AuthorisationStatus.SUSPENDED), valid_until__lt=today
    ):
        _authorisation_move(authorisation, AuthorisationStatus.EXPIRED, by=None, reason="validity ended")
        expired += 1
    notices = 0
    due = Authorisation.objects.filter(
        status=AuthorisationStatus.ACTIVE, valid_until__lte=today + dt.timedelta(days=RENEWAL_NOTICE_DAYS)
    ).exclude(notices__kind=NoticeKind.RENEWAL_DUE)
    ended = Authorisation.objects.filter(status=AuthorisationStatus.EXPIRED).exclude(notices__kind=NoticeKind.EXPIRED)
    for kind, queryset in ((NoticeKind.RENEWAL_DUE, due), (NoticeKind.EXPIRED, ended)):
        for authorisation in queryset.select_related("establishment"):
            _notice(authorisation, kind=kind)
            notices += 1
    return DailyRun(expired=expired, ordres=ordres, notices=notices)


def _notice(authorisation: Authorisation, *, kind: str) -> Notice:
    """Record the announcement (the service's list shows it) and email the holder when an address is known."""
    email = authorisation.establishment.owner_email
    notice = Notice.objects.create(authorisation=authorisation, kind=kind, sent_to=email)
    audit_record(actor=None, action=f"police.notice.{kind}", target=authorisation, data={"to": email})
    if email:
        subject = (
            f"Renouvellement de l'autorisation {authorisation.reference} / تجديد الرخصة"
            if kind == NoticeKind.RENEWAL_DUE
            else f"Autorisation {authorisation.reference} expirée / انتهت صلاحية الرخصة"
        )
        body = (
            f"{authorisation.holder_name},\n{authorisation.activity_label} — {authorisation.reference}\n"
            f"Valable jusqu'au / صالحة إلى غاية: {authorisation.valid_until.isoformat()}\n"
        )
        transaction.on_commit(lambda: send_mail(subject, body, None, [email], fail_silently=True))
    return notice


# --- Inspections --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InspectionInput:
    establishment_id: int
    findings: str
    compliant: bool
    authorisation_id: int | None = None
    measured_surface_m2: Decimal | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class PhotoInput:
    name: str
    content: bytes


def _image_type(content: bytes) -> str:
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return ""


def _decimal(value: Any, field: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _refuse(**{field: "A number is expected."}) from None


@transaction.atomic
def inspection_record(*, actor: Any, data: InspectionInput, photos: tuple[PhotoInput, ...] = ()) -> Inspection:
    """Record a control and its PV (numbered per year): findings, the surface measured, the GPS point, photos
    (JPEG/PNG, ≤ 8 MB, stored in the commune's files). A surface beyond the one granted makes it non-compliant.
    Raises NotAnInspector, EstablishmentNotFound, AuthorisationNotFound, Invalid."""
    _require(permissions.is_inspector(actor), exceptions.NotAnInspector)
    establishment = Establishment.objects.filter(pk=data.establishment_id).first()
    if establishment is None:
        raise exceptions.EstablishmentNotFound()
    authorisation = None
    if data.authorisation_id is not None:
        authorisation = Authorisation.objects.filter(pk=data.authorisation_id, establishment=establishment).first()
        if authorisation is None:
            raise exceptions.AuthorisationNotFound()
    surface = _decimal(data.measured_surface_m2, "measured_surface_m2")
    latitude, longitude = _decimal(data.latitude, "latitude"), _decimal(data.longitude, "longitude")
    compliant = bool(data.compliant)
    if authorisation is not None and authorisation.surface_m2 and surface and surface > authorisation.surface_m2:
        compliant = False
    for photo in photos:
        if not _image_type(photo.content):
            raise _refuse(photos="A photo is a JPEG or PNG image.")
        if len(photo.content) > MAX_PHOTO_BYTES:
            raise _refuse(photos="A photo is at most 8 MB.")
    now = timezone.now()
    inspection = Inspection(
        year=timezone.localdate(now).year,
        number=1,
        code=_code(),
        establishment=establishment,
        authorisation=authorisation,
        findings=str(data.findings).strip()[:4000],
        compliant=compliant,
        measured_surface_m2=surface,
        latitude=latitude,
        longitude=longitude,
        inspector=actor,
        inspected_at=now,
    )
    try:
        inspection.full_clean(exclude=["number", "code"], validate_unique=False)
    except ValidationError as exc:
        raise exceptions.Invalid(extra=_fields(exc)) from None
    if (latitude is None) != (longitude is None):
        raise _refuse(latitude="Both coordinates or none.")
    inspection.number = counter_next(key="police:inspection", year=inspection.year)
    inspection.save()
    for photo in photos:
        content_type = _image_type(photo.content)
        extension = "jpg" if content_type == "image/jpeg" else "png"
        name = files.tenant_save(
            f"police/{inspection.year}/{inspection.pk}/{secrets.token_hex(8)}.{extension}", photo.content
        )
        InspectionPhoto.objects.create(
            inspection=inspection, file_name=name, content_type=content_type, size=len(photo.content), added_by=actor
        )
    audit_record(
        actor=actor,
        action="police.inspection.recorded",
        target=inspection,
        data={"reference": inspection.reference, "compliant": compliant, "photos": len(photos)},
    )
    return inspection


@transaction.atomic
def sanction_impose(
    *,
    actor: Any,
    inspection_id: int,
    kind: str,
    reason: str,
    deadline: dt.date,
    amount_dh: Decimal | None = None,
    decision: str = "",
) -> Sanction:
    """A sanction after a PV: a warning (an inspector), a fine or a closure (the decision maker; a closure
    suspends the authorisation controlled, with the decision). Raises NotAnInspector, NotADecisionMaker,
    InspectionNotFound, Invalid, TransitionRefused."""
    if kind == SanctionKind.WARNING:
        _require(permissions.is_inspector(actor) or permissions.is_decider(actor), exceptions.NotAnInspector)
    else:
        _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    inspection = Inspection.objects.select_related("authorisation").filter(pk=inspection_id).first()
    if inspection is None:
        raise exceptions.InspectionNotFound()
    fields: dict[str, str] = {}
    if kind not in SanctionKind.values:
        fields["kind"] = "Unknown sanction."
    if not _clean(reason):
        fields["reason"] = "Required."
    if deadline < timezone.localdate(inspection.inspected_at):
        fields["deadline"] = "The deadline is before the control."
    amount = _decimal(amount_dh, "amount_dh") if kind == SanctionKind.FINE else None
    if kind == SanctionKind.FINE and (amount is None or amount <= 0):
        fields["amount_dh"] = "A fine states its amount."
    if kind == SanctionKind.CLOSURE and not _clean(decision):
        fields["decision"] = "A closure rests on a decision (arrêté)."
    if fields:
        raise _refuse(**fields)
    sanction = Sanction.objects.create(
        inspection=inspection,
        kind=kind,
        reason=str(reason).strip()[:1000],
        deadline=deadline,
        amount_dh=amount,
        decided_by=actor,
    )
    if kind == SanctionKind.CLOSURE and inspection.authorisation is not None:
        locked = Authorisation.objects.select_for_update().get(pk=inspection.authorisation.pk)
        if locked.status == AuthorisationStatus.ACTIVE:
            _authorisation_move(
                locked, AuthorisationStatus.SUSPENDED, by=actor, reason=sanction.reason, decision=_clean(decision)
            )
    audit_record(
        actor=actor,
        action="police.sanction.imposed",
        target=sanction,
        data={"kind": kind, "inspection": inspection.reference, "deadline": str(deadline)},
    )
    return sanction


@transaction.atomic
def sanction_resolve(*, actor: Any, sanction_id: int, outcome: str) -> Sanction:
    """Record once whether the holder complied by the deadline. Raises NotAnInspector, SanctionNotFound,
    TransitionRefused (already recorded), Invalid."""
    _require(permissions.is_inspector(actor) or permissions.is_decider(actor), exceptions.NotAnInspector)
    if outcome not in SanctionOutcome.values:
        raise _refuse(outcome="Complied or not complied.")
    sanction = Sanction.objects.select_for_update().filter(pk=sanction_id).first()
    if sanction is None:
        raise exceptions.SanctionNotFound()
    if sanction.resolved_at is not None:
        raise exceptions.TransitionRefused(extra={"outcome": sanction.outcome})
    sanction.resolved_at, sanction.resolved_by, sanction.outcome = timezone.now(), actor, outcome
    sanction.save(update_fields=["resolved_at", "resolved_by", "outcome"])
    audit_record(actor=actor, action="police.sanction.resolved", target=sanction, data={"outcome": outcome})
    return sanction
