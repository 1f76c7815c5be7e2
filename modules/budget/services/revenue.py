"""Revenue: running totals of the régie's receipts, folded per exercice and budget line."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jamaa.modules.regie import selectors as regie_selectors

from ..models import RevenueFold, RevenueMark

# Receipts written less than this long ago are read live, never folded: a transaction still open may hold a
# quittance with a lower id than one already committed (ids are drawn at insert, visible at commit).
SETTLE = dt.timedelta(minutes=10)
FOLD_EVERY = dt.timedelta(minutes=1)


def revenue_fold(*, now: dt.datetime | None = None, force: bool = False) -> bool:
    """Fold the régie's quittances and cancellations written before now - SETTLE into RevenueFold (per exercice and
    budget line code), through the régie's selectors, reading only the ids after the last fold. At most once per
    FOLD_EVERY unless `force`; one process at a time (another one folding: skipped). Returns whether it folded.
    Writes RevenueFold and RevenueMark."""
    now = now or timezone.now()
    seen = RevenueMark.objects.filter(pk=1).values_list("folded_at", flat=True).first()
    if not force and seen is not None and now - seen < FOLD_EVERY:
        return False  # read without a lock or a transaction: a report between two folds writes nothing
    with transaction.atomic():
        RevenueMark.objects.get_or_create(pk=1)
        mark = RevenueMark.objects.select_for_update(skip_locked=True).filter(pk=1).first()
        if mark is None or (not force and mark.folded_at is not None and now - mark.folded_at < FOLD_EVERY):
            return False
        through_q, through_c = regie_selectors.receipts_settled_marks(
            after_quittance_id=mark.quittance_id, after_cancellation_id=mark.cancellation_id, before=now - SETTLE
        )
        if (through_q, through_c) != (mark.quittance_id, mark.cancellation_id):
            issued, cancelled = regie_selectors.receipts_since(
                after_quittance_id=mark.quittance_id,
                after_cancellation_id=mark.cancellation_id,
                through_quittance_id=through_q,
                through_cancellation_id=through_c,
            )
            _add_to_fold(issued, cancelled)
        mark.quittance_id, mark.cancellation_id, mark.folded_at = through_q, through_c, now
        mark.save(update_fields=["quittance_id", "cancellation_id", "folded_at"])
    return True


def _add_to_fold(issued: list[Any], cancelled: list[Any]) -> None:
    """Add totals to RevenueFold rows (one upsert per row of the batch)."""
    table = RevenueFold._meta.db_table
    with connection.cursor() as cursor:
        for rows, count_col, amount_col in (
            (issued, "receipts", "issued_dh"),
            (cancelled, "cancelled_count", "cancelled_dh"),
        ):
            for r in rows:
                cursor.execute(
                    f'INSERT INTO "{table}" (year, budget_line, receipts, issued_dh, cancelled_count, cancelled_dh) '  # noqa: S608
                    f"VALUES (%s, %s, 0, 0, 0, 0) ON CONFLICT (year, budget_line) DO NOTHING",
                    [r.year, r.budget_line],
                )
                cursor.execute(
                    f'UPDATE "{table}" SET {count_col} = {count_col} + %s, {amount_col} = {amount_col} + %s '  # noqa: S608
                    "WHERE year = %s AND budget_line = %s",
                    [r.count, r.amount_dh, r.year, r.budget_line],
                )
