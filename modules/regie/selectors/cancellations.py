"""Cancellation requests: pending, one, a quittance's."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import (
    CancellationRequest,
    CancellationStatus,
)
from .visibility import _require_regisseur, _require_staff


def cancellations_pending(*, viewer: Any, regie_id: int | None = None) -> QuerySet[CancellationRequest]:
    """Requests awaiting a supervisor, oldest first: for the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    qs = CancellationRequest.objects.filter(status=CancellationStatus.PENDING)
    if regie_id is not None:
        qs = qs.filter(quittance__series__regie_id=regie_id)
    return qs.select_related("quittance", "quittance__series", "requested_by").order_by("requested_at", "pk")


def cancellation_request_get(*, request_id: int, viewer: Any) -> CancellationRequest:
    """A cancellation request, for the régie's staff (the quittance's page lists them). Raises NotACollector,
    CancellationRequest.DoesNotExist (→ 404)."""
    _require_staff(viewer)
    return CancellationRequest.objects.select_related("quittance", "requested_by", "decided_by").get(pk=request_id)


def cancellation_requests_of(*, quittance_id: int, viewer: Any) -> QuerySet[CancellationRequest]:
    """Every cancellation request of a quittance (pending, approved, rejected), oldest first, for the régie's
    staff (who read the quittance). Raises NotACollector."""
    _require_staff(viewer)
    return (
        CancellationRequest.objects.filter(quittance_id=quittance_id)
        .select_related("requested_by", "decided_by")
        .order_by("requested_at", "pk")
    )
