"""Reads of the régie: the stub book, a day's takings, pending cancellations, ordres, the état des restes à
recouvrer, the journal per budget line and the receipts export for the Treasury. No writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Greatest

from . import exceptions, permissions
from . import liquidation as formulas
from .models import (
    Asset,
    BaseKind,
    Bordereau,
    BudgetLine,
    CancellationRequest,
    CancellationStatus,
    Incident,
    Liquidation,
    OrdreRecette,
    OrdreRecetteEvent,
    OrdreRecetteLine,
    OrdreStatus,
    Quittance,
    QuittanceBlock,
    QuittanceCancellation,
    QuittanceSeries,
    Redevable,
    Regie,
    RegieStaff,
    Tariff,
    Tax,
    Versement,
    VersementItem,
    VersementLevel,
)
from .permissions import ROLES

ZERO = Decimal("0")
CENT = Decimal("0.01")
OPEN_ORDRE = (OrdreStatus.ISSUED, OrdreStatus.TAKEN_IN_CHARGE)


# --- Who may see what -------------------------------------------------------------------------------------
# Decided here, once: every page, API route and document of the régie reads through the selectors below with
# `viewer=`, so the same resource answers the same everywhere. The régie's staff (agents, the régisseur and the
# suppléant) read redevables, liquidations and any quittance (a payer comes back for a copy); an agent reads
# only his own takings, day summaries and closes (another agent's close is "not found", as on the screens);
# what the screens keep for the régisseur — cancellations awaiting approval, ordres de recette, bordereaux, the
# état des restes, the journal, the receipts export, incidents and the audit list — is refused to anyone else.


def _require_staff(viewer: Any) -> None:
    if not permissions.is_staff_member(viewer):
        raise exceptions.NotACollector()


def _require_regisseur(viewer: Any) -> None:
    if not permissions.is_regisseur(viewer):
        raise exceptions.NotARegisseur()


def may_read(*, viewer: Any) -> bool:
    """Whether the viewer reads the régie at all (its staff)."""
    return permissions.is_staff_member(viewer)


def may_supervise(*, viewer: Any) -> bool:
    """Whether the viewer reads what is kept for the régisseur (the whole régie's takings, every close)."""
    return permissions.is_regisseur(viewer)


def takings_scope(*, viewer: Any, agent_id: int | None) -> int | None:
    """Whose takings the viewer reads when asking for `agent_id`: the régisseur anyone's (None: the whole
    régie's); an agent his own only (None means his own). Raises NotACollector, NotARegisseur (another's)."""
    _require_staff(viewer)
    if permissions.is_regisseur(viewer):
        return agent_id
    if agent_id is None or agent_id == viewer.pk:
        return int(viewer.pk)
    raise exceptions.NotARegisseur()


# --- The stub book ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesReport:
    numbers: list[int]
    gaps: list[int]
    duplicates: list[int]
    cancelled: list[int]
    net_total_dh: Decimal
    # Missing numbers that are not gaps: still in a collector's open block, or returned with a closed block.
    reserved: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)


def series_report(*, series_id: int) -> SeriesReport:
    """The stub book of one series: numbers issued, cancelled numbers, net total, and each missing number
    classified — unused in an open block (reserved), unused in a closed block (returned), or a gap."""
    numbers = list(Quittance.objects.filter(series_id=series_id).order_by("number").values_list("number", flat=True))
    last = QuittanceSeries.objects.filter(pk=series_id).values_list("last_number", flat=True).first() or 0
    top = max([last, *numbers]) if numbers else last
    duplicates = sorted({n for n in numbers if numbers.count(n) > 1}) if len(set(numbers)) != len(numbers) else []
    missing = sorted(set(range(1, top + 1)) - set(numbers))
    blocks = list(
        QuittanceBlock.objects.filter(series_id=series_id).values_list("first_number", "last_number", "closed_at")
    )
    reserved, returned, gaps = [], [], []
    for n in missing:
        block = next((b for b in blocks if b[0] <= n <= b[1]), None)
        if block is None:
            gaps.append(n)
        elif block[2] is None:
            reserved.append(n)
        else:
            returned.append(n)
    cancelled = list(
        QuittanceCancellation.objects.filter(quittance__series_id=series_id)
        .order_by("quittance__number")
        .values_list("quittance__number", flat=True)
    )
    issued = Quittance.objects.filter(series_id=series_id).aggregate(s=Sum("amount_dh"))["s"] or ZERO
    counter = QuittanceCancellation.objects.filter(quittance__series_id=series_id).aggregate(s=Sum("amount_dh"))["s"]
    return SeriesReport(numbers, gaps, duplicates, cancelled, issued + (counter or ZERO), reserved, returned)


