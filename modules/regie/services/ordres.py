"""Ordres de recette and bordereaux d'émission."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    ORDRE_TRANSITIONS,
    Asset,
    Bordereau,
    BordereauStatus,
    CounterKind,
    Liquidation,
    LiquidationStatus,
    OrdreKind,
    OrdreRecette,
    OrdreRecetteEvent,
    OrdreRecetteLine,
    OrdreStatus,
    Redevable,
    Regie,
    Tax,
)
from .quittances import _check_budget_line, _counter_next
from .taxpayers import _clean

# --- Ordres de recette and bordereaux d'émission ------------------------------------------------------------


def _ordre_event(ordre: OrdreRecette, *, by: Any, from_status: str, reason: str = "", reference: str = "") -> None:
    OrdreRecetteEvent.objects.create(
        ordre=ordre, from_status=from_status, to_status=ordre.status, by=by, reason=reason, reference=reference
    )


@transaction.atomic
def ordre_issue(
    *, actor: Any, regie_id: int, exercice: int, tax_id: int, subject: str, period: str, lines: list[dict[str, Any]]
) -> OrdreRecette:
    """Issue an ordre de recette for debts not paid at the counter: individual (one line) or collective; numbered
    without gaps per (régie, exercice); each line snapshots the payer's name; its liquidations become ordered.
    Lines: {redevable_id, amount_dh, liquidation_id?, asset_id?} (amount defaults to the liquidation's total).
    Raises NotARegisseur, RegieNotFound, TaxNotFound, InvalidOrdre, BudgetLineNotAuthorised."""
    if not permissions.can_issue_ordres(actor):
        raise exceptions.NotARegisseur()
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    fields: dict[str, Any] = {}
    if not _clean(subject):
        fields["subject"] = ["Required."]
    if not _clean(period):
        fields["period"] = ["Required."]
    if not lines:
        fields["lines"] = ["At least one line."]
    if fields:
        raise exceptions.InvalidOrdre(extra={"fields": fields})
    _check_budget_line(regie_id=regie_id, tax=tax)
    prepared: list[tuple[Redevable, Decimal, Liquidation | None, int | None]] = []
    for index, line in enumerate(lines):
        redevable = Redevable.objects.filter(pk=int(line.get("redevable_id") or 0)).first()
        liquidation = None
        if line.get("liquidation_id") is not None:
            liquidation = Liquidation.objects.select_for_update().filter(pk=line["liquidation_id"]).first()
        amount = line.get("amount_dh")
        if amount is None and liquidation is not None:
            amount = liquidation.total_dh
        problem = ""
        if redevable is None:
            problem = "Unknown redevable."
        elif amount is None or Decimal(amount) <= 0:
            problem = "The amount must be positive."
        elif liquidation is not None and (
            liquidation.status != LiquidationStatus.LIQUIDATED
            or liquidation.regie_id != regie_id
            or liquidation.tax_id != tax.pk
            or liquidation.redevable_id != redevable.pk
            or Decimal(amount) != liquidation.total_dh
        ):
            problem = "The liquidation is not an open one of this redevable, tax and amount."
        elif (
            line.get("asset_id") is not None
            and not Asset.objects.filter(pk=line["asset_id"], redevable_id=redevable.pk).exists()
        ):
            problem = "Not a bien of this redevable."
        if problem:
            raise exceptions.InvalidOrdre(extra={"fields": {"lines": {str(index): [problem]}}})
        assert redevable is not None and amount is not None  # for the type checker: refused above
        prepared.append((redevable, Decimal(amount), liquidation, line.get("asset_id")))
    ordre = OrdreRecette.objects.create(
        regie_id=regie_id,
        exercice=exercice,
        number=_counter_next(regie_id=regie_id, exercice=exercice, kind=CounterKind.ORDRE),
        kind=OrdreKind.INDIVIDUAL if len(prepared) == 1 else OrdreKind.COLLECTIVE,
        tax=tax,
        budget_line=tax.budget_line,
        subject=_clean(subject),
        period=_clean(period),
        amount_dh=sum((amount for _, amount, _, _ in prepared), Decimal("0")),
        issued_by=actor,
    )
    OrdreRecetteLine.objects.bulk_create(
        OrdreRecetteLine(
            ordre=ordre,
            redevable=redevable,
            payer_name=redevable.name,
            asset_id=asset_id,
            liquidation=liquidation,
            amount_dh=amount,
        )
        for redevable, amount, liquidation, asset_id in prepared
    )
    for _, _, liquidation, _ in prepared:
        if liquidation is not None:
            liquidation.status = LiquidationStatus.ORDERED
            liquidation.save(update_fields=["status"])
    _ordre_event(ordre, by=actor, from_status="")
    audit_record(
        actor=actor,
        action="regie.ordre.issued",
        target=ordre,
        data={"number": ordre.number, "amount_dh": str(ordre.amount_dh), "lines": len(prepared)},
    )
    return ordre


@transaction.atomic
def ordre_transition(
    *,
    actor: Any,
    ordre_id: int,
    to_status: str,
    reason: str = "",
    reference: str = "",
    recovered_dh: Decimal | None = None,
) -> OrdreRecette:
    """Move an ordre along issued → taken in charge → recovered / cancelled / written off / remitted (or issued →
    cancelled), with an event. Taken in charge only through its bordereau; cancelling, writing off and remitting
    state a reason; recovered sets recovered_dh (the whole amount unless given). Raises NotARegisseur,
    OrdreNotFound, OrdreTransitionRefused, InvalidOrdre."""
    if not permissions.can_issue_ordres(actor):
        raise exceptions.NotARegisseur()
    ordre = OrdreRecette.objects.select_for_update().filter(pk=ordre_id).first()
    if ordre is None:
        raise exceptions.OrdreNotFound()
    if to_status not in ORDRE_TRANSITIONS.get(ordre.status, ()):
        raise exceptions.OrdreTransitionRefused(extra={"from": ordre.status, "to": to_status})
    if to_status == OrdreStatus.TAKEN_IN_CHARGE and ordre.bordereau_id is None:
        raise exceptions.OrdreTransitionRefused(
            "An ordre is taken in charge with its bordereau d'émission.",
            extra={"from": ordre.status, "to": to_status},
        )
    if to_status in (OrdreStatus.CANCELLED, OrdreStatus.WRITTEN_OFF, OrdreStatus.REMITTED) and not reason.strip():
        raise exceptions.InvalidOrdre(extra={"fields": {"reason": ["Required."]}})
    update = ["status"]
    if to_status == OrdreStatus.RECOVERED:
        recovered = ordre.amount_dh if recovered_dh is None else Decimal(recovered_dh)
        if not Decimal("0") < recovered <= ordre.amount_dh:
            raise exceptions.InvalidOrdre(extra={"fields": {"recovered_dh": [f"Between 0 and {ordre.amount_dh}."]}})
        ordre.recovered_dh = recovered
        update.append("recovered_dh")
    previous = ordre.status
    ordre.status = to_status
    ordre.save(update_fields=update)
    _ordre_event(ordre, by=actor, from_status=previous, reason=reason.strip(), reference=reference.strip())
    audit_record(
        actor=actor,
        action=f"regie.ordre.{to_status}",
        target=ordre,
        reason=reason.strip(),
        data={"from": previous, "reference": reference.strip(), "recovered_dh": str(ordre.recovered_dh)},
    )
    return ordre


@transaction.atomic
def bordereau_create(*, actor: Any, regie_id: int, exercice: int, ordre_ids: list[int]) -> Bordereau:
    """Group issued ordres (same régie and exercice, in no bordereau yet) into a numbered bordereau d'émission
    for the comptable. Raises NotARegisseur, InvalidBordereau."""
    if not permissions.can_issue_ordres(actor):
        raise exceptions.NotARegisseur()
    wanted = sorted(set(ordre_ids))
    ordres = list(OrdreRecette.objects.select_for_update().filter(pk__in=wanted).order_by("number"))
    refused = [
        o.pk
        for o in ordres
        if o.regie_id != regie_id
        or o.exercice != exercice
        or o.status != OrdreStatus.ISSUED
        or o.bordereau_id is not None
    ]
    if not wanted or len(ordres) != len(wanted) or refused:
        missing = sorted(set(wanted) - {o.pk for o in ordres})
        raise exceptions.InvalidBordereau(extra={"refused": refused, "missing": missing})
    bordereau = Bordereau.objects.create(
        regie_id=regie_id,
        exercice=exercice,
        number=_counter_next(regie_id=regie_id, exercice=exercice, kind=CounterKind.BORDEREAU),
        total_dh=sum((o.amount_dh for o in ordres), Decimal("0")),
        created_by=actor,
    )
    for ordre in ordres:
        ordre.bordereau = bordereau
        ordre.save(update_fields=["bordereau"])
    audit_record(
        actor=actor,
        action="regie.bordereau.created",
        target=bordereau,
        data={"number": bordereau.number, "ordres": [o.number for o in ordres], "total_dh": str(bordereau.total_dh)},
    )
    return bordereau


@transaction.atomic
def bordereau_take_in_charge(*, actor: Any, bordereau_id: int, reference: str) -> Bordereau:
    """Record the comptable's taking in charge (with his reference): the bordereau's issued ordres move to taken
    in charge. Raises NotARegisseur, BordereauNotFound, BordereauAlreadyTakenInCharge, InvalidBordereau."""
    if not permissions.can_issue_ordres(actor):
        raise exceptions.NotARegisseur()
    if not reference.strip():
        raise exceptions.InvalidBordereau(extra={"fields": {"reference": ["Required."]}})
    bordereau = Bordereau.objects.select_for_update().filter(pk=bordereau_id).first()
    if bordereau is None:
        raise exceptions.BordereauNotFound()
    if bordereau.status != BordereauStatus.ISSUED:
        raise exceptions.BordereauAlreadyTakenInCharge()
    bordereau.status = BordereauStatus.TAKEN_IN_CHARGE
    bordereau.taken_in_charge_at = timezone.now()
    bordereau.comptable_reference = reference.strip()
    bordereau.save(update_fields=["status", "taken_in_charge_at", "comptable_reference"])
    for ordre in OrdreRecette.objects.select_for_update().filter(bordereau=bordereau, status=OrdreStatus.ISSUED):
        ordre.status = OrdreStatus.TAKEN_IN_CHARGE
        ordre.save(update_fields=["status"])
        _ordre_event(ordre, by=actor, from_status=OrdreStatus.ISSUED, reference=reference.strip())
    audit_record(
        actor=actor, action="regie.bordereau.taken_in_charge", target=bordereau, data={"reference": reference.strip()}
    )
    return bordereau
