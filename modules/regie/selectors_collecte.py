"""Reads of the régie for the collectors' app (jamaa.modules.collecte): frozen values, never querysets.

Kept apart from selectors.py (owned by the régie's services) so the collectors' module reads the régie through
one narrow file: idempotency lookups by client UUID, the stub book's blocks and their gaps, the reference data a
device downloads.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from .models import (
    Asset,
    Incident,
    IncidentKind,
    Quittance,
    QuittanceBlock,
    Redevable,
    Regie,
    RegieStaff,
    StaffRole,
    Tariff,
    Tax,
)

ASSET_OVERLAP = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class QuittanceRef:
    """What the collectors' app compares when the same client UUID comes back, and what it answers."""

    id: int
    regie_id: int
    exercice: int
    series: str
    number: int
    block_id: int | None
    agent_id: int
    redevable_id: int
    payer_name: str
    tax_id: int
    base: Decimal
    rate: Decimal
    amount_dh: Decimal
    period: str
    payment_method: str
    day: dt.date
    client_uuid: uuid.UUID | None
    collected_at: dt.datetime | None


def _ref(q: Quittance) -> QuittanceRef:
    return QuittanceRef(
        id=q.pk,
        regie_id=q.series.regie_id,
        exercice=q.series.exercice,
        series=q.series.series,
        number=q.number,
        block_id=q.block_id,
        agent_id=q.agent_id,
        redevable_id=q.redevable_id,
        payer_name=q.payer_name,
        tax_id=q.tax_id,
        base=q.base,
        rate=q.rate,
        amount_dh=q.amount_dh,
        period=q.period,
        payment_method=q.payment_method,
        day=q.day,
        client_uuid=q.client_uuid,
        collected_at=q.collected_at,
    )


def quittance_by_client_uuid(*, client_uuid: uuid.UUID) -> QuittanceRef | None:
    """The quittance a collector's device created with this idempotency key, if any."""
    q = Quittance.objects.select_related("series").filter(client_uuid=client_uuid).first()
    return _ref(q) if q is not None else None


def quittances_by_client_uuids(*, client_uuids: list[uuid.UUID]) -> dict[uuid.UUID, QuittanceRef]:
    """Same, for a whole batch in one query."""
    found = Quittance.objects.select_related("series").filter(client_uuid__in=client_uuids)
    return {q.client_uuid: _ref(q) for q in found if q.client_uuid is not None}


def quittance_ref(*, quittance_id: int) -> QuittanceRef | None:
    q = Quittance.objects.select_related("series").filter(pk=quittance_id).first()
    return _ref(q) if q is not None else None


@dataclass(frozen=True)
class BlockRef:
    id: int
    regie_id: int
    exercice: int
    series: str
    collector_id: int
    first_number: int
    last_number: int
    allocated_at: dt.datetime
    closed_at: dt.datetime | None


def block_ref(*, block_id: int) -> BlockRef | None:
    b = QuittanceBlock.objects.select_related("series").filter(pk=block_id).first()
    if b is None:
        return None
    return BlockRef(
        id=b.pk,
        regie_id=b.series.regie_id,
        exercice=b.series.exercice,
        series=b.series.series,
        collector_id=b.collector_id,
        first_number=b.first_number,
        last_number=b.last_number,
        allocated_at=b.allocated_at,
        closed_at=b.closed_at,
    )


@dataclass(frozen=True)
class BlockUsage:
    """One block of the stub book: the numbers used, the gaps (unused numbers below the highest used one:
    a receipt missing, definitive once the block is closed) and, for a closed block, its returned stubs."""

    block_id: int
    regie_id: int
    exercice: int
    series: str
    collector_id: int
    first_number: int
    last_number: int
    closed: bool
    used: int
    highest_used: int | None
    gaps: tuple[int, ...]
    returned: tuple[int, int] | None  # (first, last) unused tail of a closed block


def block_usage(
    *, regie_id: int | None = None, exercice: int | None = None, collector_id: int | None = None
) -> list[BlockUsage]:
    """Every block matching the filters with its use, gaps and returned stubs (two queries)."""
    blocks = QuittanceBlock.objects.select_related("series").order_by("series_id", "first_number")
    if regie_id is not None:
        blocks = blocks.filter(series__regie_id=regie_id)
    if exercice is not None:
        blocks = blocks.filter(series__exercice=exercice)
    if collector_id is not None:
        blocks = blocks.filter(collector_id=collector_id)
    block_list = list(blocks)
    numbers: dict[int, list[int]] = defaultdict(list)
    for block_id, number in (
        Quittance.objects.filter(block_id__in=[b.pk for b in block_list])
        .order_by("number")
        .values_list("block_id", "number")
    ):
        numbers[block_id].append(number)
    out = []
    for b in block_list:
        used = numbers.get(b.pk, [])
        highest = used[-1] if used else None
        gaps = tuple(sorted(set(range(b.first_number, highest + 1)) - set(used))) if highest else ()
        tail_from = (highest or b.first_number - 1) + 1
        returned = (tail_from, b.last_number) if b.closed_at is not None and tail_from <= b.last_number else None
        out.append(
            BlockUsage(
                block_id=b.pk,
                regie_id=b.series.regie_id,
                exercice=b.series.exercice,
                series=b.series.series,
                collector_id=b.collector_id,
                first_number=b.first_number,
                last_number=b.last_number,
                closed=b.closed_at is not None,
                used=len(used),
                highest_used=highest,
                gaps=gaps,
                returned=returned,
            )
        )
    return out


