"""Every write of the civil registry. Agents draft; a delegated officer signs, annotates and issues.

Numbers are assigned at signing, under a row lock on the register: two officers signing at the same instant
get consecutive numbers, never a gap or a duplicate. Signed acts are amended only by marginal notes.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import row_next

from . import exceptions, permissions, search
from .models import (
    Act,
    ActKind,
    ActStatus,
    Bureau,
    DeclarationType,
    DocumentKind,
    IssuedDocument,
    JournalEntry,
    MarginalNote,
    NoteKind,
    OfficerDelegation,
    OutboxItem,
    Register,
    RegisterKind,
)


@dataclass(frozen=True)
class ActInput:
    """The fields an agent keys in. Arabic names are required; Latin ones are a transliteration."""

    given_name_ar: str
    family_name_ar: str
    given_name_fr: str = ""
    family_name_fr: str = ""
    drawn_up_on: dt.date | None = None
    event_date: dt.date | None = None
    event_time: dt.time | None = None
    place_ar: str = ""
    place_fr: str = ""
    sex: str = ""
    father_name_ar: str = ""
    father_name_fr: str = ""
    father_birth: str = ""
    father_profession: str = ""
    father_nationality: str = ""
    mother_name_ar: str = ""
    mother_name_fr: str = ""
    mother_birth: str = ""
    mother_profession: str = ""
    mother_nationality: str = ""
    parents_address: str = ""
    grandfathers: str = ""
    declarant_name: str = ""
    declarant_age: int | None = None
    declarant_profession: str = ""
    declarant_address: str = ""
    declarant_relationship: str = ""
    declaration_type: str = DeclarationType.ON_TIME
    judgment_court: str = ""
    judgment_number: str = ""
    judgment_date: dt.date | None = None
    birth_act_id: int | None = None


@dataclass(frozen=True)
class NamingFlag:
    field: str
    rule: str  # "title" | "too_many_given_names" | "digits"
    message: str


TITLES_LAT = {"moulay", "moulaye", "mulay", "sidi", "si", "lalla", "lala", "cherif", "chérif", "hajj", "haj"}
TITLES_AR = {"مولاي", "سيدي", "لالة", "للا", "الشريف", "الحاج"}


def naming_flags(*, data: ActInput) -> list[NamingFlag]:
    """The naming rules of law 36-21 this act's names break: titles inside names, more than two given
    names, digits. Reads only."""
    flags: list[NamingFlag] = []
    for field in ("given_name_ar", "family_name_ar", "given_name_fr", "family_name_fr"):
        value = str(getattr(data, field)).strip()
        if not value:
            continue
        words = [w for w in re.split(r"[\s\-]+", value) if w]
        lowered = {w.lower().strip(".") for w in words}
        if lowered & TITLES_LAT or set(words) & TITLES_AR:
            flags.append(NamingFlag(field, "title", f"{field}: a title (Moulay, Sidi, Lalla…) inside a name"))
        if field.startswith("given") and len(words) > 2:
            flags.append(NamingFlag(field, "too_many_given_names", f"{field}: more than two given names"))
        if re.search(r"\d", value):
            flags.append(NamingFlag(field, "digits", f"{field}: digits in a name"))
    return flags


def _validate(data: ActInput, kind: str) -> None:
    problems: dict[str, list[str]] = {}
    if not data.given_name_ar.strip():
        problems["given_name_ar"] = ["The given name in Arabic is required."]
    if not data.family_name_ar.strip():
        problems["family_name_ar"] = ["The family name in Arabic is required."]
    if data.sex not in ("", "M", "F"):
        problems["sex"] = ["Sex must be M or F."]
    if data.declaration_type not in DeclarationType.values:
        problems["declaration_type"] = ["Unknown declaration type."]
    if data.declaration_type == DeclarationType.JUDGMENT and not data.judgment_number.strip():
        problems["judgment_number"] = ["A declaration by judgment cites the judgment's number."]
    if data.birth_act_id is not None and kind != ActKind.DEATH:
        problems["birth_act_id"] = ["Only a death act links to a birth act."]
    if data.event_date and data.drawn_up_on and data.event_date > data.drawn_up_on:
        problems["event_date"] = ["The event cannot come after the act is drawn up."]
    if problems:
        raise exceptions.InvalidAct(
            "; ".join(f"{f}: {' '.join(m)}" for f, m in problems.items()), extra={"fields": problems}
        )


def bureau_create(*, actor: Any, code: str, name_ar: str, name_fr: str) -> Bureau:
    """Create a bureau d'état civil. Raises NotAChief."""
    if not permissions.is_chief(actor):
        raise exceptions.NotAChief()
    bureau = Bureau.objects.create(code=code.strip(), name_ar=name_ar.strip(), name_fr=name_fr.strip())
    audit_record(actor=actor, action="etatcivil.bureau.created", target=bureau)
    return bureau