# --- Reference --------------------------------------------------------------------------------------------


def staff_user_get(*, user_id: int) -> Any:
    """An active user of the commune (an agent whose day is closed). Raises DoesNotExist (→ 404)."""
    return get_user_model().objects.get(pk=user_id, is_active=True)


def regie_default() -> Regie | None:
    """The commune's régie (the first one created), or None before setup."""
    return Regie.objects.order_by("pk").first()


def regie_get(*, regie_id: int) -> Regie:
    """Raises Regie.DoesNotExist (→ 404)."""
    return Regie.objects.prefetch_related("budget_lines").get(pk=regie_id)


def budget_lines(*, regie_id: int | None = None) -> QuerySet[BudgetLine]:
    """All budget lines, or those the régie's arrêté authorises."""
    qs = BudgetLine.objects.all()
    if regie_id is not None:
        qs = qs.filter(regies__id=regie_id)
    return qs.order_by("code")


@dataclass(frozen=True)
class TaxInForce:
    tax_id: int
    code: str
    name_fr: str
    name_ar: str
    base_kind: str
    budget_line: str
    rate: Decimal | None
    valid_from: dt.date | None
    arrete_reference: str

    def get_base_kind_display(self) -> str:
        return str(BaseKind(self.base_kind).label)


def taxes_in_force(*, on: dt.date) -> list[TaxInForce]:
    """Each tax with the tariff in force on that day (rate None when none is in force yet)."""
    result = []
    for tax in Tax.objects.order_by("code").prefetch_related(
        Prefetch("tariffs", queryset=Tariff.objects.filter(valid_from__lte=on).order_by("-valid_from"))
    ):
        tariff = next(iter(tax.tariffs.all()), None)
        result.append(
            TaxInForce(
                tax.pk,
                tax.code,
                tax.name_fr,
                tax.name_ar,
                tax.base_kind,
                tax.budget_line,
                tariff.rate if tariff else None,
                tariff.valid_from if tariff else None,
                tariff.arrete_reference if tariff else "",
            )
        )
    return result


def redevable_search(*, q: str, limit: int = 20) -> list[Redevable]:
    """Redevables by exact CIN, RC or ICE, or by name in either script: a part of it (ILIKE, served by the trigram
    GIN indexes of migration 0007), or a misspelling (pg_trgm word similarity ≥ 0.4), closest first."""
    q = " ".join(q.split())
    if not q:
        return list(Redevable.objects.order_by("name")[:limit])
    closeness = Greatest(TrigramWordSimilarity(q, "name"), TrigramWordSimilarity(q, "name_ar"))
    match = (
        Q(name__icontains=q)
        | Q(name_ar__icontains=q)
        | Q(closeness__gte=FUZZY_MIN)
        | Q(cin__iexact=q)
        | Q(rc__iexact=q)
        | Q(ice=q)
    )
    found = Redevable.objects.annotate(closeness=closeness).filter(match)
    return list(found.order_by("-closeness", "name", "pk")[:limit])


FUZZY_MIN = 0.4


def redevable_get(*, redevable_id: int) -> Redevable:
    """Raises Redevable.DoesNotExist (→ 404)."""
    return Redevable.objects.get(pk=redevable_id)


def assets_of(*, redevable_id: int) -> QuerySet[Asset]:
    return Asset.objects.filter(redevable_id=redevable_id).select_related("tax").order_by("kind", "reference")


def liquidation_get(*, liquidation_id: int) -> Liquidation:
    """Raises Liquidation.DoesNotExist (→ 404)."""
    return Liquidation.objects.select_related("tax", "redevable", "asset").get(pk=liquidation_id)


