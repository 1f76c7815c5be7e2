"""The grant: the authorisation, its revenue line in the régie and its first period's ordre de recette, in one
transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jamaa.modules.regie import services as regie_services
from jamaa.platform.core.services import audit_record
from jamaa.platform.errors import DomainError
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions
from ..models import (
    Authorisation,
    AuthorisationEvent,
    AuthorisationStatus,
    Avis,
    Establishment,
    Kind,
    RequestStatus,
    RevenuePeriod,
)
from ._common import ASSET_KIND, ODP_TAX, _code, _refuse, _require, quarter_of
from .requests import _move, _request_locked


@dataclass(frozen=True, kw_only=True)
class GrantInput:
    valid_from: dt.date
    valid_until: dt.date
    conditions: str = ""
    surface_m2: Decimal | None = None  # an occupation: the surface granted (at most the surface asked)


@transaction.atomic
def request_grant(*, actor: Any, request_id: int, data: GrantInput) -> Authorisation:
    """Grant a request after the commission's avis: the authorisation (numbered per (kind, year)), and for an
    occupation or a fee-bearing activity its revenue line in the régie with the first quarter's ordre de recette
    (a declared tax, e.g. débits de boissons on turnover: the revenue line only, the régie liquidating each
    declaration), all in one transaction. Raises NotADecisionMaker, RequestNotFound, TransitionRefused (no avis
    yet), Invalid, RevenueRefused (the régie refused: nothing is granted)."""
    _require(permissions.is_decider(actor), exceptions.NotADecisionMaker)
    request = _request_locked(request_id)
    if request.status != RequestStatus.COMMISSION:
        raise exceptions.TransitionRefused(extra={"from": request.status, "to": RequestStatus.GRANTED})
    if not Avis.objects.filter(request=request).exists():
        raise exceptions.TransitionRefused(extra={"reason": "the technical commission has given no avis"})
    establishment = Establishment.objects.select_related("activity").get(pk=request.establishment_id)
    surface = data.surface_m2 if data.surface_m2 is not None else request.surface_m2
    fields: dict[str, str] = {}
    if data.valid_until < data.valid_from:
        fields["valid_until"] = "The validity ends before it starts."
    if request.kind == Kind.OCCUPATION and (surface is None or surface <= 0 or surface > (request.surface_m2 or 0)):
        fields["surface_m2"] = "At most the surface asked for."
    if fields:
        raise _refuse(**fields)
    tax_code = ODP_TAX if request.kind == Kind.OCCUPATION else establishment.activity.fee_tax_code
    identifier = establishment.owner_cin or establishment.owner_ice
    now = timezone.now()
    authorisation = Authorisation(
        kind=request.kind,
        year=timezone.localdate(now).year,
        number=1,
        code=_code(),
        request=request,
        establishment=establishment,
        holder_name=establishment.owner_name,
        holder_identifier=identifier,
        activity_label=establishment.activity.label_fr,
        occupation_type=request.occupation_type,
        surface_m2=surface if request.kind == Kind.OCCUPATION else None,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        conditions=str(data.conditions).strip()[:2000],
        fee_tax_code=tax_code,
        granted_by=actor,
        granted_at=now,
    )
    authorisation.number = counter_next(key=f"police:authorisation:{request.kind}", year=authorisation.year)
    if tax_code:
        try:
            line = regie_services.police_revenue_line_open(
                by=actor,
                name=establishment.owner_name,
                cin=establishment.owner_cin,
                rc=establishment.owner_rc,
                ice=establishment.owner_ice,
                address=establishment.address,
                asset_kind=ASSET_KIND.get(request.occupation_type, "establishment"),
                reference=authorisation.reference,
                label=f"{establishment.name} — {establishment.activity.label_fr}",
                surface_m2=authorisation.surface_m2,
                tax_code=tax_code,
            )
        except DomainError as exc:
            raise exceptions.RevenueRefused(extra={"regie": {"code": exc.code, "message": str(exc.message)}}) from None
        authorisation.regie_redevable_id, authorisation.regie_asset_id = line.redevable_id, line.asset_id
        authorisation.fee_on_declarations = line.on_declarations
    authorisation.save()
    if tax_code and not authorisation.fee_on_declarations:  # a declared tax: the régie liquidates each declaration
        _period_issue(authorisation, on=max(data.valid_from, timezone.localdate(now)), by=actor)
    AuthorisationEvent.objects.create(
        authorisation=authorisation, from_status="", to_status=AuthorisationStatus.ACTIVE, reason="granted", by=actor
    )
    _move(request, RequestStatus.GRANTED, actor=actor)
    audit_record(
        actor=actor,
        action="police.authorisation.granted",
        target=authorisation,
        data={"reference": authorisation.reference, "tax": tax_code, "asset": authorisation.regie_asset_id},
    )
    return authorisation


def _period_issue(authorisation: Authorisation, *, on: dt.date, by: Any) -> RevenuePeriod:
    """The ordre de recette of the quarter holding `on` (the régie numbers it), kept as a revenue period."""
    label, start, end = quarter_of(on)
    assert authorisation.regie_asset_id is not None  # fee-bearing: the CHECK holds it
    try:
        ordre = regie_services.police_period_ordre_issue(
            by=by,
            asset_id=authorisation.regie_asset_id,
            period=label,
            subject=f"{authorisation.reference} — {authorisation.holder_name}",
            on=on,
        )
    except DomainError as exc:
        raise exceptions.RevenueRefused(extra={"regie": {"code": exc.code, "message": str(exc.message)}}) from None
    period = RevenuePeriod.objects.create(
        authorisation=authorisation,
        period=label,
        start=start,
        end=end,
        regie_ordre_id=ordre.ordre_id,
        ordre_reference=ordre.reference,
        amount_dh=ordre.amount_dh,
    )
    audit_record(
        actor=by,
        action="police.revenue.ordre_issued",
        target=authorisation,
        data={"period": label, "ordre": ordre.reference, "amount_dh": str(ordre.amount_dh)},
    )
    return period
