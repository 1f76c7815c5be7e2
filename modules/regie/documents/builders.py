"""The builders: read the database (the commune, the régie, the records) and fill the documents' data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection

from .common import ZERO, _d, _local
from .data import (
    BordereauData,
    BordereauOrdre,
    Masthead,
    OrdreData,
    OrdreLineData,
    QuittanceData,
    ReleveData,
    ReleveItem,
    ResteLine,
    RestesData,
)


def _user_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def masthead_for(*, regie_id: int) -> Masthead:
    from ..models import Regie

    regie = Regie.objects.get(pk=regie_id)
    tenant = getattr(connection, "tenant", None)
    return Masthead(
        commune_fr=getattr(tenant, "name_fr", "") or "",
        commune_ar=getattr(tenant, "name_ar", "") or "",
        province=getattr(tenant, "province", "") or "",
        province_ar=getattr(tenant, "province_ar", "") or "",
        regie_fr=regie.name_fr,
        regie_ar=regie.name_ar,
        arrete=f"{regie.arrete_number} du {_d(regie.arrete_date)}",
    )


def commune_base_url() -> str:
    """https://<primary host of the current commune> (when no request gives the host)."""
    from jamaa.tenants.models import Domain
    from jamaa.tenants.selectors import commune_host

    tenant = getattr(connection, "tenant", None)
    schema = str(getattr(connection, "schema_name", "public"))
    domain = Domain.objects.filter(tenant__schema_name=schema, is_primary=True).values_list("domain", flat=True).first()
    return f"https://{domain or commune_host(getattr(tenant, 'slug', schema))}"


def _budget_labels() -> dict[str, tuple[str, str]]:
    from ..models import BudgetLine

    return {b.code: (b.label_fr, b.label_ar) for b in BudgetLine.objects.all()}


def quittance_data(*, quittance_id: int, viewer: Any, base_url: str | None = None) -> tuple[Masthead, QuittanceData]:
    """The quittance and its masthead, for whoever may read it (selectors.quittance_get decides). Raises
    NotACollector, Quittance.DoesNotExist."""
    from django.urls import reverse

    from .. import selectors, verification
    from ..models import Quittance

    selectors.quittance_get(quittance_id=quittance_id, viewer=viewer)
    q = Quittance.objects.select_related("series__regie", "tax", "redevable", "agent", "cancellation").get(
        pk=quittance_id
    )
    code = verification.quittance_code(q)
    url = (base_url or commune_base_url()).rstrip("/") + reverse("regie:verify", kwargs={"code": code})
    cancellation = getattr(q, "cancellation", None)
    label_fr, label_ar = _budget_labels().get(q.budget_line, ("", ""))
    principal = q.amount_dh - q.penalties_dh
    data = QuittanceData(
        exercice=q.series.exercice,
        series=q.series.series,
        number=q.number,
        day=q.day,
        issued_at=q.collected_at or q.issued_at,
        payer=q.payer_name,
        cin=q.redevable.cin,
        rc=q.redevable.rc,
        ice=q.redevable.ice,
        address=q.redevable.address,
        tax_code=q.tax.code,
        tax_fr=q.tax.name_fr,
        tax_ar=q.tax.name_ar,
        base_kind=q.tax.base_kind,
        budget_line=q.budget_line,
        budget_label_fr=label_fr,
        budget_label_ar=label_ar,
        period=q.period,
        base=q.base,
        rate=q.rate,
        principal_dh=principal,
        penalties_dh=q.penalties_dh,
        amount_dh=q.amount_dh,
        payment_method=q.payment_method,
        agent=_user_name(q.agent),
        code=code,
        verify_url=url,
        cancelled=cancellation is not None,
        cancelled_on=_local(cancellation.cancelled_at).date() if cancellation is not None else None,
        cancel_reason=cancellation.reason if cancellation is not None else "",
        offline=q.block_id is not None,
    )
    return masthead_for(regie_id=q.series.regie_id), data


def _identifier(redevable: Any) -> str:
    parts = [f"CIN {redevable.cin}" if redevable.cin else "", f"RC {redevable.rc}" if redevable.rc else ""]
    parts.append(f"ICE {redevable.ice}" if redevable.ice else "")
    return " · ".join(p for p in parts if p)


def ordre_data(*, ordre_id: int, viewer: Any) -> tuple[Masthead, OrdreData]:
    """The ordre de recette for whoever may read it (selectors.ordre_get decides). Raises NotARegisseur,
    OrdreRecette.DoesNotExist."""
    from .. import selectors
    from ..models import OrdreRecette

    selectors.ordre_get(ordre_id=ordre_id, viewer=viewer)
    o = OrdreRecette.objects.select_related("tax", "issued_by", "bordereau").get(pk=ordre_id)
    label_fr, label_ar = _budget_labels().get(o.budget_line, ("", ""))
    lines = tuple(
        OrdreLineData(
            payer=ln.payer_name,
            identifier=_identifier(ln.redevable),
            asset=(f"{ln.asset.reference} {ln.asset.label}".strip() if ln.asset else ""),
            amount_dh=ln.amount_dh,
        )
        for ln in o.lines.select_related("redevable", "asset").order_by("pk")
    )
    data = OrdreData(
        exercice=o.exercice,
        number=o.number,
        kind=o.kind,
        tax_code=o.tax.code,
        tax_fr=o.tax.name_fr,
        tax_ar=o.tax.name_ar,
        budget_line=o.budget_line,
        budget_label_fr=label_fr,
        budget_label_ar=label_ar,
        subject=o.subject,
        period=o.period,
        due_on=o.due_on,
        amount_dh=o.amount_dh,
        recovered_dh=o.recovered_dh,
        status=o.status,
        issued_at=o.issued_at,
        issued_by=_user_name(o.issued_by),
        bordereau=f"{o.bordereau.number}/{o.bordereau.exercice}" if o.bordereau else "",
        lines=lines,
    )
    return masthead_for(regie_id=o.regie_id), data