def quittance_get(*, quittance_id: int, viewer: Any) -> Quittance:
    """Any quittance, for the régie's staff. Raises NotACollector, Quittance.DoesNotExist (→ 404)."""
    _require_staff(viewer)
    return Quittance.objects.select_related("series", "tax", "redevable", "cancellation", "agent").get(pk=quittance_id)


# --- A day's takings ------------------------------------------------------------------------------------


def quittances_for_day(*, regie_id: int, day: dt.date, viewer: Any, agent_id: int | None = None) -> QuerySet[Quittance]:
    """The day's quittances (cancelled ones included, with their counter-entry), in register order: the whole
    régie's or one agent's (an agent: his own, see takings_scope). Raises NotACollector, NotARegisseur."""
    agent_id = takings_scope(viewer=viewer, agent_id=agent_id)
    qs = Quittance.objects.filter(series__regie_id=regie_id, day=day)
    if agent_id is not None:
        qs = qs.filter(agent_id=agent_id)
    return qs.select_related("series", "tax", "cancellation", "agent").order_by("series__series", "number")


@dataclass(frozen=True)
class BudgetLineTotal:
    budget_line: str
    label_fr: str
    count: int
    issued_dh: Decimal
    cancelled_count: int
    cancelled_dh: Decimal
    net_dh: Decimal


@dataclass(frozen=True)
class DaySummary:
    regie_id: int
    day: dt.date
    agent_id: int | None
    count: int
    cancelled_count: int
    issued_dh: Decimal
    cancelled_dh: Decimal
    net_dh: Decimal
    expected_dh: Decimal  # net of the quittances not yet in a versement of this level: what the close expects
    pending_count: int
    by_budget_line: list[BudgetLineTotal]
    by_payment_method: dict[str, Decimal]
    locked: bool
    versement_id: int | None
    # The arrêté's cash ceiling: takings above it are paid in without waiting (the régisseur is told).
    cash_ceiling_dh: Decimal = ZERO
    over_ceiling: bool = False


def _labels() -> dict[str, str]:
    return dict(BudgetLine.objects.values_list("code", "label_fr"))


def _totals_by_line(quittances: QuerySet[Quittance]) -> list[BudgetLineTotal]:
    rows = (
        quittances.values("budget_line")
        .annotate(
            count=Count("pk"),
            issued=Sum("amount_dh"),
            cancelled_count=Count("cancellation"),
            cancelled=Sum("amount_dh", filter=Q(cancellation__isnull=False)),
        )
        .order_by("budget_line")
    )
    labels = _labels()
    return [
        BudgetLineTotal(
            r["budget_line"],
            labels.get(r["budget_line"], ""),
            r["count"],
            r["issued"] or ZERO,
            r["cancelled_count"],
            r["cancelled"] or ZERO,
            (r["issued"] or ZERO) - (r["cancelled"] or ZERO),
        )
        for r in rows
    ]


def day_summary(*, regie_id: int, day: dt.date, viewer: Any, agent_id: int | None = None) -> DaySummary:
    """A day's takings (the régie's, or one agent's; an agent: his own, see takings_scope): counts, issued,
    cancelled, net, what a close would expect, per budget line and payment method, and whether that day is closed
    (with its versement). Raises NotACollector, NotARegisseur."""
    agent_id = takings_scope(viewer=viewer, agent_id=agent_id)
    quittances = Quittance.objects.filter(series__regie_id=regie_id, day=day)
    if agent_id is not None:
        quittances = quittances.filter(agent_id=agent_id)
    by_line = _totals_by_line(quittances)
    level = VersementLevel.AGENT if agent_id is not None else VersementLevel.REGIE
    pending = quittances.exclude(versement_items__level=level)
    if agent_id is not None:
        # An agent's takings already paid in with the régie's versement (the régisseur closed the whole day) are
        # no longer the agent's to pay in.
        pending = pending.exclude(versement_items__level=VersementLevel.REGIE)
    pending_net = (pending.filter(cancellation__isnull=True).aggregate(s=Sum("amount_dh"))["s"]) or ZERO
    methods = {
        r["payment_method"]: r["s"] or ZERO
        for r in quittances.filter(cancellation__isnull=True)
        .values("payment_method")
        .annotate(s=Sum("amount_dh"))
        .order_by("payment_method")
    }
    locked = Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=agent_id)
    versement = (
        Versement.objects.filter(regie_id=regie_id, day=day, level=level, agent_id=agent_id)
        .values_list("pk", flat=True)
        .first()
    )
    issued = sum((r.issued_dh for r in by_line), ZERO)
    cancelled = sum((r.cancelled_dh for r in by_line), ZERO)
    ceiling = Regie.objects.filter(pk=regie_id).values_list("cash_ceiling_dh", flat=True).first() or ZERO
    return DaySummary(
        regie_id=regie_id,
        day=day,
        agent_id=agent_id,
        count=sum(r.count for r in by_line),
        cancelled_count=sum(r.cancelled_count for r in by_line),
        issued_dh=issued,
        cancelled_dh=cancelled,
        net_dh=issued - cancelled,
        expected_dh=pending_net,
        pending_count=pending.count(),
        by_budget_line=by_line,
        by_payment_method=methods,
        locked=Versement.objects.filter(locked, regie_id=regie_id, day=day).exists(),
        versement_id=versement,
        cash_ceiling_dh=ceiling,
        over_ceiling=pending_net > ceiling,
    )


