"""Liquidations: a base and a tariff give an amount, paid by a quittance or cancelled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from jamaa.platform.core.services import audit_record
from jamaa.platform.inputs import amounts_too_large
from jamaa.platform.kernel.service_inputs import service_input

from .. import exceptions, permissions
from .. import liquidation as formulas
from ..models import (
    Asset,
    BaseKind,
    Liquidation,
    LiquidationStatus,
    Quittance,
    Redevable,
    Regie,
    Tax,
)
from .quittances import AMOUNT_TOO_LARGE, CENT, QuittanceInput, _check_budget_line, _quittance_issue, tariff_in_force
from .taxpayers import _clean

# --- Liquidation ----------------------------------------------------------------------------------------


def _round_base(base_kind: str, base: Decimal) -> tuple[Decimal, dict[str, str]]:
    """The taxable base as the law counts it: a started m² (or quarter, night, act) counts whole; a turnover is
    counted to the centime. Returns the base and its step."""
    if base_kind == BaseKind.SALES_PERCENT:
        rounded = base.quantize(CENT, rounding=ROUND_HALF_UP)
        return rounded, {"label": "base", "formula": f"{base} DH of sales", "amount": str(rounded)}
    rounded = base.to_integral_value(rounding=ROUND_CEILING)
    units: dict[str, str] = {BaseKind.AREA: "m²", BaseKind.QUARTER: "quarter(s)", BaseKind.NIGHT: "night(s)"}
    unit = units.get(base_kind, "act(s)")
    formula = f"{base} {unit}"
    if rounded != base:
        formula += f" → {rounded}: a started {unit.rstrip('(s)')} counts whole"
    return rounded, {"label": "base", "formula": formula, "amount": str(rounded)}


@dataclass(frozen=True)
class LiquidationInput:
    """A declaration to liquidate: its base (rounded as the law counts it), the period, the payment day `on`
    (the rate in force that day, the penalties for payment that day) and the dates the penalties count from."""

    regie_id: int
    redevable_id: int
    tax_id: int
    base: Decimal
    period: str
    on: dt.date
    asset_id: int | None = None
    declaration_due: dt.date | None = None
    declared_on: dt.date | None = None
    payment_due: dt.date | None = None


@transaction.atomic
def liquidation_create(*, actor: Any, data: LiquidationInput | None = None, **keywords: Any) -> Liquidation:
    """Liquidate a declaration: base rounded as the law counts it × the rate in force on `on`, plus the
    late-declaration and late-payment penalties for payment on `on`; every step is stored. Raises NotACollector,
    RegieNotFound, TaxNotFound, RedevableNotFound, NoTariff, InvalidLiquidation, BudgetLineNotAuthorised.

    `data` is a LiquidationInput; its fields given as keywords instead still work, for callers outside the régie."""
    data = service_input(LiquidationInput, data, keywords)
    regie_id, redevable_id, tax_id, base, period, on = (
        data.regie_id,
        data.redevable_id,
        data.tax_id,
        data.base,
        data.period,
        data.on,
    )
    asset_id, declaration_due, declared_on, payment_due = (
        data.asset_id,
        data.declaration_due,
        data.declared_on,
        data.payment_due,
    )
    if not permissions.can_collect(actor):
        raise exceptions.NotACollector()
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    if not Redevable.objects.filter(pk=redevable_id).exists():
        raise exceptions.RedevableNotFound()
    fields: dict[str, list[str]] = {}
    try:
        base = Decimal(base)
    except (InvalidOperation, TypeError, ValueError):
        base = Decimal("0")
    if base <= 0:
        fields["base"] = [gettext("Must be positive.")]
    if not _clean(period):
        fields["period"] = ["Required."]
    if asset_id is not None and not Asset.objects.filter(pk=asset_id, redevable_id=redevable_id).exists():
        fields["asset_id"] = ["Not a bien of this redevable."]
    if declared_on is not None and declared_on > on:
        fields["declared_on"] = ["After the day of the computation."]
    if fields:
        raise exceptions.InvalidLiquidation(extra={"fields": fields})
    _check_budget_line(regie_id=regie_id, tax=tax)
    tariff = tariff_in_force(tax_id=tax_id, on=on)
    rounded, base_step = _round_base(tax.base_kind, base)
    result = formulas.liquidate(
        base=rounded,
        rate=tariff.rate,
        declaration_due=declaration_due,
        declared_on=declared_on,
        payment_due=payment_due,
        paid_on=on,
    )
    if amounts_too_large(
        Liquidation,
        base=rounded,
        principal_dh=result.principal,
        declaration_penalty_dh=result.declaration_penalty,
        payment_penalty_dh=result.payment_penalty,
        total_dh=result.total,
    ):
        raise exceptions.InvalidLiquidation(extra={"fields": {"base": [AMOUNT_TOO_LARGE]}})
    steps = [base_step] + [{"label": s.label, "formula": s.formula, "amount": str(s.amount)} for s in result.steps]
    liquidation = Liquidation.objects.create(
        regie_id=regie_id,
        redevable_id=redevable_id,
        asset_id=asset_id,
        tax=tax,
        tariff=tariff,
        period=_clean(period),
        base=rounded,
        rate=tariff.rate,
        principal_dh=result.principal,
        declaration_penalty_dh=result.declaration_penalty,
        payment_penalty_dh=result.payment_penalty,
        total_dh=result.total,
        declaration_due=declaration_due,
        declared_on=declared_on,
        payment_due=payment_due,
        computed_on=on,
        steps=steps,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="regie.liquidation.created",
        target=liquidation,
        data={"tax": tax.code, "base": str(rounded), "total_dh": str(result.total)},
    )
    return liquidation


@transaction.atomic
def liquidation_pay(*, actor: Any, liquidation_id: int, payment_method: str, on: dt.date | None = None) -> Quittance:
    """Pay a liquidation at the counter: one quittance for its total (principal + both penalties), and the
    liquidation becomes paid, in one transaction. Raises LiquidationNotFound, LiquidationNotPayable (paid twice,
    ordered, cancelled), LiquidationOutdated (paid on a day the penalties differ), and quittance_issue's errors."""
    on = on or timezone.localdate()
    if not permissions.can_collect(actor):
        raise exceptions.NotACollector()
    liquidation = Liquidation.objects.select_for_update().filter(pk=liquidation_id).first()
    if liquidation is None:
        raise exceptions.LiquidationNotFound()
    if liquidation.status != LiquidationStatus.LIQUIDATED:
        raise exceptions.LiquidationNotPayable(extra={"status": liquidation.status})
    if on != liquidation.computed_on:
        again = formulas.liquidate(
            base=liquidation.base,
            rate=liquidation.rate,
            declaration_due=liquidation.declaration_due,
            declared_on=liquidation.declared_on,
            payment_due=liquidation.payment_due,
            paid_on=on,
        )
        if again.total != liquidation.total_dh:
            raise exceptions.LiquidationOutdated(
                extra={"computed_on": liquidation.computed_on.isoformat(), "total_dh_on_day": str(again.total)}
            )
    data = QuittanceInput(
        regie_id=liquidation.regie_id,
        exercice=on.year,
        redevable_id=liquidation.redevable_id,
        tax_id=liquidation.tax_id,
        base=liquidation.base,
        period=liquidation.period,
        payment_method=payment_method,
        on=on,
        penalties_dh=liquidation.declaration_penalty_dh + liquidation.payment_penalty_dh,
        liquidation_id=liquidation.pk,
    )
    quittance = _quittance_issue(agent=actor, data=data, rate=liquidation.rate)
    liquidation.status = LiquidationStatus.PAID
    liquidation.save(update_fields=["status"])
    audit_record(actor=actor, action="regie.liquidation.paid", target=liquidation, data={"quittance": quittance.pk})
    return quittance


@transaction.atomic
def liquidation_cancel(*, actor: Any, liquidation_id: int, reason: str) -> Liquidation:
    """Cancel a liquidation not yet paid nor ordered (e.g. to redo it). Raises NotACollector,
    LiquidationNotFound, LiquidationNotPayable, InvalidLiquidation (no reason)."""
    if not permissions.can_collect(actor):
        raise exceptions.NotACollector()
    if not reason.strip():
        raise exceptions.InvalidLiquidation(extra={"fields": {"reason": ["Required."]}})
    liquidation = Liquidation.objects.select_for_update().filter(pk=liquidation_id).first()
    if liquidation is None:
        raise exceptions.LiquidationNotFound()
    if liquidation.status != LiquidationStatus.LIQUIDATED:
        raise exceptions.LiquidationNotPayable(extra={"status": liquidation.status})
    liquidation.status = LiquidationStatus.CANCELLED
    liquidation.save(update_fields=["status"])
    audit_record(actor=actor, action="regie.liquidation.cancelled", target=liquidation, reason=reason.strip())
    return liquidation
