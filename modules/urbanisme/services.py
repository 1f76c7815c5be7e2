"""Writes of the urbanisme module: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers come from the kernel's gapless counter, drawn in the transaction that writes the record: dossiers per
(kind, year) (key `urbanisme:dossier:<kind>`), arrêtés per year (`urbanisme:arrete`), commission sittings per
year (`urbanisme:sitting`). Each deposit is registered as incoming mail in the bureau d'ordre through courrier's
services, in the same transaction (a refused deposit registers no letter and uses no number).

The legal clock (decree 2-13-424: 10 days for a small project, 25 for a large one) counts calendar days from the
deposit; it stops while the dossier is incomplete and ends at the signed decision. `due_on` = deposit + delay +
days stopped so far (NULL while stopped): the desk and the late dashboard read it through an index."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jamaa.modules.courrier import services as courrier
from jamaa.modules.regie import selectors as regie_selectors
from jamaa.modules.regie import services as regie
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel import files
from jamaa.platform.kernel.counter import counter_next
from jamaa.platform.kernel.documents import CommuneMasthead

from . import documents, exceptions, permissions, selectors
from .models import (
    AFTER_WORKS,
    ALLOWED_TRANSITIONS,
    DELAY_DAYS,
    KIND_LABELS,
    LIGHT,
    Avis,
    Consultation,
    ConsultedService,
    Decision,
    DocumentKind,
    Dossier,
    Event,
    IssuedDocument,
    Kind,
    Parcel,
    PetitionerKind,
    PieceReceipt,
    Sitting,
    SittingItem,
    SittingStatus,
    Size,
    Status,
    Use,
)
from .rules import due_date, missing_pieces, project_size, requirements_in_force

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Kinds that pay the tax on construction operations at delivery (base: the built area).
TAXED = (Kind.CONSTRUIRE, Kind.GROUPE, Kind.REGULARISATION, Kind.REFECTION)
TAX_CODE = "CONSTRUCTION"


def _code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _today() -> dt.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------------------------- inputs


@dataclass(frozen=True, kw_only=True)
class ParcelInput:
    title_number: str
    latitude: Decimal
    longitude: Decimal
    area_m2: Decimal
    address: str = ""


@dataclass(frozen=True, kw_only=True)
class DossierInput:
    """What the desk types at deposit. `pieces`: codes of the required pieces handed in."""

    kind: str
    subject: str
    petitioner_kind: str
    petitioner_name: str
    petitioner_cin: str = ""
    petitioner_rc: str = ""
    petitioner_ice: str = ""
    petitioner_address: str = ""
    petitioner_phone: str = ""
    architect_name: str = ""
    architect_ordre: str = ""
    use: str = Use.HOUSING
    built_area_m2: Decimal = Decimal("0")
    floors: int = 0
    housing_units: int = 0
    parcels: Sequence[ParcelInput] = field(default_factory=tuple)
    pieces: Sequence[str] = field(default_factory=tuple)
    parent_id: int | None = None
    rokhas_reference: str = ""
    deposited_on: dt.date | None = None


def _clean(value: str) -> str:
    return " ".join(str(value).split())


def _decimal(value: Any, name: str, fields: dict[str, list[str]]) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        fields[name] = ["A number is expected."]
        return Decimal("0")
    if not result.is_finite():
        fields[name] = ["A number is expected."]
        return Decimal("0")
    return result


def _validate(data: DossierInput) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    if data.kind not in Kind.values:
        fields["kind"] = ["Unknown kind."]
    if not _clean(data.subject):
        fields["subject"] = ["Required."]
    if data.petitioner_kind not in PetitionerKind.values:
        fields["petitioner_kind"] = ["Person or company."]
    if not _clean(data.petitioner_name):
        fields["petitioner_name"] = ["Required."]
    if data.petitioner_kind == PetitionerKind.PERSON and not _clean(data.petitioner_cin):
        fields["petitioner_cin"] = ["A person is identified by a CIN."]
    ice = _clean(data.petitioner_ice)
    if data.petitioner_kind == PetitionerKind.COMPANY and not (len(ice) == 15 and ice.isdigit()):
        fields["petitioner_ice"] = ["A company is identified by its ICE (15 digits)."]
    if data.use not in Use.values:
        fields["use"] = ["Unknown use."]
    area = _decimal(data.built_area_m2, "built_area_m2", fields)
    if area < 0 or area > Decimal("10000000"):
        fields["built_area_m2"] = ["Between 0 and 10,000,000 m²."]
    if data.kind in (Kind.CONSTRUIRE, Kind.GROUPE, Kind.REGULARISATION) and area <= 0:
        fields["built_area_m2"] = ["A building's built area is required."]
    if not 0 <= int(data.floors) <= 200:
        fields["floors"] = ["Between 0 and 200."]
    if not 0 <= int(data.housing_units) <= 30000:
        fields["housing_units"] = ["Between 0 and 30,000."]
    if not data.parcels:
        fields["parcels"] = ["At least one parcel."]
    for index, parcel in enumerate(data.parcels):
        problems: list[str] = []
        if not _clean(parcel.title_number):
            problems.append("Title number required.")
        lat = _decimal(parcel.latitude, "parcels", fields)
        lon = _decimal(parcel.longitude, "parcels", fields)
        if not (Decimal("20") <= lat <= Decimal("36.5") and Decimal("-17.5") <= lon <= Decimal("-0.9")):
            problems.append("Coordinates outside Morocco (latitude 20 to 36.5, longitude -17.5 to -0.9).")
        if _decimal(parcel.area_m2, "parcels", fields) <= 0:
            problems.append("The area must be positive.")
        if problems:
            fields[f"parcels.{index}"] = problems
    if data.kind in AFTER_WORKS and data.parent_id is None:
        fields["parent_id"] = ["The delivered building permit this request follows."]
    if data.kind not in AFTER_WORKS and data.parent_id is not None:
        fields["parent_id"] = ["Only an occupancy permit or a conformity certificate follows a permit."]
    return fields


def _event(dossier: Dossier, *, actor: Any, before: str, note: str = "", missing: list[str] | None = None) -> None:
    Event.objects.create(
        dossier=dossier,
        from_status=before,
        to_status=dossier.status,
        on=_today(),
        by=actor,
        note=note[:500],
        missing=missing or [],
    )


def _move(
    dossier: Dossier,
    *,
    actor: Any,
    to: str,
    note: str = "",
    missing: list[str] | None = None,
    extra_fields: Sequence[str] = (),
) -> None:
    """Move the dossier (already locked) along ALLOWED_TRANSITIONS, stopping or restarting the clock, with its
    event and audit row. The trigger refuses the same moves in SQL."""
    before = dossier.status
    if to not in ALLOWED_TRANSITIONS[before]:
        raise exceptions.TransitionRefused(extra={"from": before, "to": to})
    today = _today()
    update = ["status", "updated_at", *extra_fields]
    if to == Status.INCOMPLETE:
        dossier.clock_stopped_on, dossier.due_on = today, None
        update += ["clock_stopped_on", "due_on"]
    elif before == Status.INCOMPLETE:
        assert dossier.clock_stopped_on is not None
        dossier.stopped_days += max(0, (today - dossier.clock_stopped_on).days)
        dossier.clock_stopped_on = None
        dossier.due_on = due_date(
            deposited_on=dossier.deposited_on, delay_days=dossier.delay_days, stopped_days=dossier.stopped_days
        )
        update += ["clock_stopped_on", "stopped_days", "due_on"]
    dossier.status = to
    dossier.save(update_fields=update)
    _event(dossier, actor=actor, before=before, note=note, missing=missing)
    audit_record(
        actor=actor,
        action="urbanisme.dossier.moved",
        target=dossier,
        reason=note,
        data={"reference": dossier.reference, "from": before, "to": to, "missing": missing or []},
    )


def _locked(dossier_id: int) -> Dossier:
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None:
        raise exceptions.DossierNotFound()
    return dossier


def _require_agent(actor: Any) -> None:
    if not permissions.is_agent(actor):
        raise exceptions.NotAnAgent()


# ------------------------------------------------------------------------------------------------ deposit


@transaction.atomic
def dossier_deposit(*, actor: Any, data: DossierInput) -> Dossier:
    """Deposit a dossier: registered as incoming mail in the bureau d'ordre, numbered (gapless per kind and year),
    its parcels and the pieces handed in recorded; a missing required piece makes it incomplete at once (the
    clock stopped). Raises NotAnAgent, DossierInvalid, DossierNotFound (parent), and courrier's refusals; writes
    the dossier, parcels, pieces, events, the letter, audit."""
    _require_agent(actor)
    fields = _validate(data)
    parent = None
    if data.parent_id is not None and "parent_id" not in fields:
        parent = Dossier.objects.filter(pk=data.parent_id).first()
        if parent is None or parent.kind != Kind.CONSTRUIRE or parent.status != Status.DELIVERED:
            fields["parent_id"] = ["A delivered building permit."]
    today = _today()
    on = data.deposited_on or today
    if on > today:
        fields["deposited_on"] = ["Not in the future."]
    requirements = {r.code: r for r in requirements_in_force(kind=data.kind, on=on)} if not fields else {}
    unknown = [code for code in data.pieces if code not in requirements]
    if unknown and not fields:
        fields["pieces"] = [f"Not a piece of this kind: {', '.join(unknown)}."]
    if fields:
        raise exceptions.DossierInvalid(extra={"fields": fields})
    area = Decimal(str(data.built_area_m2))
    size = project_size(
        kind=data.kind, built_area_m2=area, floors=int(data.floors), housing_units=int(data.housing_units)
    )
    delay = DELAY_DAYS[Size(size)]
    prefix, kind_fr, _ = KIND_LABELS[data.kind]
    petitioner = _clean(data.petitioner_name)
    mail = courrier.mail_register_for_module(
        actor=actor,
        module="urbanisme",
        data=courrier.MailInput(
            category="incoming",
            subject=f"{kind_fr} : {_clean(data.subject)}"[:300],
            correspondent=courrier.CorrespondentInput(
                kind="person" if data.petitioner_kind == PetitionerKind.PERSON else "company",
                name=petitioner,
                cin=_clean(data.petitioner_cin).upper(),
                ice=_clean(data.petitioner_ice),
                address=_clean(data.petitioner_address),
                phone=_clean(data.petitioner_phone),
            ),
            arrival_date=on,
            reply_expected=True,
        ),
    )
    now = timezone.now()
    dossier = Dossier(
        kind=data.kind,
        year=on.year,
        number=1,
        code=_code(),
        status=Status.DEPOSITED,
        subject=_clean(data.subject)[:300],
        petitioner_kind=data.petitioner_kind,
        petitioner_name=petitioner[:200],
        petitioner_cin=_clean(data.petitioner_cin).upper()[:12],
        petitioner_rc=_clean(data.petitioner_rc)[:30],
        petitioner_ice=_clean(data.petitioner_ice)[:15],
        petitioner_address=_clean(data.petitioner_address)[:300],
        petitioner_phone=_clean(data.petitioner_phone)[:30],
        architect_name=_clean(data.architect_name)[:200],
        architect_ordre=_clean(data.architect_ordre)[:40],
        use=data.use,
        built_area_m2=area,
        floors=int(data.floors),
        housing_units=int(data.housing_units),
        size=size,
        delay_days=delay,
        deposited_on=on,
        deposited_at=now,
        deposited_by=actor,
        due_on=due_date(deposited_on=on, delay_days=delay, stopped_days=0),
        parent=parent,
        courrier_mail_id=mail.mail_id,
        courrier_reference=mail.reference,
        rokhas_reference=_clean(data.rokhas_reference)[:40],
    )
    # Drawn last, just before the insert: a refusal above never holds the series' row lock.
    dossier.number = counter_next(key=f"urbanisme:dossier:{data.kind}", year=dossier.year)
    dossier.save()
    Parcel.objects.bulk_create(
        Parcel(
            dossier=dossier,
            title_number=_clean(p.title_number)[:40],
            address=_clean(p.address)[:300],
            latitude=Decimal(str(p.latitude)).quantize(Decimal("0.000001")),
            longitude=Decimal(str(p.longitude)).quantize(Decimal("0.000001")),
            area_m2=Decimal(str(p.area_m2)),
        )
        for p in data.parcels
    )
    PieceReceipt.objects.bulk_create(
        PieceReceipt(dossier=dossier, requirement=requirements[code], received_on=on, by=actor)
        for code in dict.fromkeys(data.pieces)
    )
    _event(dossier, actor=actor, before="", note=f"{prefix} {mail.reference}")
    audit_record(
        actor=actor,
        action="urbanisme.dossier.deposited",
        target=dossier,
        data={"reference": dossier.reference, "courrier": mail.reference, "size": size},
    )
    missing = missing_pieces(dossier=dossier)
    if missing:
        _move(dossier, actor=actor, to=Status.INCOMPLETE, note="", missing=[m.code for m in missing])
    return dossier


@transaction.atomic
def pieces_receive(*, actor: Any, dossier_id: int, codes: Sequence[str], on: dt.date | None = None) -> Dossier:
    """Record pieces handed in later; an incomplete dossier missing nothing more resumes its instruction (the
    clock restarts). Raises NotAnAgent, DossierNotFound, DossierInvalid (unknown or already received piece),
    TransitionRefused (a final dossier). Writes the receipts, the event, audit."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    if dossier.status not in (Status.DEPOSITED, Status.INCOMPLETE, Status.INSTRUCTION):
        raise exceptions.TransitionRefused(extra={"from": dossier.status})
    wanted = {r.code: r for r in missing_pieces(dossier=dossier)}
    bad = [c for c in codes if c not in wanted]
    if not codes or bad:
        raise exceptions.DossierInvalid(extra={"fields": {"codes": [f"Not missing: {', '.join(bad) or '—'}."]}})
    day = on or _today()
    PieceReceipt.objects.bulk_create(
        PieceReceipt(dossier=dossier, requirement=wanted[c], received_on=day, by=actor) for c in dict.fromkeys(codes)
    )
    audit_record(actor=actor, action="urbanisme.pieces.received", target=dossier, data={"codes": list(codes)})
    if dossier.status == Status.INCOMPLETE and not missing_pieces(dossier=dossier):
        _move(dossier, actor=actor, to=Status.INSTRUCTION, note="complete")
    return dossier