def cancellations_pending(*, viewer: Any, regie_id: int | None = None) -> QuerySet[CancellationRequest]:
    """Requests awaiting a supervisor, oldest first: for the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    qs = CancellationRequest.objects.filter(status=CancellationStatus.PENDING)
    if regie_id is not None:
        qs = qs.filter(quittance__series__regie_id=regie_id)
    return qs.select_related("quittance", "quittance__series", "requested_by").order_by("requested_at", "pk")


def cancellation_request_get(*, request_id: int, viewer: Any) -> CancellationRequest:
    """A cancellation request, for the régie's staff (the quittance's page lists them). Raises NotACollector,
    CancellationRequest.DoesNotExist (→ 404)."""
    _require_staff(viewer)
    return CancellationRequest.objects.select_related("quittance", "requested_by", "decided_by").get(pk=request_id)


def _versements_visible(viewer: Any) -> QuerySet[Versement]:
    """The closes the viewer may read: every one for the régisseur, an agent's own for an agent."""
    _require_staff(viewer)
    if permissions.is_regisseur(viewer):
        return Versement.objects.all()
    return Versement.objects.filter(agent_id=viewer.pk, level=VersementLevel.AGENT)


def versements_list(
    *,
    regie_id: int,
    viewer: Any,
    start: dt.date | None = None,
    end: dt.date | None = None,
    agent_id: int | None = None,
) -> QuerySet[Versement]:
    """The régie's closes the viewer may read (an agent: his own), newest first; `agent_id`: only that agent's
    closes. Raises NotACollector."""
    qs = _versements_visible(viewer).filter(regie_id=regie_id)
    if agent_id is not None:
        qs = qs.filter(agent_id=agent_id)
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    return qs.select_related("agent", "closed_by").order_by("-day", "-number")


def versement_get(*, versement_id: int, viewer: Any) -> Versement:
    """A close the viewer may read (an agent: his own; another's is "not found"). Raises NotACollector,
    Versement.DoesNotExist (→ 404)."""
    return _versements_visible(viewer).select_related("agent", "closed_by", "regie").get(pk=versement_id)


def versement_items(*, versement_id: int, viewer: Any) -> QuerySet[VersementItem]:
    """The relevé nominatif: each quittance of the versement with its net amount (0 when cancelled), for whoever
    may read the versement. Raises NotACollector, Versement.DoesNotExist (→ 404)."""
    versement_id = _versements_visible(viewer).values_list("pk", flat=True).get(pk=versement_id)
    return (
        VersementItem.objects.filter(versement_id=versement_id)
        .select_related("quittance", "quittance__series", "quittance__cancellation")
        .order_by("quittance__series__series", "quittance__number")
    )


