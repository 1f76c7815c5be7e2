"""For the police administrative (modules/police): the revenue line of an authorisation and its ordres de recette.
The police administrative grants occupations of the public domain and fee-bearing licences: each one opens
its revenue line here (the redevable, found again by CIN / ICE / RC, and a bien owing the tax), and each billing
period gets its ordre de recette (a liquidation of the bien's base at the tariff in force, ordered at once), so
that `selectors.authorisations_without_ordre` stays empty for what it grants. `by` is the police's decision
maker, not a régie member: the police checks its own roles; the régie still checks the tax, the tariff in force
and its budget line. A licence whose tax is declared (débits de boissons on turnover, séjour on nights) gets its
revenue line at grant and is liquidated here on each declaration; a fine imposed by the police gets its own
ordre de recette (`police_fine_ordre_issue`), its debtor the holder.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.service_inputs import service_input

from .. import exceptions
from ..models import (
    Asset,
    AssetKind,
    BaseKind,
    CounterKind,
    Liquidation,
    LiquidationStatus,
    OrdreKind,
    OrdreRecette,
    OrdreRecetteLine,
    Redevable,
    Regie,
    Tax,
)
from .liquidations import _round_base
from .ordres import _ordre_event
from .quittances import CENT, _check_budget_line, _counter_next, tariff_in_force
from .taxpayers import _clean

FINE_TAX = "AMENDE_POLICE"  # seeded with the defaults (reference.DEFAULT_TAXES)
DECLARED = (BaseKind.SALES_PERCENT, BaseKind.NIGHT)  # liquidated on declarations (liquidation_create)


@dataclass(frozen=True)
class PoliceRevenueLine:
    redevable_id: int
    asset_id: int
    tax_code: str
    on_declarations: bool = False  # liquidated on the holder's declarations: no ordre per period


@dataclass(frozen=True)
class PoliceOrdre:
    ordre_id: int
    exercice: int
    number: int
    amount_dh: Decimal
    liquidation_id: int

    @property
    def reference(self) -> str:
        return f"OR {self.exercice}/{self.number}"


@dataclass(frozen=True)
class PoliceRevenueLineInput:
    """An authorisation's revenue line: its holder (a name and a CIN, an RC or an ICE), the bien (kind, the
    authorisation's reference, a label, the surface for a tax per m²) and the tax it owes."""

    name: str
    asset_kind: str
    reference: str
    label: str
    surface_m2: Decimal | None
    tax_code: str
    cin: str = ""
    rc: str = ""
    ice: str = ""
    address: str = ""


@transaction.atomic
def police_revenue_line_open(
    *, by: Any, data: PoliceRevenueLineInput | None = None, **keywords: Any
) -> PoliceRevenueLine:
    """The revenue line of an authorisation: its holder as a redevable (the one with this CIN, ICE or RC, else a
    new one) and a bien owing the tax. A tax on a turnover or on nights (débits de boissons, séjour) is then
    liquidated on the holder's declarations (`on_declarations`), any other by period (police_period_ordre_issue).
    Raises TaxNotFound, InvalidRedevable, InvalidAsset (a tax per m² needs the surface). Writes audit.

    `data` is a PoliceRevenueLineInput; its fields as keywords (police's call) still work."""
    data = service_input(PoliceRevenueLineInput, data, keywords)
    name, cin, rc, ice, address = data.name, data.cin, data.rc, data.ice, data.address
    asset_kind, reference, label, surface_m2, tax_code = (
        data.asset_kind,
        data.reference,
        data.label,
        data.surface_m2,
        data.tax_code,
    )
    tax = Tax.objects.filter(code=tax_code).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    if tax.base_kind == BaseKind.AREA and (surface_m2 is None or surface_m2 <= 0):
        raise exceptions.InvalidAsset(extra={"fields": {"surface_m2": ["A tax per m² needs the surface."]}})
    redevable = _holder(by=by, name=name, cin=cin, rc=rc, ice=ice, address=address)
    asset = Asset.objects.create(
        redevable=redevable,
        kind=asset_kind if asset_kind in AssetKind.values else AssetKind.OTHER,
        reference=_clean(reference)[:60],
        label=_clean(label)[:200],
        address=_clean(address)[:300],
        surface_m2=surface_m2,
        category="police",
        tax=tax,
    )
    audit_record(
        actor=by, action="regie.asset.created", target=asset, data={"reference": asset.reference, "source": "police"}
    )
    return PoliceRevenueLine(
        redevable_id=redevable.pk,
        asset_id=asset.pk,
        tax_code=tax.code,
        on_declarations=tax.base_kind in DECLARED,
    )


