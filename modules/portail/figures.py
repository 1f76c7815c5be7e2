"""The published figures, precomputed per commune: each open dataset's rows as its module last gave them (through
its kernel.portal registration, never its tables), kept in `FiguresSnapshot` in the commune's own schema. The
transparency pages and open-data files read the snapshot (one small query) instead of recomputing every module's
aggregates on each visit.

Fresh means: computed at the commune's current data version and less than MAX_AGE ago. The version (in the cache,
per schema) moves after every committed save or delete of a model of a module that publishes a dataset, so a new
payment or permit shows at the next visit; writes the signals do not see (bulk updates, SQL) show within MAX_AGE
(the beat's `figures_refresh` every 10 minutes, and a visit finding the snapshot too old). A stale snapshot is
recomputed by one visitor at a time (a lock per commune); meanwhile the others get the previous figures, uncached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from jamaa.platform.kernel import portal as kernel_portal

from .models import FiguresSnapshot

MAX_AGE = dt.timedelta(minutes=15)
LOCK_SECONDS = 120

Rows = list[dict[str, kernel_portal.Value]]


def _schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def version_key(schema: str | None = None) -> str:
    return f"portail:figures:v:{schema or _schema()}"


def version() -> int:
    value = cache.get(version_key(), 0)
    return value if isinstance(value, int) else 0


def _bump(schema: str) -> None:
    key = version_key(schema)
    if not cache.add(key, 1, None):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, None)


def _published_modules() -> frozenset[str]:
    return frozenset(ds.module for ds in kernel_portal.datasets())


def data_changed(sender: Any, **kwargs: Any) -> None:
    """post_save/post_delete receiver: a write to a publishing module's model moves the commune's version once its
    transaction commits (once per transaction: the hook is not added again while it waits in this one)."""
    meta = getattr(sender, "_meta", None)
    if meta is None or sender is FiguresSnapshot or meta.app_label not in _published_modules():
        return
    schema = _schema()
    if schema == "public":
        return
    pending = connection.run_on_commit
    if connection.in_atomic_block and getattr(connection, "_portail_figures_pending", None) is pending:
        return  # already hooked in this transaction (Django swaps the list at commit and rollback)
    transaction.on_commit(lambda: _bump(schema))
    if connection.in_atomic_block:
        connection._portail_figures_pending = connection.run_on_commit  # type: ignore[attr-defined]


def _encode(ds: kernel_portal.Dataset, rows: Rows) -> list[dict[str, Any]]:
    """JSON-safe rows: numbers as strings (exact decimals), dates in ISO form."""
    out = []
    for row in rows:
        clean: dict[str, Any] = {}
        for f in ds.fields:
            value = row.get(f.name)
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            clean[f.name] = value
        out.append(clean)
    return out


def _decode(ds: kernel_portal.Dataset, rows: Iterable[dict[str, Any]]) -> Rows:
    """Rows back with their schema's types (what the module's function gave)."""
    out: Rows = []
    for row in rows:
        clean: dict[str, kernel_portal.Value] = {}
        for f in ds.fields:
            value = row.get(f.name)
            if value is not None and f.type == "number":
                value = Decimal(value)
            elif value is not None and f.type == "date":
                value = dt.date.fromisoformat(value)
            clean[f.name] = value
        out.append(clean)
    return out


def refresh(*, enabled: Iterable[str]) -> dict[str, Rows]:
    """Recompute every dataset of the enabled modules from its module and store the snapshot (one statement).
    Returns the rows by dataset code. In a read-only transaction (a support session) nothing is stored."""
    at_version = version()  # read before computing: a write committed meanwhile leaves the snapshot stale
    computed: dict[str, Rows] = {}
    snapshots = []
    now = timezone.now()
    for ds in kernel_portal.datasets(enabled=list(enabled)):
        rows = kernel_portal.check_rows(ds, ds.rows())
        computed[ds.code] = rows
        snapshots.append(FiguresSnapshot(code=ds.code, rows=_encode(ds, rows), version=at_version, computed_at=now))
    try:
        with transaction.atomic():
            FiguresSnapshot.objects.bulk_create(
                snapshots,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["rows", "version", "computed_at"],
            )
    except DatabaseError:  # read-only transaction: the figures are served, not kept
        pass
    return computed


@dataclass(frozen=True)
class Figures:
    rows: dict[str, Rows]  # by dataset code
    fresh: bool  # False: a previous snapshot, served while another visitor recomputes it


def published(*, enabled: Iterable[str], codes: Iterable[str] | None = None) -> Figures:
    """The snapshot's rows of `codes` (all the enabled datasets when None), recomputed first when stale."""
    enabled = list(enabled)
    wanted = {ds.code: ds for ds in kernel_portal.datasets(enabled=enabled)}
    if codes is not None:
        wanted = {c: wanted[c] for c in codes if c in wanted}
    current = version()
    oldest = timezone.now() - MAX_AGE
    snaps = {s.code: s for s in FiguresSnapshot.objects.filter(code__in=list(wanted))}
    missing = any(code not in snaps for code in wanted)
    stale = missing or any(s.version != current or s.computed_at < oldest for s in snaps.values())
    if stale:
        lock = f"portail:figures:lock:{_schema()}"
        locked = cache.add(lock, 1, LOCK_SECONDS)
        if locked or missing:
            try:
                computed = refresh(enabled=enabled)
            finally:
                if locked:
                    cache.delete(lock)
            return Figures(rows={code: computed[code] for code in wanted}, fresh=True)
    return Figures(rows={code: _decode(ds, snaps[code].rows) for code, ds in wanted.items()}, fresh=not stale)