@transaction.atomic
def dossier_instruct(*, actor: Any, dossier_id: int, instructor_id: int | None = None) -> Dossier:
    """Take a deposited dossier into instruction (its instructor: the actor unless named), or give an open
    dossier to another instructor. Raises NotAnAgent, DossierNotFound, DossierInvalid, TransitionRefused."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    instructor = actor
    if instructor_id is not None:
        instructor = get_user_model().objects.filter(pk=instructor_id).first()
        if instructor is None or not permissions.is_agent(instructor):
            raise exceptions.DossierInvalid(extra={"fields": {"instructor_id": ["Not an urbanisme agent."]}})
    dossier.instructor = instructor
    if dossier.status == Status.DEPOSITED:
        _move(dossier, actor=actor, to=Status.INSTRUCTION, extra_fields=["instructor"])
    elif dossier.status in (Status.INCOMPLETE, Status.INSTRUCTION, Status.CONSULTATION, Status.COMMISSION):
        dossier.save(update_fields=["instructor", "updated_at"])
        audit_record(
            actor=actor, action="urbanisme.dossier.assigned", target=dossier, data={"instructor_id": instructor.pk}
        )
    else:
        raise exceptions.TransitionRefused(extra={"from": dossier.status})
    return dossier


@transaction.atomic
def dossier_incomplete(*, actor: Any, dossier_id: int, note: str) -> Dossier:
    """The instructor finds the dossier incomplete (the note says what is missing): the clock stops. Raises
    NotAnAgent, DossierNotFound, DossierInvalid (no note), TransitionRefused."""
    _require_agent(actor)
    if not _clean(note):
        raise exceptions.DossierInvalid(extra={"fields": {"note": ["Say what is missing."]}})
    dossier = _locked(dossier_id)
    _move(
        dossier,
        actor=actor,
        to=Status.INCOMPLETE,
        note=_clean(note),
        missing=[m.code for m in missing_pieces(dossier=dossier)],
    )
    return dossier


@transaction.atomic
def dossier_complete(*, actor: Any, dossier_id: int, note: str = "") -> Dossier:
    """An incomplete dossier is complete again (nothing required missing): its instruction resumes, the clock
    restarts. Raises NotAnAgent, DossierNotFound, PiecesMissing, TransitionRefused."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    missing = missing_pieces(dossier=dossier)
    if missing:
        raise exceptions.PiecesMissing(extra={"missing": [m.code for m in missing]})
    _move(dossier, actor=actor, to=Status.INSTRUCTION, note=_clean(note) or "complete")
    return dossier


