"""The dossier: what the desk types at deposit, its checks, the moves along its states with the legal clock,
the deposit and the instruction's own moves (pieces, instructor, incomplete, complete, withdrawn, light avis)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jamaa.modules.courrier import services as courrier
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions, rules
from ..models import (
    AFTER_WORKS,
    ALLOWED_TRANSITIONS,
    DELAY_DAYS,
    KIND_LABELS,
    LIGHT,
    Dossier,
    Event,
    Kind,
    Parcel,
    PetitionerKind,
    PieceReceipt,
    Size,
    Status,
    Use,
)
from ..rules import due_date, missing_pieces, project_size, requirements_in_force

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


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
        on=rules.today(),
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
    today = rules.today()
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
    today = rules.today()
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
    day = on or rules.today()
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
