"""The commission: sittings numbered per year, their agenda, the avis on each dossier, the minutes held."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, rules
from ..models import Avis, Sitting, SittingItem, SittingStatus, Status
from .dossiers import _clean, _locked, _move, _require_agent


@transaction.atomic
def sitting_create(*, actor: Any, day: dt.date, place: str = "") -> Sitting:
    """Convene a commission sitting, numbered per year without gaps. Raises NotAnAgent, DossierInvalid."""
    _require_agent(actor)
    if day < rules.today() - dt.timedelta(days=31):
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