@transaction.atomic
def dossier_withdraw(*, actor: Any, dossier_id: int, reason: str) -> Dossier:
    """The petitioner withdraws the request (a reason is required). Raises NotAnAgent, DossierNotFound,
    DossierInvalid, TransitionRefused."""
    _require_agent(actor)
    if not _clean(reason):
        raise exceptions.DossierInvalid(extra={"fields": {"reason": ["Required."]}})
    dossier = _locked(dossier_id)
    _move(dossier, actor=actor, to=Status.WITHDRAWN, note=_clean(reason))
    return dossier


@transaction.atomic
def dossier_decide_light(*, actor: Any, dossier_id: int, favourable: bool, note: str = "") -> Dossier:
    """The instructor's avis decides a light dossier (renovation, demolition, occupancy, conformity) without a
    commission. Raises NotAnAgent, DossierNotFound, NeedsCommission, TransitionRefused."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    if dossier.kind not in LIGHT:
        raise exceptions.NeedsCommission()
    _move(dossier, actor=actor, to=Status.FAVOURABLE if favourable else Status.UNFAVOURABLE, note=_clean(note))
    return dossier


# ------------------------------------------------------------------------------------------ consultations


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
    sent = sent_on or _today()
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
    day = returned_on or _today()
    if day < consultation.sent_on or day > _today():
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


# ------------------------------------------------------------------------------------------------ commission


@transaction.atomic
def sitting_create(*, actor: Any, day: dt.date, place: str = "") -> Sitting:
    """Convene a commission sitting, numbered per year without gaps. Raises NotAnAgent, DossierInvalid."""
    _require_agent(actor)
    if day < _today() - dt.timedelta(days=31):
        raise exceptions.DossierInvalid(extra={"fields": {"day": ["Not more than a month back."]}})
    sitting = Sitting(year=day.year, number=1, day=day, place=_clean(place)[:200], created_by=actor)
    sitting.number = counter_next(key="urbanisme:sitting", year=day.year)
    sitting.save()
    audit_record(actor=actor, action="urbanisme.sitting.created", target=sitting, data={"reference": sitting.reference})
    return sitting


@transaction.atomic
def sitting_add(*, actor: Any, sitting_id: int, dossier_id: int) -> SittingItem:
    """Put a dossier under instruction or consultation on a planned sitting's agenda (it moves to commission).
    Raises NotAnAgent, SittingNotFound, SittingHeld, DossierNotFound, TransitionRefused."""
    _require_agent(actor)
    sitting = Sitting.objects.select_for_update().filter(pk=sitting_id).first()
    if sitting is None:
        raise exceptions.SittingNotFound()
    if sitting.status != SittingStatus.PLANNED:
        raise exceptions.SittingHeld()
    dossier = _locked(dossier_id)
    if dossier.status not in (Status.INSTRUCTION, Status.CONSULTATION):
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": Status.COMMISSION})
    position = SittingItem.objects.filter(sitting=sitting).count() + 1
    item = SittingItem.objects.create(sitting=sitting, dossier=dossier, position=position)
    _move(dossier, actor=actor, to=Status.COMMISSION, note=sitting.reference)
    return item


@transaction.atomic
def sitting_avis(*, actor: Any, item_id: int, avis: str, note: str = "") -> SittingItem:
    """The commission's avis on a dossier of the agenda, once: favourable or unfavourable moves the dossier on,
    adjourned sends it back to instruction. Raises NotAnAgent, ItemNotFound, SittingHeld, AlreadyRecorded,
    DossierInvalid."""
    _require_agent(actor)
    item = SittingItem.objects.select_for_update().select_related("sitting").filter(pk=item_id).first()
    if item is None:
        raise exceptions.ItemNotFound()
    if item.sitting.status != SittingStatus.PLANNED:
        raise exceptions.SittingHeld()
    if item.avis:
        raise exceptions.AlreadyRecorded()
    targets = {
        Avis.FAVOURABLE: Status.FAVOURABLE,
        Avis.UNFAVOURABLE: Status.UNFAVOURABLE,
        Avis.ADJOURNED: Status.INSTRUCTION,
    }
    if avis not in targets:
        raise exceptions.DossierInvalid(extra={"fields": {"avis": ["Favourable, unfavourable or adjourned."]}})
    item.avis, item.avis_note, item.recorded_by = avis, _clean(note)[:1000], actor
    item.save(update_fields=["avis", "avis_note", "recorded_by"])
    dossier = _locked(item.dossier_id)
    _move(dossier, actor=actor, to=targets[Avis(avis)], note=f"{item.sitting.reference} {_clean(note)}".strip())
    return item


@transaction.atomic
def sitting_hold(*, actor: Any, sitting_id: int, members_present: str, minutes_note: str = "") -> Sitting:
    """Close a sitting: members present recorded, every dossier of the agenda has its avis; its minutes are then
    final (SQL refuses any change). Raises NotAnAgent, SittingNotFound, SittingHeld, DossierInvalid."""
    _require_agent(actor)
    sitting = Sitting.objects.select_for_update().filter(pk=sitting_id).first()
    if sitting is None:
        raise exceptions.SittingNotFound()
    if sitting.status != SittingStatus.PLANNED:
        raise exceptions.SittingHeld()
    members = "\n".join(line.strip() for line in members_present.splitlines() if line.strip())
    fields: dict[str, list[str]] = {}
    if not members:
        fields["members_present"] = ["Name the members present."]
    items = list(SittingItem.objects.filter(sitting=sitting))
    if not items:
        fields["items"] = ["The agenda is empty."]
    if any(not i.avis for i in items):
        fields["items"] = ["Every dossier of the agenda needs the commission's avis."]
    if fields:
        raise exceptions.DossierInvalid(extra={"fields": fields})
    sitting.members_present, sitting.minutes_note = members, minutes_note.strip()
    sitting.status, sitting.held_at, sitting.held_by = SittingStatus.HELD, timezone.now(), actor
    sitting.save(update_fields=["members_present", "minutes_note", "status", "held_at", "held_by"])
    audit_record(actor=actor, action="urbanisme.sitting.held", target=sitting, data={"items": len(items)})
    return sitting


# --------------------------------------------------------------------------------------- decision, tax, delivery


@transaction.atomic
def decision_sign(*, actor: Any, dossier_id: int, signatory: str, conditions: str = "") -> Decision:
    """Sign the arrêté on a favourable (granted) or unfavourable (refused) dossier: numbered per year without
    gaps; the legal clock ends. Raises NotASignatory, DossierNotFound, DossierInvalid, TransitionRefused."""
    if not permissions.is_signatory(actor):
        raise exceptions.NotASignatory()
    if not _clean(signatory):
        raise exceptions.DossierInvalid(extra={"fields": {"signatory": ["Required."]}})
    dossier = _locked(dossier_id)
    if dossier.status not in (Status.FAVOURABLE, Status.UNFAVOURABLE):
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": Status.SIGNED})
    granted = dossier.status == Status.FAVOURABLE
    today = _today()
    decision = Decision(
        dossier=dossier,
        year=today.year,
        number=1,
        granted=granted,
        signed_on=today,
        signed_by=actor,
        signatory=_clean(signatory)[:200],
        conditions=conditions.strip(),
    )
    decision.number = counter_next(key="urbanisme:arrete", year=today.year)
    decision.save()
    dossier.decided_on = today
    if granted and dossier.kind not in TAXED:
        dossier.tax_dh = Decimal("0")
    _move(
        dossier,
        actor=actor,
        to=Status.SIGNED if granted else Status.REFUSED,
        note=decision.reference,
        extra_fields=["decided_on", "tax_dh"],
    )
    audit_record(
        actor=actor,
        action="urbanisme.decision.signed",
        target=dossier,
        data={"arrete": decision.reference, "granted": granted},
    )
    return decision


@transaction.atomic
def tax_liquidate(*, actor: Any, dossier_id: int) -> Dossier:
    """Liquidate the tax on construction operations of a signed permit in the régie (built area × the tariff in
    force today), through the régie's services: the petitioner pays it at the régie's counter. Raises
    NotAnAgent, DossierNotFound, TransitionRefused (not signed, already liquidated), TaxUnavailable (no régie or
    tariff), and the régie's refusals. Writes the régie's liquidation, the dossier's tax, audit."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    if dossier.status != Status.SIGNED or dossier.tax_liquidation_id is not None or dossier.tax_dh == 0:
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": "tax"})
    liquidated = regie.construction_tax_liquidate(
        actor=actor,
        tax_code=TAX_CODE,
        payer_name=dossier.petitioner_name,
        cin=dossier.petitioner_cin,
        ice=dossier.petitioner_ice,
        rc=dossier.petitioner_rc,
        base=dossier.built_area_m2,
        period=dossier.reference,
        on=_today(),
    )
    if liquidated is None:
        raise exceptions.TaxUnavailable()
    dossier.tax_dh, dossier.tax_liquidation_id = liquidated.total_dh, liquidated.liquidation_id
    dossier.save(update_fields=["tax_dh", "tax_liquidation_id", "updated_at"])
    audit_record(
        actor=actor,
        action="urbanisme.tax.liquidated",
        target=dossier,
        data={"liquidation": liquidated.liquidation_id, "total_dh": str(liquidated.total_dh)},
    )
    return dossier