def delegation_grant(
    *,
    actor: Any,
    user_id: int,
    bureau_id: int,
    arrete_number: str,
    arrete_date: dt.date,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
) -> OfficerDelegation:
    """Record the arrêté delegating a user as officer for a bureau, and put them in the officers' group."""
    from django.contrib.auth.models import Group

    if not permissions.is_chief(actor):
        raise exceptions.NotAChief()
    delegation = OfficerDelegation(
        user_id=user_id,
        bureau_id=bureau_id,
        arrete_number=arrete_number,
        arrete_date=arrete_date,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    delegation.full_clean()
    delegation.save()
    group, _ = Group.objects.get_or_create(name=permissions.OFFICER)
    group.user_set.add(user_id)
    audit_record(
        actor=actor,
        action="etatcivil.delegation.granted",
        target=delegation,
        data={"user_id": user_id, "bureau_id": bureau_id, "arrete": arrete_number},
    )
    return delegation


def register_get_or_create(*, bureau_id: int, kind: str, year: int) -> Register:
    """The register of (bureau, kind, year), created on first use; safe when two agents race for it."""
    try:
        with transaction.atomic():
            register, _ = Register.objects.get_or_create(bureau_id=bureau_id, kind=kind, year=year)
    except IntegrityError:
        register = Register.objects.get(bureau_id=bureau_id, kind=kind, year=year)
    return register


def _apply(act: Act, data: ActInput) -> None:
    for f in fields(ActInput):
        if f.name == "birth_act_id":
            act.birth_act_id = data.birth_act_id
        else:
            value = getattr(data, f.name)
            setattr(act, f.name, value.strip() if isinstance(value, str) else value)
    keys = search.name_keys(act.given_name_ar, act.family_name_ar, act.given_name_fr, act.family_name_fr)
    act.given_key_ar, act.family_key_ar = keys.given_key_ar, keys.family_key_ar
    act.given_key_lat, act.family_key_lat = keys.given_key_lat, keys.family_key_lat


@transaction.atomic
def act_draft_create(*, actor: Any, bureau_id: int, kind: str, year: int, data: ActInput) -> Act:
    """Draft a birth or death act in the register of (bureau, kind, year). Raises NotAnAgent, InvalidAct (an
    unknown kind or bureau, a missing name), RegisterClosed."""
    if not permissions.can_draft(actor):
        raise exceptions.NotAnAgent()
    if kind not in ActKind.values:
        raise exceptions.InvalidAct(f"Unknown act kind {kind!r}.", extra={"fields": {"kind": ["Unknown kind."]}})
    if not Bureau.objects.filter(pk=bureau_id).exists():
        # Checked first: the register's foreign key would only fail at commit, as a server error.
        raise exceptions.InvalidAct(_("No such bureau."), extra={"fields": {"bureau_id": [str(_("No such bureau."))]}})
    _validate(data, kind)
    register = register_get_or_create(bureau_id=bureau_id, kind=RegisterKind(kind), year=year)
    if register.closed_at is not None:
        raise exceptions.RegisterClosed()
    act = Act(register=register, kind=kind, drafted_by=actor)
    _apply(act, data)
    act.full_clean(exclude=["number"])
    act.save()
    audit_record(actor=actor, action="etatcivil.act.drafted", target=act)
    return act


@transaction.atomic
def act_draft_update(*, actor: Any, act_id: int, data: ActInput) -> Act:
    """Change a draft. Raises NotAnAgent, ActNotFound, ActNotEditable (signed), InvalidAct."""
    if not permissions.can_draft(actor):
        raise exceptions.NotAnAgent()
    act = _act_for_update(act_id)
    if act.status != ActStatus.DRAFT:
        raise exceptions.ActNotEditable()
    _validate(data, act.kind)
    _apply(act, data)
    act.full_clean(exclude=["number"])
    act.save()
    audit_record(actor=actor, action="etatcivil.act.draft_updated", target=act)
    return act


def _act_for_update(act_id: int) -> Act:
    try:
        return Act.objects.select_for_update().get(pk=act_id)
    except Act.DoesNotExist:
        raise exceptions.ActNotFound() from None


@transaction.atomic
def act_sign(*, officer: Any, act_id: int, acknowledge_flags: bool = False) -> Act:
    """Sign a draft: the next number of its register, gapless under concurrency.

    Raises ActNotFound, NotAnOfficer (no delegation for the bureau today), ActNotEditable (already signed),
    RegisterClosed, NamingRulesFlagged (unless acknowledged). A death act adds a death note to the linked
    birth act. Queues the act for the national register.
    """
    act = _act_for_update(act_id)
    today = timezone.localdate()
    register = Register.objects.select_for_update().get(pk=act.register_id)
    if not permissions.can_sign(officer, register.bureau_id, today):
        raise exceptions.NotAnOfficer()
    if act.status != ActStatus.DRAFT:
        raise exceptions.ActNotEditable("This act is already signed.")
    if register.closed_at is not None:
        raise exceptions.RegisterClosed()
    flags = naming_flags(data=_input_of(act))
    if flags and not acknowledge_flags:
        raise exceptions.NamingRulesFlagged(
            extra={
                "flags": [asdict(f) for f in flags],
                "fields": {
                    "acknowledge_flags": [
                        gettext("The names break the naming rules of law 36-21: check them, then tick “sign anyway”.")
                    ]
                },
            }
        )
    act.number = register.last_number = row_next(model=Register, pk=register.pk)
    act.status = ActStatus.SIGNED
    act.signed_by = officer
    act.signed_at = timezone.now()
    if act.drawn_up_on is None:
        act.drawn_up_on = today
    act.save(update_fields=["number", "status", "signed_by", "signed_at", "drawn_up_on"])
    search.name_keys_record(search.NameKeys(act.given_key_ar, act.family_key_ar, act.given_key_lat, act.family_key_lat))
    audit_record(
        actor=officer,
        action="etatcivil.act.signed",
        target=act,
        data={"number": act.number, "register": str(register), "flags": [f.rule for f in flags]},
    )
    _outbox(act, None, "act.signed")
    if act.kind == ActKind.DEATH and act.birth_act_id is not None:
        birth = Act.objects.get(pk=act.birth_act_id)
        if birth.status == ActStatus.SIGNED:
            note = MarginalNote.objects.create(
                act=birth,
                kind=NoteKind.DEATH,
                text_ar=f"توفي(ت) بتاريخ {act.event_date or ''} - رسم الوفاة عدد {act.number} لسنة {register.year}",
                text_fr=f"Décédé(e) le {act.event_date or ''} — acte de décès n° {act.number}/{register.year}",
                authority="Officier de l'état civil",
                document_number=f"{act.number}/{register.year}",
                document_date=today,
                officer=officer,
                noted_on=today,
            )
            _outbox(birth, note, "note.added")
    return act


def _input_of(act: Act) -> ActInput:
    values = {f.name: getattr(act, f.name) for f in fields(ActInput) if f.name != "birth_act_id"}
    return ActInput(birth_act_id=act.birth_act_id, **values)


def _outbox(act: Act, note: MarginalNote | None, event: str) -> OutboxItem:
    from .selectors import export_payload

    return OutboxItem.objects.create(act=act, note=note, payload=export_payload(act=act, note=note, event=event))


@transaction.atomic
def note_add(
    *,
    officer: Any,
    act_id: int,
    kind: str,
    text_ar: str,
    text_fr: str,
    authority: str,
    document_number: str,
    document_date: dt.date,
    noted_on: dt.date | None = None,
) -> MarginalNote:
    """Amend a signed act with a marginal note citing its authority. Raises ActNotFound, ActNotSigned,
    NotAnOfficer, InvalidAct. Queues the note for the national register."""
    act = _act_for_update(act_id)
    today = timezone.localdate()
    if act.status != ActStatus.SIGNED:
        raise exceptions.ActNotSigned()
    if not permissions.can_sign(officer, act.register.bureau_id, today):
        raise exceptions.NotAnOfficer()
    problems: dict[str, list[str]] = {}
    if kind not in NoteKind.values:
        problems["kind"] = ["Unknown kind of note."]
    if not text_ar.strip():
        problems["text_ar"] = ["The Arabic text is required (it is authoritative)."]
    if not authority.strip() or not document_number.strip():
        problems["authority"] = ["A note cites its authority and the authorising document's number."]
    if problems:
        raise exceptions.InvalidAct(
            "; ".join(f"{f}: {' '.join(m)}" for f, m in problems.items()), extra={"fields": problems}
        )
    note = MarginalNote.objects.create(
        act=act,
        kind=kind,
        text_ar=text_ar.strip(),
        text_fr=text_fr.strip(),
        authority=authority.strip(),
        document_number=document_number.strip(),
        document_date=document_date,
        officer=officer,
        noted_on=noted_on or today,
    )
    audit_record(actor=officer, action="etatcivil.note.added", target=note, data={"act": act.pk, "kind": kind})
    _outbox(act, note, "note.added")
    return note


@transaction.atomic
def note_court_notified(*, officer: Any, note_id: int, notified_on: dt.date) -> MarginalNote:
    """Record the day the court was notified of a note (once)."""
    note = MarginalNote.objects.select_for_update().select_related("act__register").get(pk=note_id)
    if not permissions.can_sign(officer, note.act.register.bureau_id, timezone.localdate()):
        raise exceptions.NotAnOfficer()
    if note.court_notified_on is not None:
        raise exceptions.ActNotEditable("The court's notification is already recorded.")
    note.court_notified_on = notified_on
    note.save(update_fields=["court_notified_on"])
    audit_record(actor=officer, action="etatcivil.note.court_notified", target=note)
    return note


_DOCUMENT_KINDS = {
    DocumentKind.FULL_COPY: {ActKind.BIRTH, ActKind.DEATH},
    DocumentKind.BIRTH_EXTRACT: {ActKind.BIRTH},
    DocumentKind.DEATH_EXTRACT: {ActKind.DEATH},
    DocumentKind.PERSONAL_RECORD: {ActKind.BIRTH},
}


@transaction.atomic
def document_issue(
    *,
    officer: Any,
    act_id: int,
    kind: str,
    requester_name: str,
    requester_capacity: str,
    fee_dh: Decimal = Decimal("0"),
    reason: str = "",
) -> IssuedDocument:
    """Issue a document for a signed act, with a verification code; journalled. Raises ActNotFound,
    ActNotSigned, NotAnOfficer, DocumentNotAllowed, InvalidAct."""
    act = _act_for_update(act_id)
    if act.status != ActStatus.SIGNED:
        raise exceptions.ActNotSigned()
    if not permissions.can_sign(officer, act.register.bureau_id, timezone.localdate()):
        raise exceptions.NotAnOfficer()
    if act.kind not in _DOCUMENT_KINDS.get(kind, set()):  # type: ignore[call-overload]
        raise exceptions.DocumentNotAllowed(f"A {kind} cannot be issued for a {act.kind} act.")
    if not requester_name.strip() or not requester_capacity.strip():
        raise exceptions.InvalidAct(
            "The requester's name and capacity are required.", extra={"fields": {"requester_name": ["Required."]}}
        )
    document = IssuedDocument.objects.create(
        act=act,
        kind=kind,
        requester_name=requester_name.strip(),
        requester_capacity=requester_capacity.strip(),
        fee_dh=fee_dh,
        officer=officer,
        verification_code=_verification_code(),
    )
    JournalEntry.objects.create(
        act=act,
        user=officer,
        action=f"document.{kind}",
        reason=reason.strip() or f"{requester_capacity}: {requester_name}",
    )
    audit_record(actor=officer, action="etatcivil.document.issued", target=document, data={"act": act.pk, "kind": kind})
    return document


def _verification_code() -> str:
    """12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), grouped for reading aloud."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def act_full_read(*, user: Any, act_id: int, reason: str) -> Act:
    """An act's full content for a staff member, journalled with who, when and why. Raises NotAnAgent,
    ActNotFound, InvalidAct (no reason)."""
    if not permissions.is_staff_member(user):
        raise exceptions.NotAnAgent()
    if not reason.strip():
        raise exceptions.InvalidAct(
            gettext("Say why you read this act."), extra={"fields": {"reason": [gettext("Required.")]}}
        )
    try:
        act = Act.objects.select_related("register__bureau").get(pk=act_id)
    except Act.DoesNotExist:
        raise exceptions.ActNotFound() from None
    JournalEntry.objects.create(act=act, user=user, action="read.full", reason=reason.strip())
    return act


@transaction.atomic
def document_pdf_read(*, user: Any, document_id: int, base_url: str) -> tuple[IssuedDocument, bytes]:
    """The PDF of an issued document — the act's whole content — for the civil registry's staff, journalled like a
    full read (who, when, which document). Raises NotAnAgent, IssuedDocument.DoesNotExist (→ 404)."""
    from . import selectors

    if not permissions.is_staff_member(user):
        raise exceptions.NotAnAgent()
    document = IssuedDocument.objects.select_related("act").get(pk=document_id)
    pdf = selectors.document_render(document_id=document.pk, base_url=base_url)
    JournalEntry.objects.create(
        act=document.act,
        user=user,
        action="read.document_pdf",
        reason=f"{document.kind} {document.verification_code}",
    )
    return document, pdf


@transaction.atomic
def register_export_read(*, user: Any) -> list[OutboxItem]:
    """What waits for the national register (each item holds an act's names, dates and places), for the civil
    registry's staff: every act it shows is journalled, and the read audited. Raises NotAnAgent."""
    from . import selectors

    if not permissions.is_staff_member(user):
        raise exceptions.NotAnAgent()
    items = selectors.outbox_pending()
    JournalEntry.objects.bulk_create(
        JournalEntry(act_id=act_id, user=user, action="read.export", reason="Export to the national register")
        for act_id in sorted({item.act_id for item in items})
    )
    audit_record(actor=user, action="etatcivil.export.read", data={"items": [item.pk for item in items]})
    return items


@transaction.atomic
def register_close(*, chief: Any, register_id: int) -> Register:
    """Close a register at year end; no act can be drafted or signed in it afterwards."""
    if not permissions.is_chief(chief):
        raise exceptions.NotAChief()
    register = Register.objects.select_for_update().get(pk=register_id)
    if register.closed_at is not None:
        raise exceptions.RegisterClosed()
    if Act.objects.filter(register=register, status=ActStatus.DRAFT).exists():
        raise exceptions.InvalidAct("Drafts remain in this register: sign or discard them first.")
    register.closed_at = timezone.now()
    register.closed_by = chief
    register.save(update_fields=["closed_at", "closed_by"])
    audit_record(actor=chief, action="etatcivil.register.closed", target=register)
    return register


@transaction.atomic
def outbox_mark(
    *, item_ids: list[int], status: str, idcs_by_item: dict[int, str] | None = None, error: str = ""
) -> int:
    """Record what the national register did with exported items (sent, acknowledged with IDCS, failed)."""
    now = timezone.now()
    count = 0
    for item in OutboxItem.objects.select_for_update().filter(pk__in=item_ids):
        item.status = status
        item.attempts += 1
        item.sent_at = item.sent_at or now
        item.last_error = error
        if idcs_by_item and item.pk in idcs_by_item:
            item.idcs = idcs_by_item[item.pk]
        item.save(update_fields=["status", "attempts", "sent_at", "last_error", "idcs"])
        count += 1
    return count
