"""Establishments, requests (registered in the bureau d'ordre), the commodo-incommodo inquiry, the commission's
avis, the refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jamaa.modules.courrier import services as courrier_services
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    INQUIRY_CLASSES,
    REQUEST_TRANSITIONS,
    Activity,
    Avis,
    Establishment,
    Inquiry,
    Kind,
    Objection,
    Opinion,
    OwnerKind,
    Request,
    RequestStatus,
)
from ._common import INQUIRY_MIN_DAYS, _clean, _code, _fields, _refuse, _require

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


@transaction.atomic
def request_refuse(*, actor: Any, request_id: int, reason: str) -> Request:
    """Refuse a request, with its reasons. Raises NotADecisionMaker, RequestNotFound, TransitionRefused, Invalid."""
    _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    if not _clean(reason):
        raise _refuse(reason="State the reasons of the refusal.")
    request = _request_locked(request_id)
    _move(request, RequestStatus.REFUSED, actor=actor, reason=str(reason).strip()[:1000])
    return request
