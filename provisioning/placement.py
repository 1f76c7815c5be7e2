"""Where each commune lives on a Citus cluster, and moving one to another node (citus_schema_move).

On Citus each commune's schema is a distributed schema placed on one worker node (docs/scale.md). These read and
change that placement; on plain PostgreSQL they refuse with NotCitus.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection

from jamaa.platform.core.services import audit_record
from jamaa.platform.db import is_citus, use_public_schema
from jamaa.tenants.models import Commune

from .exceptions import InvalidCommuneInput, NotCitus, UnknownNode


@dataclass(frozen=True)
class Placement:
    slug: str
    schema: str
    node: str  # "host:port"
    size_bytes: int


def _require_citus() -> None:
    use_public_schema()
    if not is_citus():
        raise NotCitus()


def worker_nodes() -> list[str]:
    """The cluster's active workers, "host:port"."""
    _require_citus()
    with connection.cursor() as cursor:
        cursor.execute("SELECT node_name, node_port FROM citus_get_active_worker_nodes() ORDER BY 1, 2")
        return [f"{host}:{port}" for host, port in cursor.fetchall()]


def fleet_placement() -> list[Placement]:
    """Each commune's node and size, by slug. A commune whose schema is not distributed has node ""."""
    _require_citus()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.schema_name::text,
                   min(sh.nodename || ':' || sh.nodeport),
                   coalesce(sum(sh.shard_size), 0)
            FROM citus_schemas s JOIN citus_shards sh ON sh.colocation_id = s.colocation_id
            GROUP BY s.schema_name
            """
        )
        by_schema = {schema: (node, int(size)) for schema, node, size in cursor.fetchall()}
    return [
        Placement(slug, schema, *by_schema.get(schema, ("", 0)))
        for slug, schema in Commune.objects.order_by("slug").values_list("slug", "schema_name")
    ]


def commune_move(
    *, slug: str, node: str, reason: str, actor: AbstractBaseUser | AnonymousUser | None = None
) -> Placement:
    """Move a commune's schema to another worker with citus_schema_move: its tables are copied by logical
    replication while the commune stays readable and writable; writes wait only for the final switch. Audited
    (who, from, to, why, how long)."""
    _require_citus()
    if not reason.strip():
        raise InvalidCommuneInput("Say why the commune moves (--reason).", extra={"reason": ["required"]})
    commune = Commune.objects.filter(slug=slug).first()
    if commune is None:
        raise InvalidCommuneInput(f"No commune with the slug {slug!r}.", extra={"slug": ["unknown"]})
    workers = worker_nodes()
    if node not in workers:
        raise UnknownNode(
            f"{node} is not an active worker of the cluster (workers: {', '.join(workers)}).",
            extra={"node": node, "workers": workers},
        )
    before = next(p for p in fleet_placement() if p.slug == slug)
    if before.node == node:
        return before
    host, port = node.rsplit(":", 1)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT citus_schema_move(%s::regnamespace, %s, %s)", [commune.schema_name, host, int(port)])
    after = next(p for p in fleet_placement() if p.slug == slug)
    audit_record(
        actor=actor,
        action="commune.moved",
        target=commune,
        reason=reason,
        actor_label="" if actor else "operator (CLI)",
        data={"slug": slug, "from": before.node, "to": after.node, "seconds": round(time.monotonic() - started, 2)},
    )
    return after