def incidents_list(*, regie_id: int, viewer: Any, day: dt.date | None = None) -> QuerySet[Incident]:
    """The régie's incidents, newest first: for the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    qs = Incident.objects.filter(regie_id=regie_id)
    if day is not None:
        qs = qs.filter(day=day)
    return qs.order_by("-created_at")


# --- Ordres de recette --------------------------------------------------------------------------------------


def versement_incidents(*, versement_id: int, viewer: Any) -> list[Incident]:
    """The incidents a close recorded (a cash difference), for whoever may read the close. Raises
    NotACollector, Versement.DoesNotExist (→ 404)."""
    versement_id = _versements_visible(viewer).values_list("pk", flat=True).get(pk=versement_id)
    return list(Incident.objects.filter(versement_id=versement_id).order_by("-created_at"))


def ordres_list(*, regie_id: int, exercice: int, viewer: Any, status: str | None = None) -> QuerySet[OrdreRecette]:
    """Ordres de recette of an exercice, by number: for the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    qs = OrdreRecette.objects.filter(regie_id=regie_id, exercice=exercice)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("tax", "bordereau").prefetch_related("lines").order_by("number")


def ordre_get(*, ordre_id: int, viewer: Any) -> OrdreRecette:
    """For the régisseur. Raises NotARegisseur, OrdreRecette.DoesNotExist (→ 404)."""
    _require_regisseur(viewer)
    return OrdreRecette.objects.select_related("tax", "bordereau").prefetch_related("lines", "events").get(pk=ordre_id)


def bordereaux_list(*, regie_id: int, exercice: int, viewer: Any) -> QuerySet[Bordereau]:
    """For the régisseur. Raises NotARegisseur."""
    _require_regisseur(viewer)
    return Bordereau.objects.filter(regie_id=regie_id, exercice=exercice).prefetch_related("ordres").order_by("number")


def bordereau_get(*, bordereau_id: int, viewer: Any) -> Bordereau:
    """For the régisseur. Raises NotARegisseur, Bordereau.DoesNotExist (→ 404)."""
    _require_regisseur(viewer)
    return Bordereau.objects.prefetch_related("ordres").get(pk=bordereau_id)


@dataclass(frozen=True)
class ResteRow:
    redevable_id: int
    payer_name: str
    identifier: str
    budget_line: str
    ordre_numbers: list[int]
    amount_dh: Decimal
    recovered_dh: Decimal
    remaining_dh: Decimal


@dataclass(frozen=True)
class RestesReport:
    regie_id: int
    exercice: int
    as_of: dt.date
    rows: list[ResteRow]
    total_dh: Decimal
    remaining_dh: Decimal


def _identifier(redevable: Redevable) -> str:
    parts = [f"CIN {redevable.cin}" if redevable.cin else "", f"RC {redevable.rc}" if redevable.rc else ""]
    parts.append(f"ICE {redevable.ice}" if redevable.ice else "")
    return " / ".join(p for p in parts if p)


@dataclass
class _Reste:
    redevable: Redevable
    payer_name: str
    numbers: set[int] = field(default_factory=set)
    amount: Decimal = ZERO
    recovered: Decimal = ZERO


def restes_a_recouvrer(*, regie_id: int, exercice: int, as_of: dt.date, viewer: Any) -> RestesReport:
    """État des restes à recouvrer on a date: ordres issued by then and, as of that date, still issued or taken
    in charge (or recovered only in part), less what was recovered; by redevable and budget line. For the
    régisseur: raises NotARegisseur."""
    _require_regisseur(viewer)
    ordres = list(
        OrdreRecette.objects.filter(regie_id=regie_id, exercice=exercice, issued_at__date__lte=as_of).prefetch_related(
            Prefetch("lines", queryset=OrdreRecetteLine.objects.select_related("redevable"))
        )
    )
    status_on: dict[int, str] = {}
    for event in (
        OrdreRecetteEvent.objects.filter(ordre__in=ordres, at__date__lte=as_of)
        .order_by("at", "pk")
        .only("ordre_id", "to_status")
    ):
        status_on[event.ordre_id] = event.to_status
    acc: dict[tuple[int, str], _Reste] = {}
    for ordre in ordres:
        status = status_on.get(ordre.pk, OrdreStatus.ISSUED)
        if status in OPEN_ORDRE:
            recovered = ZERO
        elif status == OrdreStatus.RECOVERED and ordre.recovered_dh < ordre.amount_dh:
            recovered = ordre.recovered_dh
        else:
            continue
        for line in ordre.lines.all():
            share = (line.amount_dh * recovered / ordre.amount_dh).quantize(CENT, rounding=ROUND_HALF_UP)
            row = acc.setdefault((line.redevable_id, ordre.budget_line), _Reste(line.redevable, line.payer_name))
            row.numbers.add(ordre.number)
            row.amount += line.amount_dh
            row.recovered += share
    result = [
        ResteRow(
            redevable_id,
            row.payer_name,
            _identifier(row.redevable),
            line_code,
            sorted(row.numbers),
            row.amount,
            row.recovered,
            row.amount - row.recovered,
        )
        for (redevable_id, line_code), row in sorted(acc.items(), key=lambda kv: (kv[1].payer_name, kv[0][1]))
    ]
    return RestesReport(
        regie_id,
        exercice,
        as_of,
        result,
        sum((r.amount_dh for r in result), ZERO),
        sum((r.remaining_dh for r in result), ZERO),
    )


