"""Reads of the police administrative. Visibility is decided here (`viewer=`): the module's staff read every
record; nobody else reads anything (the same 404 as a missing record). `register_in_force` is public: the
register of authorisations in force, for the portal (frozen rows, no identifiers)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jamaa.modules.regie import selectors as regie_selectors

from . import exceptions, permissions
from .models import (
    Activity,
    Authorisation,
    AuthorisationStatus,
    Establishment,
    Inquiry,
    Inspection,
    Kind,
    Notice,
    Request,
    RequestStatus,
    RevenuePeriod,
    Sanction,
)


def _staff(viewer: Any) -> bool:
    return permissions.is_staff(viewer)


def activities() -> QuerySet[Activity]:
    """The nomenclature of activities, by French label."""
    return Activity.objects.all()


def establishment_list(*, viewer: Any, q: str = "") -> QuerySet[Establishment]:
    """Establishments (name, owner, CIN, ICE contain q), by name; none without a role."""
    if not _staff(viewer):
        return Establishment.objects.none()
    qs = Establishment.objects.select_related("activity")
    if q.strip():
        text = q.strip()
        qs = qs.filter(
            Q(name__icontains=text) | Q(owner_name__icontains=text) | Q(owner_cin__iexact=text) | Q(owner_ice=text)
        )
    return qs


def establishment_get(*, viewer: Any, establishment_id: int) -> Establishment:
    """One establishment. Raises EstablishmentNotFound (missing or not visible: the same 404)."""
    found = Establishment.objects.select_related("activity").filter(pk=establishment_id).first()
    if found is None or not _staff(viewer):
        raise exceptions.EstablishmentNotFound()
    return found


def request_list(*, viewer: Any, status: str | None = None, kind: str | None = None) -> QuerySet[Request]:
    """Requests, newest first, optionally by status and kind; none without a role."""
    if not _staff(viewer):
        return Request.objects.none()
    qs = Request.objects.select_related("establishment", "establishment__activity")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def request_get(*, viewer: Any, request_id: int) -> Request:
    """One request with its inquiry, objections and avis prefetched. Raises RequestNotFound."""
    found = (
        Request.objects.select_related("establishment", "establishment__activity", "decided_by")
        .prefetch_related("avis")
        .filter(pk=request_id)
        .first()
    )
    if found is None or not _staff(viewer):
        raise exceptions.RequestNotFound()
    return found


def request_inquiry(*, viewer: Any, request_id: int) -> Inquiry | None:
    """The request's commodo-incommodo inquiry with its objections, None when none was opened."""
    if not _staff(viewer):
        return None
    return Inquiry.objects.prefetch_related("objections").filter(request_id=request_id).first()


def request_authorisation(*, viewer: Any, request_id: int) -> Authorisation | None:
    """The authorisation a granted request gave, else None."""
    if not _staff(viewer):
        return None
    return Authorisation.objects.filter(request_id=request_id).first()


def authorisation_list(*, viewer: Any, status: str | None = None) -> QuerySet[Authorisation]:
    """Authorisations, newest first; none without a role."""
    if not _staff(viewer):
        return Authorisation.objects.none()
    qs = Authorisation.objects.select_related("establishment")
    return qs.filter(status=status) if status else qs


def authorisation_get(*, viewer: Any, authorisation_id: int) -> Authorisation:
    """One authorisation. Raises AuthorisationNotFound."""
    found = Authorisation.objects.select_related("establishment", "request").filter(pk=authorisation_id).first()
    if found is None or not _staff(viewer):
        raise exceptions.AuthorisationNotFound()
    return found


@dataclass(frozen=True)
class PeriodRow:
    period: str
    start: dt.date
    end: dt.date
    ordre_reference: str
    regie_ordre_id: int
    amount_dh: Decimal
    ordre_status: str
    recovered_dh: Decimal

    @property
    def paid(self) -> bool:
        return self.ordre_status == "recovered"


def revenue_periods(*, viewer: Any, authorisation_id: int) -> list[PeriodRow]:
    """The billing periods of an authorisation with where its ordres stand in the régie (issued, taken in
    charge, recovered…). Raises AuthorisationNotFound."""
    authorisation = authorisation_get(viewer=viewer, authorisation_id=authorisation_id)
    periods = list(RevenuePeriod.objects.filter(authorisation=authorisation))
    states = regie_selectors.police_ordre_states(ordre_ids=[p.regie_ordre_id for p in periods])
    rows = []
    for p in periods:
        state = states.get(p.regie_ordre_id)
        rows.append(
            PeriodRow(
                p.period,
                p.start,
                p.end,
                p.ordre_reference,
                p.regie_ordre_id,
                p.amount_dh,
                state.status if state else "",
                state.recovered_dh if state else Decimal("0"),
            )
        )
    return rows


