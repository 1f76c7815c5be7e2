"""For urbanisme (modules/urbanisme): the tax on construction operations of a permit, liquidated in the régie on
behalf of the urbanisme's agent and paid at the counter like any liquidation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions
from .. import liquidation as formulas
from ..models import Liquidation, Redevable, Regie, Tariff, Tax
from .liquidations import _round_base
from .quittances import _check_budget_line
from .taxpayers import _clean


@dataclass(frozen=True)
class TaxLiquidated:
    """A liquidation made for another module: its id (paid at the counter like any other) and its total."""

    liquidation_id: int
    total_dh: Decimal


@transaction.atomic
def construction_tax_liquidate(
    *,
    actor: Any,
    tax_code: str,
    payer_name: str,
    base: Decimal,
    period: str,
    on: dt.date,
    cin: str = "",
    ice: str = "",
    rc: str = "",
) -> TaxLiquidated | None:
    """On behalf of another module's agent (urbanisme: a permit's tax on construction operations): liquidate tax
    `tax_code` on `base` at the tariff in force on `on`, in the commune's régie, for the payer found by CIN or ICE
    (recorded when new); the petitioner pays it at the counter (liquidation_pay gives the quittance). None when
    the commune has no régie, no such tax or no tariff in force. Raises InvalidRedevable, InvalidLiquidation,
    BudgetLineNotAuthorised. Writes the redevable if new, the liquidation, audit."""
    regie = Regie.objects.order_by("pk").first()
    tax = Tax.objects.filter(code=tax_code).first()
    if regie is None or tax is None:
        return None
    tariff = Tariff.objects.filter(tax_id=tax.pk, valid_from__lte=on).order_by("-valid_from").first()
    if tariff is None:
        return None
    cin, ice, rc, name = _clean(cin).upper(), _clean(ice), _clean(rc), _clean(payer_name)
    redevable = None
    if cin:
        redevable = Redevable.objects.filter(cin=cin).order_by("pk").first()
    elif ice:
        redevable = Redevable.objects.filter(ice=ice).order_by("pk").first()
    if redevable is None:
        if not name or not (cin or ice or rc) or (ice and not (ice.isdigit() and len(ice) == 15)):
            raise exceptions.InvalidRedevable(extra={"fields": {"cin": ["A name and a CIN or a valid ICE."]}})
        redevable = Redevable.objects.create(name=name, cin=cin, rc=rc, ice=ice)
        audit_record(actor=actor, action="regie.redevable.created", target=redevable, data={"name": name})
    if Decimal(base) <= 0 or not _clean(period):
        raise exceptions.InvalidLiquidation(extra={"fields": {"base": ["Must be positive."]}})
    _check_budget_line(regie_id=regie.pk, tax=tax)
    rounded, base_step = _round_base(tax.base_kind, Decimal(base))
    result = formulas.liquidate(
        base=rounded, rate=tariff.rate, declaration_due=None, declared_on=None, payment_due=None, paid_on=on
    )
    steps = [base_step] + [{"label": s.label, "formula": s.formula, "amount": str(s.amount)} for s in result.steps]
    liquidation = Liquidation.objects.create(
        regie_id=regie.pk,
        redevable_id=redevable.pk,
        tax=tax,
        tariff=tariff,
        period=_clean(period),
        base=rounded,
        rate=tariff.rate,
        principal_dh=result.principal,
        declaration_penalty_dh=result.declaration_penalty,
        payment_penalty_dh=result.payment_penalty,
        total_dh=result.total,
        computed_on=on,
        steps=steps,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="regie.liquidation.created",
        target=liquidation,
        data={"tax": tax.code, "base": str(rounded), "total_dh": str(result.total), "for": "urbanisme"},
    )
    return TaxLiquidated(liquidation_id=liquidation.pk, total_dh=liquidation.total_dh)