@transaction.atomic
def dossier_deliver(*, actor: Any, dossier_id: int) -> Dossier:
    """Deliver a signed permit: only once the régie holds the tax's quittance (read through its selectors) or no
    tax is due. An occupancy permit / conformity certificate delivered makes its building permit certified.
    Raises NotAnAgent, DossierNotFound, TaxNotPaid, TransitionRefused. Writes the dossier(s), events, audit."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    if dossier.status != Status.SIGNED:
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": Status.DELIVERED})
    if dossier.tax_dh is None:
        raise exceptions.TaxNotPaid(extra={"liquidated": False})
    if dossier.tax_dh > 0:
        assert dossier.tax_liquidation_id is not None
        paid = regie_selectors.liquidation_quittance(liquidation_id=dossier.tax_liquidation_id)
        if paid is None:
            raise exceptions.TaxNotPaid(extra={"liquidated": True})
        dossier.tax_quittance = paid
    dossier.delivered_on = _today()
    _move(
        dossier,
        actor=actor,
        to=Status.DELIVERED,
        note=dossier.tax_quittance,
        extra_fields=["delivered_on", "tax_quittance"],
    )
    if dossier.parent_id is not None:
        parent = _locked(dossier.parent_id)
        if parent.status == Status.DELIVERED:
            _move(parent, actor=actor, to=Status.CERTIFIED, note=dossier.reference)
    return dossier


# ------------------------------------------------------------------------------------------------- documents


def _store(kind: str, code: str, pdf: bytes) -> str:
    today = _today()
    return files.tenant_save(f"urbanisme/{today.year}/{kind}-{code}.pdf", pdf)


@transaction.atomic
def document_issue(
    *,
    actor: Any,
    kind: str,
    masthead: CommuneMasthead,
    url_for: Callable[[str], str],
    dossier_id: int | None = None,
    sitting_id: int | None = None,
    consultation_id: int | None = None,
    correction: str = "",
) -> IssuedDocument:
    """The finalised document of a dossier, consultation or sitting: rendered and stored once, then served as
    stored; asked again, the same one. With a correction, a new version replacing the latest (which verifies as
    superseded). Raises NotAnAgent, DossierNotFound, SittingNotFound, ConsultationNotFound, DocumentNotReady."""
    _require_agent(actor)
    target: dict[str, Any] = {}
    if kind in (DocumentKind.RECEIPT, DocumentKind.ARRETE, DocumentKind.PERMIT):
        dossier = Dossier.objects.filter(pk=dossier_id).first() if dossier_id else None
        if dossier is None:
            raise exceptions.DossierNotFound()
        target["dossier"] = dossier
    elif kind == DocumentKind.CONSULTATION:
        consultation = Consultation.objects.filter(pk=consultation_id).first() if consultation_id else None
        if consultation is None:
            raise exceptions.ConsultationNotFound()
        target["consultation"] = consultation
        target["dossier"] = consultation.dossier
    elif kind == DocumentKind.MINUTES:
        sitting = Sitting.objects.filter(pk=sitting_id).first() if sitting_id else None
        if sitting is None:
            raise exceptions.SittingNotFound()
        target["sitting"] = sitting
    else:
        raise exceptions.DocumentNotReady()
    latest = IssuedDocument.objects.select_for_update().filter(kind=kind, **target).order_by("-version").first()
    if latest is not None and not _clean(correction):
        return latest
    code = _code()
    content = selectors.document_content(kind=kind, **{f"{k}_id": v.pk for k, v in target.items()})
    if content is None:
        raise exceptions.DocumentNotReady()
    version = (latest.version + 1) if latest else 1
    pdf = documents.render_document(
        content=content,
        masthead=masthead,
        code=code,
        verify_url=url_for(code),
        version=version,
        correction=_clean(correction) if latest else "",
    )
    document = IssuedDocument.objects.create(
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        replaces=latest,
        correction=_clean(correction)[:500] if latest else "",
        code=code,
        number=content.number,
        holder=content.holder[:200],
        file=_store(kind, code, pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_on=_today(),
        issued_by=actor,
        **target,
    )
    audit_record(
        actor=actor,
        action="urbanisme.document.issued",
        target=document,
        data={"kind": kind, "number": content.number, "version": document.version},
    )
    return document


# ------------------------------------------------------------------------------------------ Rokhas import

IMPORT_FORMAT = "jamaa-urbanisme/1"
IMPORT_MAX = 500


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the references given to the new dossiers, and each record left out with its reason."""

    imported: list[str]
    skipped: list[tuple[str, str]]