def _holder(*, by: Any, name: str, cin: str, rc: str, ice: str, address: str) -> Redevable:
    """The holder as a redevable: the one with this CIN, ICE or RC, else a new one. Raises InvalidRedevable."""
    cin, rc, ice = _clean(cin).upper(), _clean(rc), _clean(ice)
    if not _clean(name) or not (cin or rc or ice):
        raise exceptions.InvalidRedevable(extra={"fields": {"cin": ["A name and a CIN, an RC or an ICE."]}})
    for field, value in (("cin", cin), ("ice", ice), ("rc", rc)):
        if value:
            found = Redevable.objects.filter(**{field: value}).order_by("pk").first()
            if found is not None:
                return found
    redevable = Redevable.objects.create(name=_clean(name), cin=cin, rc=rc, ice=ice, address=_clean(address))
    audit_record(actor=by, action="regie.redevable.created", target=redevable, data={"source": "police"})
    return redevable


@transaction.atomic
def police_period_ordre_issue(*, by: Any, asset_id: int, period: str, subject: str, on: dt.date) -> PoliceOrdre:
    """The ordre de recette of one billing period of a bien opened by police_revenue_line_open: the bien's base
    (its surface for a tax per m², else one unit) × the tariff in force on `on`, liquidated and ordered at once
    (individual ordre, numbered without gaps in the exercice of `on`). Raises RegieNotFound, AssetNotFound,
    NoTariff, BudgetLineNotAuthorised. Writes the liquidation, the ordre, its line and event, audit."""
    regie = Regie.objects.order_by("pk").first()
    if regie is None:
        raise exceptions.RegieNotFound()
    asset = Asset.objects.select_related("tax", "redevable").filter(pk=asset_id, tax__isnull=False).first()
    if asset is None or asset.tax is None:
        raise exceptions.AssetNotFound()
    tax = asset.tax
    if tax.base_kind in DECLARED:
        raise exceptions.InvalidAsset(extra={"fields": {"tax": [gettext("This tax is liquidated on declarations.")]}})
    _check_budget_line(regie_id=regie.pk, tax=tax)
    tariff = tariff_in_force(tax_id=tax.pk, on=on)
    base = asset.surface_m2 if tax.base_kind == BaseKind.AREA and asset.surface_m2 else Decimal("1")
    rounded, base_step = _round_base(tax.base_kind, Decimal(base))
    principal = (rounded * tariff.rate).quantize(CENT, rounding=ROUND_HALF_UP)
    liquidation = Liquidation.objects.create(
        regie=regie,
        redevable=asset.redevable,
        asset=asset,
        tax=tax,
        tariff=tariff,
        period=_clean(period)[:30],
        base=rounded,
        rate=tariff.rate,
        principal_dh=principal,
        total_dh=principal,
        computed_on=on,
        steps=[base_step, {"label": "principal", "formula": f"{rounded} × {tariff.rate}", "amount": str(principal)}],
        created_by=by,
    )
    ordre = OrdreRecette.objects.create(
        regie=regie,
        exercice=on.year,
        number=_counter_next(regie_id=regie.pk, exercice=on.year, kind=CounterKind.ORDRE),
        kind=OrdreKind.INDIVIDUAL,
        tax=tax,
        budget_line=tax.budget_line,
        subject=_clean(subject)[:300],
        period=_clean(period)[:30],
        amount_dh=principal,
        issued_by=by,
    )
    OrdreRecetteLine.objects.create(
        ordre=ordre,
        redevable=asset.redevable,
        payer_name=asset.redevable.name,
        asset=asset,
        liquidation=liquidation,
        amount_dh=principal,
    )
    liquidation.status = LiquidationStatus.ORDERED
    liquidation.save(update_fields=["status"])
    _ordre_event(ordre, by=by, from_status="")
    audit_record(
        actor=by,
        action="regie.ordre.issued",
        target=ordre,
        data={"number": ordre.number, "amount_dh": str(principal), "lines": 1, "source": "police"},
    )
    return PoliceOrdre(
        ordre_id=ordre.pk,
        exercice=ordre.exercice,
        number=ordre.number,
        amount_dh=principal,
        liquidation_id=liquidation.pk,
    )


