"""Cancellation of a quittance: a counter-entry, requested then decided by a supervisor."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    CancellationRequest,
    CancellationStatus,
    Quittance,
    QuittanceCancellation,
    VersementItem,
)
from .quittances import _day_lock


@transaction.atomic
def quittance_cancel(*, quittance_id: int, requested_by: Any, approved_by: Any, reason: str) -> QuittanceCancellation:
    """Cancel by counter-entry: the number stays in the register. Raises QuittanceNotFound, NotACollector,
    NotASupervisor (or approving one's own request), AlreadyCancelled, InvalidQuittance (no reason), DayLocked
    (the quittance's day was already closed and paid in)."""
    if not permissions.can_collect(requested_by):
        raise exceptions.NotACollector()
    return _quittance_counter_entry(
        quittance_id=quittance_id, requested_by=requested_by, approved_by=approved_by, reason=reason
    )


def _quittance_counter_entry(
    *, quittance_id: int, requested_by: Any, approved_by: Any, reason: str
) -> QuittanceCancellation:
    if not permissions.can_approve_cancellation(approved_by) or approved_by.pk == requested_by.pk:
        raise exceptions.NotASupervisor()
    if not reason.strip():
        raise exceptions.InvalidQuittance(
            "A cancellation states its reason.", extra={"fields": {"reason": ["Required."]}}
        )
    try:
        quittance = Quittance.objects.select_for_update().select_related("series").get(pk=quittance_id)
    except Quittance.DoesNotExist:
        raise exceptions.QuittanceNotFound() from None
    if QuittanceCancellation.objects.filter(quittance=quittance).exists():
        raise exceptions.AlreadyCancelled()
    _refuse_if_paid_in(quittance)
    cancellation = QuittanceCancellation.objects.create(
        quittance=quittance,
        reason=reason.strip(),
        requested_by=requested_by,
        approved_by=approved_by,
        amount_dh=-quittance.amount_dh,
    )
    audit_record(
        actor=approved_by,
        action="regie.quittance.cancelled",
        target=quittance,
        reason=reason.strip(),
        data={"requested_by": requested_by.pk},
    )
    return cancellation


def _refuse_if_paid_in(quittance: Quittance) -> None:
    """A quittance already counted in a versement (its day closed) keeps its amount: the cash was paid in."""
    _day_lock(regie_id=quittance.series.regie_id, day=quittance.day, exclusive=False)
    if VersementItem.objects.filter(quittance=quittance).exists():
        raise exceptions.DayLocked(extra={"day": quittance.day.isoformat()})


# --- Cancellation of a quittance: request, then a supervisor's decision --------------------------------------


@transaction.atomic
def cancellation_request(*, quittance_id: int, requested_by: Any, reason: str) -> CancellationRequest:
    """An agent asks to cancel a quittance he issued, the régisseur (or suppléant) any quittance, with a reason.
    Raises NotACollector, InvalidQuittance (no reason), QuittanceNotFound, NotYourQuittance (another agent's),
    AlreadyCancelled, CancellationAlreadyRequested, DayLocked (already paid in)."""
    if not permissions.can_collect(requested_by):
        raise exceptions.NotACollector()
    if not reason.strip():
        raise exceptions.InvalidQuittance(
            "A cancellation states its reason.", extra={"fields": {"reason": ["Required."]}}
        )
    quittance = Quittance.objects.select_for_update().select_related("series").filter(pk=quittance_id).first()
    if quittance is None:
        raise exceptions.QuittanceNotFound()
    if quittance.agent_id != requested_by.pk and not permissions.is_regisseur(requested_by):
        raise exceptions.NotYourQuittance()
    if QuittanceCancellation.objects.filter(quittance=quittance).exists():
        raise exceptions.AlreadyCancelled()
    if CancellationRequest.objects.filter(quittance=quittance, status=CancellationStatus.PENDING).exists():
        raise exceptions.CancellationAlreadyRequested()
    _refuse_if_paid_in(quittance)
    request = CancellationRequest.objects.create(quittance=quittance, reason=reason.strip(), requested_by=requested_by)
    audit_record(
        actor=requested_by,
        action="regie.cancellation.requested",
        target=quittance,
        reason=reason.strip(),
        data={"request": request.pk},
    )
    return request


@transaction.atomic
def cancellation_decide(*, request_id: int, decided_by: Any, approve: bool, note: str = "") -> CancellationRequest:
    """A supervisor (never the requester) approves — the counter-entry is written — or rejects — the quittance
    stays valid. Raises CancellationRequestNotFound, NotASupervisor, CancellationAlreadyDecided, and
    quittance_cancel's errors on approval."""
    request = CancellationRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise exceptions.CancellationRequestNotFound()
    if not permissions.can_approve_cancellation(decided_by) or decided_by.pk == request.requested_by_id:
        raise exceptions.NotASupervisor()
    if request.status != CancellationStatus.PENDING:
        raise exceptions.CancellationAlreadyDecided(extra={"status": request.status})
    if approve:
        _quittance_counter_entry(
            quittance_id=request.quittance_id,
            requested_by=request.requested_by,
            approved_by=decided_by,
            reason=request.reason,
        )
    request.status = CancellationStatus.APPROVED if approve else CancellationStatus.REJECTED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=decided_by,
        action=f"regie.cancellation.{request.status}",
        target=request,
        reason=note.strip(),
        data={"quittance": request.quittance_id},
    )
    return request
