"""Redevables: search, detail, their biens/activités, their history and debtors by identifier."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q, QuerySet
from django.db.models.functions import Greatest

from ..models import (
    Asset,
    Liquidation,
    OrdreRecetteLine,
    Quittance,
    Redevable,
)


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