@transaction.atomic
def police_revenue_line_close(*, by: Any, asset_id: int, reason: str) -> None:
    """A withdrawn or expired authorisation no longer owes its tax: its bien leaves the audit list (kept, with
    its history, never deleted; the ordres already issued stay due). Idempotent. Raises AssetNotFound."""
    asset = Asset.objects.select_for_update().filter(pk=asset_id, category="police").first()
    if asset is None:
        raise exceptions.AssetNotFound()
    if not asset.active:
        return
    asset.active = False
    asset.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=by,
        action="regie.asset.deactivated",
        target=asset,
        reason=_clean(reason),
        data={"reference": asset.reference, "source": "police"},
    )


@dataclass(frozen=True)
class PoliceFineInput:
    """A fine imposed after a PV: its debtor (the holder: a name and a CIN, an RC or an ICE), the amount, the day
    it is due by (the sanction's deadline) and what it is for (the PV's reference)."""

    name: str
    amount_dh: Decimal
    due_on: dt.date
    subject: str
    on: dt.date
    cin: str = ""
    rc: str = ""
    ice: str = ""
    address: str = ""


@transaction.atomic
def police_fine_ordre_issue(*, by: Any, data: PoliceFineInput) -> PoliceOrdre:
    """The ordre de recette of a police fine: individual, on the fines' tax (seeded with the defaults if the
    commune's régie predates it), its one line the holder, numbered without gaps in the exercice of `on`; the due
    day is the ordre's due_on, its period the exercice. Raises RegieNotFound,
    InvalidRedevable, InvalidOrdre (amount), BudgetLineNotAuthorised. Writes the ordre, its line and event, audit."""
    from .reference import reference_install_defaults  # the fines' tax for a régie set up before it existed

    regie = Regie.objects.order_by("pk").first()
    if regie is None:
        raise exceptions.RegieNotFound()
    amount = Decimal(data.amount_dh).quantize(CENT, rounding=ROUND_HALF_UP)
    if amount <= 0:
        raise exceptions.InvalidOrdre(extra={"fields": {"amount_dh": [gettext("A fine states its amount.")]}})
    tax = Tax.objects.filter(code=FINE_TAX).first()
    if tax is None:
        reference_install_defaults(regie_id=regie.pk)
        tax = Tax.objects.get(code=FINE_TAX)
    _check_budget_line(regie_id=regie.pk, tax=tax)
    redevable = _holder(by=by, name=data.name, cin=data.cin, rc=data.rc, ice=data.ice, address=data.address)
    ordre = OrdreRecette.objects.create(
        regie=regie,
        exercice=data.on.year,
        number=_counter_next(regie_id=regie.pk, exercice=data.on.year, kind=CounterKind.ORDRE),
        kind=OrdreKind.INDIVIDUAL,
        tax=tax,
        budget_line=tax.budget_line,
        subject=_clean(data.subject)[:300],
        period=str(data.on.year),
        due_on=data.due_on,
        amount_dh=amount,
        issued_by=by,
    )
    OrdreRecetteLine.objects.create(ordre=ordre, redevable=redevable, payer_name=redevable.name, amount_dh=amount)
    _ordre_event(ordre, by=by, from_status="", reason=f"due {data.due_on.isoformat()}")
    audit_record(
        actor=by,
        action="regie.ordre.issued",
        target=ordre,
        data={
            "number": ordre.number,
            "amount_dh": str(amount),
            "lines": 1,
            "source": "police",
            "due": str(data.due_on),
        },
    )
    return PoliceOrdre(
        ordre_id=ordre.pk, exercice=ordre.exercice, number=ordre.number, amount_dh=amount, liquidation_id=0
    )