def inspection_list(*, viewer: Any, establishment_id: int | None = None) -> QuerySet[Inspection]:
    """Controls, newest first; none without a role."""
    if not _staff(viewer):
        return Inspection.objects.none()
    qs = Inspection.objects.select_related("establishment", "authorisation", "inspector")
    return qs.filter(establishment_id=establishment_id) if establishment_id else qs


def inspection_get(*, viewer: Any, inspection_id: int) -> Inspection:
    """One control with its photos and sanctions. Raises InspectionNotFound."""
    found = (
        Inspection.objects.select_related("establishment", "authorisation", "inspector")
        .prefetch_related("photos", "sanctions")
        .filter(pk=inspection_id)
        .first()
    )
    if found is None or not _staff(viewer):
        raise exceptions.InspectionNotFound()
    return found


def photo_get(*, viewer: Any, inspection_id: int, photo_id: int) -> tuple[str, str]:
    """(kept file name, content type) of a control's photo. Raises InspectionNotFound."""
    inspection = inspection_get(viewer=viewer, inspection_id=inspection_id)
    photo = inspection.photos.filter(pk=photo_id).first()
    if photo is None:
        raise exceptions.InspectionNotFound()
    return photo.file_name, photo.content_type


def sanctions_open(*, viewer: Any) -> QuerySet[Sanction]:
    """Sanctions whose outcome is not recorded yet, by deadline; none without a role."""
    if not _staff(viewer):
        return Sanction.objects.none()
    return Sanction.objects.filter(resolved_at__isnull=True).select_related("inspection__establishment")


def notices_recent(*, viewer: Any, limit: int = 50) -> QuerySet[Notice]:
    """The latest announcements (renewals due, expiries) for the service."""
    if not _staff(viewer):
        return Notice.objects.none()
    return Notice.objects.select_related("authorisation")[:limit]


@dataclass(frozen=True)
class Dashboard:
    submitted: int
    inquiry: int
    commission: int
    in_force: int
    suspended: int
    sanctions_open: int


def dashboard(*, viewer: Any) -> Dashboard:
    """Counts for the module's home page. Raises NotAnAgent without a role."""
    if not _staff(viewer):
        raise exceptions.NotAnAgent()
    by_status = {row["status"]: row["n"] for row in _counts(Request.objects.all())}
    auth = {row["status"]: row["n"] for row in _counts(Authorisation.objects.all())}
    return Dashboard(
        by_status.get(RequestStatus.SUBMITTED, 0),
        by_status.get(RequestStatus.INQUIRY, 0),
        by_status.get(RequestStatus.COMMISSION, 0),
        auth.get(AuthorisationStatus.ACTIVE, 0),
        auth.get(AuthorisationStatus.SUSPENDED, 0),
        Sanction.objects.filter(resolved_at__isnull=True).count(),
    )


def _counts(qs: QuerySet[Any]) -> Any:
    return qs.values("status").annotate(n=Count("id")).order_by()


@dataclass(frozen=True)
class RegisterRow:
    """A line of the public register of authorisations in force (what the portal may show)."""

    reference: str
    kind: str
    holder: str
    establishment: str
    activity: str
    address: str
    surface_m2: Decimal | None
    valid_from: dt.date
    valid_until: dt.date


def register_in_force(*, on: dt.date | None = None, kind: str | None = None) -> list[RegisterRow]:
    """The public register: authorisations in force on `on` (today), by kind and number. No identifiers (CIN,
    ICE) and nothing suspended, withdrawn or expired. For the portal; no viewer."""
    day = on or timezone.localdate()
    qs = Authorisation.objects.filter(
        status=AuthorisationStatus.ACTIVE, valid_from__lte=day, valid_until__gte=day
    ).select_related("establishment")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    return [
        RegisterRow(
            a.reference,
            a.kind,
            a.holder_name,
            a.establishment.name,
            a.activity_label,
            a.establishment.address,
            a.surface_m2,
            a.valid_from,
            a.valid_until,
        )
        for a in qs.order_by("kind", "year", "number")
    ]
