"""Incidents: what the régisseur must look at."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions
from ..models import (
    Incident,
    IncidentKind,
    Regie,
)

# --- Incidents: what the régisseur must look at ----------------------------------------------------------------


def _advisory_xact_lock(name: str) -> None:
    """A transaction-scoped advisory lock on a name of this commune (advisory locks span the whole database)."""
    key = int.from_bytes(
        hashlib.blake2b(f"{getattr(connection, 'schema_name', 'public')}:{name}".encode(), digest_size=8).digest(),
        "big",
        signed=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


@transaction.atomic
def incident_record(
    *,
    actor: Any,
    regie_id: int,
    day: dt.date,
    kind: str,
    agent: Any = None,
    note: str = "",
    data: dict[str, Any] | None = None,
    amount_dh: Decimal | None = None,
    key: str = "",
) -> Incident:
    """Record an incident for the régisseur (IncidentKind: a cash difference, a number missing from a block, a
    payment refused for its number). With `key` (what makes it the same incident: a refused payment's UUID, a
    block), it is recorded once: the same kind and key again answers the incident already there (a device
    sending a refused payment again adds nothing). Never edited nor deleted (trigger). Audited. Raises
    RegieNotFound, InvalidIncident."""
    if kind not in IncidentKind.values:
        raise exceptions.InvalidIncident(extra={"fields": {"kind": [str(kind)]}})
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    payload = dict(data or {})
    if key:
        payload["key"] = key
        # Serialises the same key's recorders: the second sees the first's row once it commits.
        _advisory_xact_lock(f"regie-incident:{kind}:{key}")
        existing = Incident.objects.filter(regie_id=regie_id, kind=kind, data__key=key).first()
        if existing is not None:
            return existing
    incident = Incident.objects.create(
        regie_id=regie_id,
        day=day,
        agent=agent,
        kind=kind,
        amount_dh=amount_dh,
        note=note.strip(),
        data=payload,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="regie.incident.recorded",
        target=incident,
        reason=note.strip(),
        data={"kind": kind, "day": day.isoformat(), "agent": getattr(agent, "pk", None), **payload},
    )
    return incident
