"""The day's close and the versement."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    CounterKind,
    Incident,
    IncidentKind,
    Quittance,
    QuittanceCancellation,
    Regie,
    Versement,
    VersementItem,
    VersementLevel,
)
from .quittances import CENT, _counter_next, _day_lock

# --- The day's close and the versement --------------------------------------------------------------------


@transaction.atomic
def day_close(
    *, actor: Any, regie_id: int, day: dt.date, counted_dh: Decimal, agent: Any = None, note: str = ""
) -> Versement:
    """Close a day: with `agent`, that agent's takings paid to the régisseur (the agent himself or the
    régisseur); without, the régie's takings paid to the trésorier (the régisseur). Expected = the net of the
    day's quittances not yet in a versement of that level (a cancelled one counts 0 and is listed); a difference
    with the counted cash is recorded as an incident. The day is then locked. Raises NotARegisseur,
    RegieNotFound, InvalidClose, DayAlreadyClosed, DayLocked (the régie's day is closed before the agent's)."""
    agent_id = agent.pk if agent is not None else None
    if not permissions.can_close_day(actor, agent_id):
        raise exceptions.NotARegisseur()
    if agent is not None and not permissions.can_collect(agent):
        raise exceptions.NotACollector()
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    try:
        counted = Decimal(counted_dh).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        counted = Decimal("-1")
    if counted < 0:
        raise exceptions.InvalidClose(extra={"fields": {"counted_dh": ["A non-negative amount."]}})
    # Exclusive: waits for quittances being issued on that day, and makes later ones see the versement.
    _day_lock(regie_id=regie_id, day=day, exclusive=True)
    level = VersementLevel.AGENT if agent is not None else VersementLevel.REGIE
    if Versement.objects.filter(regie_id=regie_id, day=day, level=level, agent_id=agent_id).exists():
        raise exceptions.DayAlreadyClosed(extra={"day": day.isoformat()})
    if agent is not None and Versement.objects.filter(regie_id=regie_id, day=day, level=VersementLevel.REGIE).exists():
        raise exceptions.DayLocked(extra={"day": day.isoformat()})
    quittances = Quittance.objects.filter(series__regie_id=regie_id, day=day).exclude(versement_items__level=level)
    if agent is not None:
        quittances = quittances.filter(agent_id=agent_id)
    cancelled = set(
        QuittanceCancellation.objects.filter(quittance__in=quittances).values_list("quittance_id", flat=True)
    )
    items = [
        (q.pk, Decimal("0") if q.pk in cancelled else q.amount_dh)
        for q in quittances.order_by("series_id", "number").only("pk", "amount_dh")
    ]
    expected = sum((amount for _, amount in items), Decimal("0"))
    versement = Versement.objects.create(
        regie_id=regie_id,
        exercice=day.year,
        number=_counter_next(regie_id=regie_id, exercice=day.year, kind=CounterKind.VERSEMENT),
        level=level,
        agent=agent,
        day=day,
        expected_dh=expected,
        counted_dh=counted,
        difference_dh=counted - expected,
        quittance_count=len(items),
        closed_by=actor,
    )
    VersementItem.objects.bulk_create(
        VersementItem(versement=versement, quittance_id=pk, level=level, amount_dh=amount) for pk, amount in items
    )
    if counted != expected:
        Incident.objects.create(
            regie_id=regie_id,
            day=day,
            agent=agent,
            kind=IncidentKind.CASH_DIFFERENCE,
            amount_dh=counted - expected,
            versement=versement,
            note=note.strip(),
            data={"expected_dh": str(expected), "counted_dh": str(counted), "level": level},
            created_by=actor,
        )
    audit_record(
        actor=actor,
        action="regie.day.closed",
        target=versement,
        reason=note.strip(),
        data={"level": level, "agent": agent_id, "expected_dh": str(expected), "counted_dh": str(counted)},
    )
    return versement


@transaction.atomic
def versement_set_treasury_reference(*, actor: Any, versement_id: int, reference: str) -> Versement:
    """Record the trésorier's receipt reference on the régie's versement, once. Raises NotARegisseur,
    VersementNotFound, InvalidClose, TreasuryReferenceAlreadySet."""
    if not permissions.is_regisseur(actor):
        raise exceptions.NotARegisseur()
    if not reference.strip():
        raise exceptions.InvalidClose(extra={"fields": {"reference": ["Required."]}})
    versement = Versement.objects.select_for_update().filter(pk=versement_id).first()
    if versement is None:
        raise exceptions.VersementNotFound()
    if versement.level != VersementLevel.REGIE:
        raise exceptions.InvalidClose("Only the régie's versement goes to the trésorier.")
    if versement.treasury_reference:
        raise exceptions.TreasuryReferenceAlreadySet()
    versement.treasury_reference = reference.strip()
    versement.save(update_fields=["treasury_reference"])
    audit_record(
        actor=actor, action="regie.versement.treasury_reference", target=versement, data={"reference": reference}
    )
    return versement