def dossiers_import(*, actor: Any, records: Sequence[dict[str, Any]]) -> ImportReport:
    """Take in dossiers deposited on Rokhas (the exchange format of docs/modules/urbanisme.md): each one not seen
    before (by `rokhas_reference`) is deposited here through dossier_deposit (numbered in this commune's series,
    registered in the bureau d'ordre), each in its own transaction; a refused record is reported, the others
    kept. Running the same file again imports nothing new. Raises NotAnAgent, DossierInvalid (too many records).
    Writes what dossier_deposit writes."""
    _require_agent(actor)
    if len(records) > IMPORT_MAX:
        raise exceptions.DossierInvalid(extra={"fields": {"dossiers": [f"At most {IMPORT_MAX} a call."]}})
    imported: list[str] = []
    skipped: list[tuple[str, str]] = []
    for index, r in enumerate(records):
        ref = _clean(str(r.get("rokhas_reference") or ""))[:40]
        if not ref:
            skipped.append((f"#{index}", "rokhas_reference required"))
            continue
        if Dossier.objects.filter(rokhas_reference=ref).exists():
            skipped.append((ref, "already imported"))
            continue
        try:
            parcels = tuple(
                ParcelInput(
                    title_number=str(p.get("title_number", "")),
                    address=str(p.get("address", "")),
                    latitude=Decimal(str(p.get("latitude", "x"))),
                    longitude=Decimal(str(p.get("longitude", "x"))),
                    area_m2=Decimal(str(p.get("area_m2", "x"))),
                )
                for p in r.get("parcels") or ()
            )
            deposited = r.get("deposited_on")
            data = DossierInput(
                kind=str(r.get("kind", "")),
                subject=str(r.get("subject", "")),
                petitioner_kind=str(r.get("petitioner_kind", "")),
                petitioner_name=str(r.get("petitioner_name", "")),
                petitioner_cin=str(r.get("petitioner_cin", "")),
                petitioner_rc=str(r.get("petitioner_rc", "")),
                petitioner_ice=str(r.get("petitioner_ice", "")),
                architect_name=str(r.get("architect_name", "")),
                use=str(r.get("use", Use.HOUSING)),
                built_area_m2=Decimal(str(r.get("built_area_m2", "0"))),
                floors=int(r.get("floors", 0)),
                housing_units=int(r.get("housing_units", 0)),
                parcels=parcels,
                pieces=tuple(str(c) for c in r.get("pieces") or ()),
                rokhas_reference=ref,
                deposited_on=dt.date.fromisoformat(str(deposited)) if deposited else None,
            )
        except (InvalidOperation, TypeError, ValueError, AttributeError):
            skipped.append((ref, "malformed record"))
            continue
        try:
            dossier = dossier_deposit(actor=actor, data=data)
        except exceptions.DossierInvalid as exc:
            skipped.append((ref, "invalid: " + ", ".join(sorted(exc.extra.get("fields", {})))))
            continue
        imported.append(dossier.reference)
    audit_record(actor=actor, action="urbanisme.import", data={"imported": len(imported), "skipped": len(skipped)})
    return ImportReport(imported=imported, skipped=skipped)
