"""For central support (jamaa.platform.support): the régie's activity across communes, counts only."""

from __future__ import annotations

import datetime as dt

from ..models import Quittance


def support_quittances_issued(*, schemas: list[str], since: dt.datetime) -> dict[str, int]:
    """Quittances issued since `since` in each of these communes (counts only, one query: the fleet's health)."""
    from jamaa.platform.kernel.fleet_counts import count_per_schema

    return count_per_schema(
        table=Quittance._meta.db_table, condition="issued_at >= %s", params=[since], schemas=schemas
    )
