"""Redevables and their biens/activités."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    Asset,
    AssetKind,
    BaseKind,
    Redevable,
    Tax,
)

# --- Redevables and their biens/activités ----------------------------------------------------------------------


def _clean(value: str) -> str:
    return " ".join((value or "").split())


@transaction.atomic
def redevable_create(
    *, actor: Any, name: str, cin: str = "", rc: str = "", ice: str = "", address: str = "", name_ar: str = ""
) -> Redevable:
    """Register a taxpayer (a person by CIN, a company by RC and/or ICE), with the name in Arabic script if known.
    Raises NotACollector, InvalidRedevable."""
    if not permissions.can_collect(actor):
        raise exceptions.NotACollector()
    given = {"name": name, "cin": cin, "rc": rc, "ice": ice, "address": address, "name_ar": name_ar}
    not_text = {key: ["A text is expected."] for key, value in given.items() if not isinstance(value, str)}
    if not_text:  # a number from a JSON body (1e999999 → "INF") is no identifier
        raise exceptions.InvalidRedevable(extra={"fields": not_text})
    name, cin, rc, ice = _clean(name), _clean(cin).upper(), _clean(rc), _clean(ice)
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = ["Required."]
    if not (cin or rc or ice):
        fields["cin"] = ["A CIN, an RC or an ICE is required."]
    if ice and not (ice.isdigit() and len(ice) == 15):
        fields["ice"] = ["An ICE has 15 digits."]
    if fields:
        raise exceptions.InvalidRedevable(extra={"fields": fields})
    redevable = Redevable.objects.create(
        name=name, name_ar=_clean(name_ar), cin=cin, rc=rc, ice=ice, address=_clean(address)
    )
    audit_record(actor=actor, action="regie.redevable.created", target=redevable, data={"name": name})
    return redevable


@transaction.atomic
def asset_create(
    *,
    actor: Any,
    redevable_id: int,
    kind: str,
    reference: str,
    label: str = "",
    address: str = "",
    surface_m2: Decimal | None = None,
    category: str = "",
    tax_id: int | None = None,
) -> Asset:
    """Record a bien or activité of a redevable (parcel, terrace, taxi…) and the tax it owes. Raises
    NotACollector, RedevableNotFound, TaxNotFound, InvalidAsset (a tax per m² needs the surface)."""
    if not permissions.can_collect(actor):
        raise exceptions.NotACollector()
    if not Redevable.objects.filter(pk=redevable_id).exists():
        raise exceptions.RedevableNotFound()
    tax = None
    if tax_id is not None:
        tax = Tax.objects.filter(pk=tax_id).first()
        if tax is None:
            raise exceptions.TaxNotFound()
    fields: dict[str, list[str]] = {}
    if kind not in AssetKind.values:
        fields["kind"] = [f"One of {', '.join(AssetKind.values)}."]
    if not _clean(reference):
        fields["reference"] = ["Required."]
    if surface_m2 is not None and surface_m2 <= 0:
        fields["surface_m2"] = [gettext("Must be positive.")]
    if tax is not None and tax.base_kind == BaseKind.AREA and surface_m2 is None:
        fields["surface_m2"] = ["A tax per m² needs the surface."]
    if fields:
        raise exceptions.InvalidAsset(extra={"fields": fields})
    asset = Asset.objects.create(
        redevable_id=redevable_id,
        kind=kind,
        reference=_clean(reference),
        label=_clean(label),
        address=_clean(address),
        surface_m2=surface_m2,
        category=_clean(category),
        tax=tax,
    )
    audit_record(actor=actor, action="regie.asset.created", target=asset, data={"reference": asset.reference})
    return asset


@transaction.atomic
def asset_deactivate(*, actor: Any, asset_id: int, reason: str) -> Asset:
    """A bien or activité that no longer owes its tax (parcel built, terrace removed, taxi licence returned) leaves
    the audit list and the counter's choices; it is kept with its history, never deleted. The régisseur decides,
    with the reason (hiding a bien that still owes is what the audit list is there to catch). Raises
    NotARegisseur, AssetNotFound, InvalidAsset."""
    if not permissions.is_regisseur(actor):
        raise exceptions.NotARegisseur()
    asset = Asset.objects.select_for_update().filter(pk=asset_id).first()
    if asset is None:
        raise exceptions.AssetNotFound()
    reason = _clean(reason)
    if not reason:
        raise exceptions.InvalidAsset(
            gettext("Give the reason."), extra={"fields": {"reason": [gettext("Give the reason.")]}}
        )
    if not asset.active:
        raise exceptions.InvalidAsset(gettext("This bien or activité is already inactive."))
    asset.active = False
    asset.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor, action="regie.asset.deactivated", target=asset, reason=reason, data={"reference": asset.reference}
    )
    return asset