def authorisations_without_ordre(*, regie_id: int, exercice: int, viewer: Any) -> QuerySet[Asset]:
    """Biens and activités owing a tax with, for the exercice, neither a quittance of that tax from their
    redevable nor an ordre de recette (not cancelled) for them: the Meknès terraces case. For the régisseur:
    raises NotARegisseur."""
    _require_regisseur(viewer)
    paid = Quittance.objects.filter(
        series__regie_id=regie_id,
        series__exercice=exercice,
        redevable_id=OuterRef("redevable_id"),
        tax_id=OuterRef("tax_id"),
        cancellation__isnull=True,
    )
    ordered = (
        OrdreRecetteLine.objects.filter(
            ordre__regie_id=regie_id, ordre__exercice=exercice, ordre__tax_id=OuterRef("tax_id")
        )
        .filter(Q(asset_id=OuterRef("pk")) | Q(asset__isnull=True, redevable_id=OuterRef("redevable_id")))
        .exclude(ordre__status=OrdreStatus.CANCELLED)
    )
    return (
        Asset.objects.filter(active=True, tax__isnull=False)
        .filter(~Exists(paid), ~Exists(ordered))
        .select_related("redevable", "tax")
        .order_by("tax__code", "redevable__name", "reference")
    )


# --- Journal and the receipts export -----------------------------------------------------------------------


@dataclass(frozen=True)
class Journal:
    regie_id: int
    start: dt.date
    end: dt.date
    rows: list[BudgetLineTotal]
    count: int
    issued_dh: Decimal
    cancelled_dh: Decimal
    net_dh: Decimal


def journal(*, regie_id: int, start: dt.date, end: dt.date, viewer: Any) -> Journal:
    """The journal of a day, a month or a year (any range of accounting days, inclusive) per budget line:
    quittances issued, cancelled (a cancellation counts on its quittance's day), net, count. For the régisseur:
    raises NotARegisseur."""
    _require_regisseur(viewer)
    rows = _totals_by_line(Quittance.objects.filter(series__regie_id=regie_id, day__gte=start, day__lte=end))
    issued = sum((r.issued_dh for r in rows), ZERO)
    cancelled = sum((r.cancelled_dh for r in rows), ZERO)
    return Journal(regie_id, start, end, rows, sum(r.count for r in rows), issued, cancelled, issued - cancelled)


RECEIPTS_CSV_HEADER = [
    "date",
    "regie",
    "exercice",
    "series",
    "number",
    "budget_line",
    "tax_code",
    "payer",
    "cin",
    "rc",
    "ice",
    "amount_dh",
    "payment_method",
    "status",
]


def receipts_csv(
    *, regie_id: int, start: dt.date, end: dt.date, viewer: Any, budget_line: str | None = None
) -> Iterator[list[str]]:
    """Rows of the receipts export for the Treasury (header first): one per quittance of the accounting days
    start..end, plus one negative counter-entry row per cancelled one. See docs/modules/regie.md. For the
    régisseur: raises NotARegisseur (at once, not at the first row)."""
    _require_regisseur(viewer)
    return _receipts_rows(regie_id=regie_id, start=start, end=end, budget_line=budget_line)


