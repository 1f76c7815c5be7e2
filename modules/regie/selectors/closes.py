"""A day's takings, its summary, versements and incidents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from .. import permissions
from ..models import (
    BudgetLine,
    Incident,
    Quittance,
    Regie,
    Versement,
    VersementItem,
    VersementLevel,
)
from .reference import users_with_regie_roles
from .visibility import ZERO, _require_regisseur, _require_staff, takings_scope

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


def versement_incidents(*, versement_id: int, viewer: Any) -> list[Incident]:
    """The incidents a close recorded (a cash difference), for whoever may read the close. Raises
    NotACollector, Versement.DoesNotExist (→ 404)."""
    versement_id = _versements_visible(viewer).values_list("pk", flat=True).get(pk=versement_id)
    return list(Incident.objects.filter(versement_id=versement_id).order_by("-created_at"))


def closing_agents(*, viewer: Any) -> list[Any]:
    """Whose takings the viewer may close or count on the close page: the régisseur any of the régie's staff (and
    the whole régie's), an agent only himself. The service day_close refuses anything else (can_close_day).
    Raises NotACollector."""
    _require_staff(viewer)
    if permissions.is_regisseur(viewer):
        return users_with_regie_roles()
    return [viewer]
