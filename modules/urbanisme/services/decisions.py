"""The signed arrêté, the tax on construction operations liquidated in the régie, the permit delivered."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from jamaa.modules.regie import selectors as regie_selectors
from jamaa.modules.regie import services as regie
from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel.counter import counter_next

from .. import exceptions, permissions, rules
from ..models import Decision, Dossier, Kind, Status
from .dossiers import _clean, _locked, _move, _require_agent

# Kinds that pay the tax on construction operations at delivery (base: the built area).
TAXED = (Kind.CONSTRUIRE, Kind.GROUPE, Kind.REGULARISATION, Kind.REFECTION)
TAX_CODE = "CONSTRUCTION"


@transaction.atomic
def decision_sign(*, actor: Any, dossier_id: int, signatory: str, conditions: str = "") -> Decision:
    """Sign the arrêté on a favourable (granted) or unfavourable (refused) dossier: numbered per year without
    gaps; the legal clock ends. Raises NotASignatory, DossierNotFound, DossierInvalid, TransitionRefused."""
    if not permissions.is_signatory(actor):
        raise exceptions.NotASignatory()
    if not _clean(signatory):
        raise exceptions.DossierInvalid(extra={"fields": {"signatory": ["Required."]}})
    dossier = _locked(dossier_id)
    if dossier.status not in (Status.FAVOURABLE, Status.UNFAVOURABLE):
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": Status.SIGNED})
    granted = dossier.status == Status.FAVOURABLE
    today = rules.today()
    decision = Decision(
        dossier=dossier,
        year=today.year,
        number=1,
        granted=granted,
        signed_on=today,
        signed_by=actor,
        signatory=_clean(signatory)[:200],
        conditions=conditions.strip(),
    )
    decision.number = counter_next(key="urbanisme:arrete", year=today.year)
    decision.save()
    dossier.decided_on = today
    if granted and dossier.kind not in TAXED:
        dossier.tax_dh = Decimal("0")
    _move(
        dossier,
        actor=actor,
        to=Status.SIGNED if granted else Status.REFUSED,
        note=decision.reference,
        extra_fields=["decided_on", "tax_dh"],
    )
    audit_record(
        actor=actor,
        action="urbanisme.decision.signed",
        target=dossier,
        data={"arrete": decision.reference, "granted": granted},
    )
    return decision


@transaction.atomic
def tax_liquidate(*, actor: Any, dossier_id: int) -> Dossier:
    """Liquidate the tax on construction operations of a signed permit in the régie (built area × the tariff in
    force today), through the régie's services: the petitioner pays it at the régie's counter. Raises
    NotAnAgent, DossierNotFound, TransitionRefused (not signed, already liquidated), TaxUnavailable (no régie or
    tariff), and the régie's refusals. Writes the régie's liquidation, the dossier's tax, audit."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    if dossier.status != Status.SIGNED or dossier.tax_liquidation_id is not None or dossier.tax_dh == 0:
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": "tax"})
    liquidated = regie.construction_tax_liquidate(
        actor=actor,
        tax_code=TAX_CODE,
        payer_name=dossier.petitioner_name,
        cin=dossier.petitioner_cin,
        ice=dossier.petitioner_ice,
        rc=dossier.petitioner_rc,
        base=dossier.built_area_m2,
        period=dossier.reference,
        on=rules.today(),
    )
    if liquidated is None:
        raise exceptions.TaxUnavailable()
    dossier.tax_dh, dossier.tax_liquidation_id = liquidated.total_dh, liquidated.liquidation_id
    dossier.save(update_fields=["tax_dh", "tax_liquidation_id", "updated_at"])
    audit_record(
        actor=actor,
        action="urbanisme.tax.liquidated",
        target=dossier,
        data={"liquidation": liquidated.liquidation_id, "total_dh": str(liquidated.total_dh)},
    )
    return dossier


@transaction.atomic
def dossier_deliver(*, actor: Any, dossier_id: int) -> Dossier:
    """Deliver a signed permit: only once the régie holds the tax's quittance (read through its selectors) or no
    tax is due. An occupancy permit / conformity certificate delivered makes its building permit certified.
    Raises NotAnAgent, DossierNotFound, TaxNotPaid, TransitionRefused. Writes the dossier(s), events, audit."""
    _require_agent(actor)
    dossier = _locked(dossier_id)
    if dossier.status != Status.SIGNED:
        raise exceptions.TransitionRefused(extra={"from": dossier.status, "to": Status.DELIVERED})
    if dossier.tax_dh is None:
        raise exceptions.TaxNotPaid(extra={"liquidated": False})
    if dossier.tax_dh > 0:
        assert dossier.tax_liquidation_id is not None
        paid = regie_selectors.liquidation_quittance(liquidation_id=dossier.tax_liquidation_id)
        if paid is None:
            raise exceptions.TaxNotPaid(extra={"liquidated": True})
        dossier.tax_quittance = paid
    dossier.delivered_on = rules.today()
    _move(
        dossier,
        actor=actor,
        to=Status.DELIVERED,
        note=dossier.tax_quittance,
        extra_fields=["delivered_on", "tax_quittance"],
    )
    if dossier.parent_id is not None:
        parent = _locked(dossier.parent_id)
        if parent.status == Status.DELIVERED:
            _move(parent, actor=actor, to=Status.CERTIFIED, note=dossier.reference)
    return dossier