def _receipts_rows(*, regie_id: int, start: dt.date, end: dt.date, budget_line: str | None) -> Iterator[list[str]]:
    regie = Regie.objects.filter(pk=regie_id).values_list("arrete_number", flat=True).first() or ""
    qs = Quittance.objects.filter(series__regie_id=regie_id, day__gte=start, day__lte=end)
    if budget_line:
        qs = qs.filter(budget_line=budget_line)
    yield RECEIPTS_CSV_HEADER
    for q in qs.select_related("series", "tax", "redevable", "cancellation").order_by(
        "day", "series__exercice", "series__series", "number"
    ):
        cancellation = getattr(q, "cancellation", None)
        common = [
            q.day.isoformat(),
            regie,
            str(q.series.exercice),
            q.series.series,
            str(q.number),
            q.budget_line,
            q.tax.code,
            q.payer_name,
            q.redevable.cin,
            q.redevable.rc,
            q.redevable.ice,
        ]
        yield [*common, f"{q.amount_dh:.2f}", q.payment_method, "cancelled" if cancellation else "valid"]
        if cancellation is not None:
            yield [*common, f"{cancellation.amount_dh:.2f}", q.payment_method, "counter_entry"]


# --- A redevable's history, a quittance's requests, debtors by identifier ----------------------------------------


@dataclass(frozen=True)
class RedevableHistory:
    quittances: list[Quittance]
    liquidations: list[Liquidation]
    ordre_lines: list[OrdreRecetteLine]


def redevable_history(*, redevable_id: int, limit: int = 100) -> RedevableHistory:
    """What a redevable paid, was liquidated and owes by ordre de recette, newest first (`limit` of each)."""
    return RedevableHistory(
        quittances=list(
            Quittance.objects.filter(redevable_id=redevable_id)
            .select_related("series", "tax", "cancellation")
            .order_by("-issued_at", "-pk")[:limit]
        ),
        liquidations=list(
            Liquidation.objects.filter(redevable_id=redevable_id)
            .select_related("tax", "asset")
            .order_by("-created_at", "-pk")[:limit]
        ),
        ordre_lines=list(
            OrdreRecetteLine.objects.filter(redevable_id=redevable_id)
            .select_related("ordre", "ordre__tax", "asset")
            .order_by("-ordre__issued_at", "-pk")[:limit]
        ),
    )


def cancellation_requests_of(*, quittance_id: int, viewer: Any) -> QuerySet[CancellationRequest]:
    """Every cancellation request of a quittance (pending, approved, rejected), oldest first, for the régie's
    staff (who read the quittance). Raises NotACollector."""
    _require_staff(viewer)
    return (
        CancellationRequest.objects.filter(quittance_id=quittance_id)
        .select_related("requested_by", "decided_by")
        .order_by("requested_at", "pk")
    )


def redevable_ids_by_identifier(*, identifiers: list[str]) -> dict[str, int | None]:
    """Each identifier — an exact CIN, RC or ICE, or "#id" — → the one redevable it names, or None when it names
    none or several. One query for a whole collective ordre's list of debtors."""
    wanted = {who: who.strip().upper() for who in identifiers}
    ids = {who: int(key[1:]) for who, key in wanted.items() if key.startswith("#") and key[1:].isdigit()}
    keys = {key for who, key in wanted.items() if who not in ids and key}
    if not ids and not keys:
        return dict.fromkeys(identifiers)
    rows = Redevable.objects.filter(
        Q(pk__in=set(ids.values())) | Q(cin__in=keys) | Q(rc__in=keys) | Q(ice__in=keys)
    ).values_list("pk", "cin", "rc", "ice")
    by_key: dict[str, set[int]] = {}
    known: set[int] = set()
    for pk, cin, rc, ice in rows:
        known.add(pk)
        for value in {cin, rc, ice} - {""}:
            by_key.setdefault(value.upper(), set()).add(pk)
    result: dict[str, int | None] = {}
    for who, key in wanted.items():
        if who in ids:
            result[who] = ids[who] if ids[who] in known else None
        else:
            found = by_key.get(key, set())
            result[who] = next(iter(found)) if len(found) == 1 else None
    return result


# --- The reference as the setup keeps it: appointments, taxes and their tariff versions -------------------------