def bordereau_data(*, bordereau_id: int, viewer: Any) -> tuple[Masthead, BordereauData]:
    """The bordereau for whoever may read it (selectors.bordereau_get decides). Raises NotARegisseur,
    Bordereau.DoesNotExist."""
    from django.db.models import Count

    from .. import selectors
    from ..models import Bordereau

    selectors.bordereau_get(bordereau_id=bordereau_id, viewer=viewer)
    b = Bordereau.objects.select_related("created_by").get(pk=bordereau_id)
    ordres = tuple(
        BordereauOrdre(
            number=o.number,
            kind=o.kind,
            tax_code=o.tax.code,
            budget_line=o.budget_line,
            subject=o.subject,
            lines=o.n_lines,
            amount_dh=o.amount_dh,
            status=o.status,
        )
        for o in b.ordres.select_related("tax").annotate(n_lines=Count("lines")).order_by("number")
    )
    by_line: dict[str, Decimal] = {}
    for o in ordres:
        by_line[o.budget_line] = by_line.get(o.budget_line, ZERO) + o.amount_dh
    data = BordereauData(
        exercice=b.exercice,
        number=b.number,
        status=b.status,
        created_at=b.created_at,
        created_by=_user_name(b.created_by),
        comptable_reference=b.comptable_reference,
        total_dh=b.total_dh,
        ordres=ordres,
        by_line=tuple(sorted(by_line.items())),
    )
    return masthead_for(regie_id=b.regie_id), data


def releve_data(*, versement_id: int, viewer: Any) -> tuple[Masthead, ReleveData]:
    """The versement and every quittance it took (one query for the items, whatever their number), for whoever
    may read the versement (selectors.versement_get decides: another agent's is "not found"). Raises
    NotACollector, Versement.DoesNotExist."""
    from .. import selectors
    from ..models import VersementItem

    v = selectors.versement_get(versement_id=versement_id, viewer=viewer)
    rows = (
        VersementItem.objects.filter(versement_id=v.pk)
        .order_by("quittance__series__series", "quittance__number")
        .values_list(
            "amount_dh",
            "quittance__series__exercice",
            "quittance__series__series",
            "quittance__number",
            "quittance__collected_at",
            "quittance__issued_at",
            "quittance__payer_name",
            "quittance__tax__code",
            "quittance__budget_line",
            "quittance__amount_dh",
            "quittance__cancellation__id",
        )
    )
    items = [
        ReleveItem(
            exercice=exercice,
            series=series,
            number=number,
            time=f"{_local(collected or issued):%H:%M}",
            payer=payer,
            tax_code=tax_code,
            budget_line=budget_line,
            amount_dh=amount,
            net_dh=net,
            cancelled=cancellation_id is not None,
        )
        for (
            net,
            exercice,
            series,
            number,
            collected,
            issued,
            payer,
            tax_code,
            budget_line,
            amount,
            cancellation_id,
        ) in rows
    ]
    data = ReleveData(
        exercice=v.exercice,
        number=v.number,
        day=v.day,
        level=v.level,
        agent=_user_name(v.agent),
        closed_by=_user_name(v.closed_by),
        closed_at=v.closed_at,
        expected_dh=v.expected_dh,
        counted_dh=v.counted_dh,
        difference_dh=v.difference_dh,
        treasury_reference=v.treasury_reference,
        items=items,
    )
    return masthead_for(regie_id=v.regie_id), data


def restes_data(*, regie_id: int, exercice: int, as_of: dt.date, viewer: Any) -> tuple[Masthead, RestesData]:
    """The état des restes for whoever may read it (the régisseur). Raises NotARegisseur."""
    from .. import selectors

    report = selectors.restes_a_recouvrer(regie_id=regie_id, exercice=exercice, as_of=as_of, viewer=viewer)
    by_line: dict[str, Decimal] = {}
    lines = []
    for row in report.rows:
        by_line[row.budget_line] = by_line.get(row.budget_line, ZERO) + row.remaining_dh
        lines.append(
            ResteLine(
                payer=row.payer_name,
                identifier=row.identifier,
                budget_line=row.budget_line,
                ordres=", ".join(str(n) for n in sorted(row.ordre_numbers)),
                amount_dh=row.amount_dh,
                recovered_dh=row.recovered_dh,
                remaining_dh=row.remaining_dh,
            )
        )
    data = RestesData(
        exercice=exercice,
        as_of=as_of,
        lines=tuple(lines),
        total_dh=report.total_dh,
        remaining_dh=report.remaining_dh,
        by_line=tuple(sorted(by_line.items())),
    )
    return masthead_for(regie_id=regie_id), data