@dataclass(frozen=True)
class RegieRef:
    id: int
    name_fr: str
    name_ar: str


def regies_for_collector(*, user_id: int, on: dt.date) -> list[RegieRef]:
    """The régies the user is appointed to on that day (agent, régisseur or suppléant); when the commune has
    recorded no appointment at all, every régie (a commune usually has one)."""
    appointed = RegieStaff.objects.filter(user_id=user_id, valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    regies = Regie.objects.order_by("pk")
    if RegieStaff.objects.exists():
        regies = regies.filter(pk__in=appointed.values("regie_id"))
    return [RegieRef(r.pk, r.name_fr, r.name_ar) for r in regies]


def is_regisseur_of(*, user_id: int, regie_id: int, on: dt.date) -> bool:
    return (
        RegieStaff.objects.filter(
            user_id=user_id, regie_id=regie_id, role__in=[StaffRole.REGISSEUR, StaffRole.SUPPLEANT]
        )
        .filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )


@dataclass(frozen=True)
class ReferenceCursor:
    """Where a device's last download stopped: the highest ids of append-only rows (redevables, taxes,
    tariff versions) and the latest asset change."""

    redevable_id: int = 0
    tax_id: int = 0
    tariff_id: int = 0
    asset_changed: dt.datetime | None = None


@dataclass(frozen=True)
class ReferenceData:
    redevables: list[dict[str, object]]
    assets: list[dict[str, object]]
    taxes: list[dict[str, object]]
    tariffs: list[dict[str, object]]
    cursor: ReferenceCursor


def reference_since(*, since: ReferenceCursor) -> ReferenceData:
    """What changed since the cursor: new redevables, taxes and tariff versions (never edited in place: a new
    tariff is a new version), assets created or changed. A zero cursor gives everything."""
    redevable_rows = list(
        Redevable.objects.filter(pk__gt=since.redevable_id)
        .order_by("pk")
        .values("id", "name", "cin", "rc", "ice", "address")
    )
    tax_rows = list(
        Tax.objects.filter(pk__gt=since.tax_id)
        .order_by("pk")
        .values("id", "code", "name_fr", "name_ar", "base_kind", "budget_line")
    )
    tariff_rows = list(
        Tariff.objects.filter(pk__gt=since.tariff_id).order_by("pk").values("id", "tax_id", "rate", "valid_from")
    )
    assets_qs = Asset.objects.order_by("updated_at", "pk")
    if since.asset_changed is not None:
        # A few minutes of overlap: a change committed late with an earlier timestamp is still sent (devices
        # upsert by id, so a repeat is harmless).
        assets_qs = assets_qs.filter(updated_at__gt=since.asset_changed - ASSET_OVERLAP)
    asset_rows = list(
        assets_qs.values(
            "id",
            "redevable_id",
            "kind",
            "reference",
            "label",
            "address",
            "surface_m2",
            "tax_id",
            "active",
            "updated_at",
        )
    )
    cursor = ReferenceCursor(
        redevable_id=max([since.redevable_id, *[r["id"] for r in redevable_rows]]),
        tax_id=max([since.tax_id, *[t["id"] for t in tax_rows]]),
        tariff_id=max([since.tariff_id, *[t["id"] for t in tariff_rows]]),
        asset_changed=asset_rows[-1]["updated_at"] if asset_rows else since.asset_changed,
    )
    redevables: list[dict[str, object]] = [dict(r) for r in redevable_rows]
    taxes: list[dict[str, object]] = [dict(t) for t in tax_rows]
    tariffs: list[dict[str, object]] = [dict(t) for t in tariff_rows]
    assets: list[dict[str, object]] = [{k: v for k, v in a.items() if k != "updated_at"} for a in asset_rows]
    return ReferenceData(redevables, assets, taxes, tariffs, cursor)


@dataclass(frozen=True)
class LatePayment:
    """A payment taken offline on a day closed before the sync, booked into the next open day (an incident)."""

    recorded_at: dt.datetime
    agent_label: str
    number: int | None
    amount_dh: Decimal | None
    taken_on: dt.date
    booked_on: dt.date | None
    collected_at: str


def late_payments(*, limit: int = 100) -> list[LatePayment]:
    """The late_payment incidents, newest first: what the régisseur's supervision lists."""
    rows = Incident.objects.filter(kind=IncidentKind.LATE_PAYMENT).select_related("agent").order_by("-created_at")
    return [
        LatePayment(
            recorded_at=i.created_at,
            agent_label=(i.agent.get_full_name() or i.agent.get_username()) if i.agent is not None else "—",
            number=i.data.get("number"),
            amount_dh=i.amount_dh,
            taken_on=i.day,
            booked_on=dt.date.fromisoformat(i.data["booked_on"]) if i.data.get("booked_on") else None,
            collected_at=str(i.data.get("collected_at", "")),
        )
        for i in rows[:limit]
    ]