def tax_get(*, tax_id: int) -> Tax:
    """Raises Tax.DoesNotExist (→ 404)."""
    return Tax.objects.get(pk=tax_id)


def taxes_list() -> QuerySet[Tax]:
    return Tax.objects.order_by("code")


def tariff_versions(*, tax_id: int) -> QuerySet[Tariff]:
    """Every version of a tax's rate, the latest date of effect first (the one in force is the first not after
    the day asked: see taxes_in_force / services.tariff_in_force)."""
    return Tariff.objects.filter(tax_id=tax_id).order_by("-valid_from")


def tariffs_by_tax() -> dict[int, list[Tariff]]:
    """All tariff versions, per tax id, latest first: the setup's history of every tax in one query."""
    result: dict[int, list[Tariff]] = {}
    for tariff in Tariff.objects.order_by("tax_id", "-valid_from"):
        result.setdefault(tariff.tax_id, []).append(tariff)
    return result


def staff_appointments(*, regie_id: int, current_on: dt.date | None = None) -> QuerySet[RegieStaff]:
    """The régie's appointments by arrêté — past and current, or only those in force on `current_on` — by role,
    the latest first."""
    qs = RegieStaff.objects.filter(regie_id=regie_id)
    if current_on is not None:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=current_on), valid_from__lte=current_on)
    return qs.select_related("user").order_by("role", "-valid_from", "pk")


def staff_appointment_get(*, staff_id: int) -> RegieStaff:
    """Raises RegieStaff.DoesNotExist (→ 404)."""
    return RegieStaff.objects.select_related("user").get(pk=staff_id)


def users_with_regie_roles(*, groups: tuple[str, ...] | None = None) -> list[Any]:
    """Active users holding one of the régie's groups (all of them by default), by username."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=groups or ROLES)
        .distinct()
        .order_by("username")
    )


def commune_users() -> list[Any]:
    """The commune's active accounts, to appoint one of them (by username)."""
    return list(get_user_model().objects.filter(is_active=True).order_by("username"))


@dataclass(frozen=True)
class CounterPreview:
    """What the counter shows before a quittance is numbered: the liquidation, the total in figures and words."""

    tax_label_fr: str
    tax_label_ar: str
    base: Decimal
    rate: Decimal
    principal_dh: Decimal
    penalties_dh: Decimal
    total_dh: Decimal
    words_fr: str
    words_ar: str


def counter_payment_preview(*, regie_id: int, agent_id: int, tax_id: int, base: Decimal, on: dt.date) -> CounterPreview:
    """The counter payment's liquidation (base × rate in force `on`, no penalties at the counter), checked against
    what would refuse it at once. Raises TaxNotFound, NoTariff, DayLocked."""
    tax = Tax.objects.filter(pk=tax_id).first()
    if tax is None:
        raise exceptions.TaxNotFound()
    tariff = Tariff.objects.filter(tax_id=tax_id, valid_from__lte=on).order_by("-valid_from").first()
    if tariff is None:
        raise exceptions.NoTariff(extra={"tax_id": tax_id, "on": on.isoformat()})
    locked = Q(level=VersementLevel.REGIE) | Q(level=VersementLevel.AGENT, agent_id=agent_id)
    if Versement.objects.filter(locked, regie_id=regie_id, day=on).exists():
        raise exceptions.DayLocked(extra={"day": on.isoformat()})
    principal = (base * tariff.rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    penalties = Decimal("0.00")
    total = principal + penalties
    words_fr, words_ar = formulas.amount_words(total)
    return CounterPreview(
        tax_label_fr=tax.name_fr,
        tax_label_ar=tax.name_ar,
        base=base,
        rate=tariff.rate,
        principal_dh=principal,
        penalties_dh=penalties,
        total_dh=total,
        words_fr=words_fr,
        words_ar=words_ar,
    )


# --- for support ---
def support_quittances_issued(*, schemas: list[str], since: dt.datetime) -> dict[str, int]:
    """Quittances issued since `since` in each of these communes (counts only, one query: the fleet's health)."""
    from jamaa.platform.kernel.fleet_counts import count_per_schema

    return count_per_schema(
        table=Quittance._meta.db_table, condition="issued_at >= %s", params=[since], schemas=schemas
    )
