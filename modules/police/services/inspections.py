"""Inspections (the PV, its photos) and sanctions."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from jamaa.modules.regie import services as regie_services
from jamaa.platform.core.services import audit_record
from jamaa.platform.errors import DomainError
from jamaa.platform.kernel import files
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    Authorisation,
    AuthorisationStatus,
    Establishment,
    Inspection,
    InspectionPhoto,
    Sanction,
    SanctionKind,
    SanctionOutcome,
)
from ._common import MAX_PHOTO_BYTES, _clean, _code, _fields, _refuse, _require
from .authorisations import _authorisation_move

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
    suspends the authorisation controlled, with the decision). A fine issues its ordre de recette in the régie
    in the same transaction (its debtor the holder, due by the deadline): a refusal there imposes nothing.
    Raises NotAnInspector, NotADecisionMaker, InspectionNotFound, Invalid, TransitionRefused, RevenueRefused."""
    if kind == SanctionKind.WARNING:
        _require(permissions.is_inspector(actor) or permissions.is_decider(actor), exceptions.NotAnInspector)
    else:
        _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    inspection = Inspection.objects.select_related("authorisation", "establishment").filter(pk=inspection_id).first()
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
    ordre = _fine_ordre(inspection, amount=amount, deadline=deadline, by=actor) if amount is not None else None
    sanction = Sanction.objects.create(
        inspection=inspection,
        kind=kind,
        reason=str(reason).strip()[:1000],
        deadline=deadline,
        amount_dh=amount,
        decided_by=actor,
        regie_ordre_id=ordre.ordre_id if ordre else None,
        ordre_reference=ordre.reference if ordre else "",
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
        data={
            "kind": kind,
            "inspection": inspection.reference,
            "deadline": str(deadline),
            "ordre": sanction.ordre_reference,
        },
    )
    return sanction


def _fine_ordre(inspection: Inspection, *, amount: Decimal, deadline: dt.date, by: Any) -> Any:
    """The fine's ordre de recette in the régie: the holder (of the authorisation controlled, else the owner)
    owes the amount by the deadline."""
    establishment = inspection.establishment
    holder = inspection.authorisation.holder_name if inspection.authorisation else establishment.owner_name
    try:
        return regie_services.police_fine_ordre_issue(
            by=by,
            data=regie_services.PoliceFineInput(
                name=holder,
                cin=establishment.owner_cin,
                rc=establishment.owner_rc,
                ice=establishment.owner_ice,
                address=establishment.address,
                amount_dh=amount,
                due_on=deadline,
                subject=f"Amende / غرامة — {inspection.reference} — {establishment.name}",
                on=timezone.localdate(),
            ),
        )
    except DomainError as exc:
        raise exceptions.RevenueRefused(extra={"regie": {"code": exc.code, "message": str(exc.message)}}) from None


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
