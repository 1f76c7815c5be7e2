"""Where each commune lives on a Citus cluster, and moving one to another node (citus_schema_move).

On Citus each commune's schema is a distributed schema placed on one worker node (docs/scale.md). These read and
change that placement; on plain PostgreSQL they refuse with NotCitus.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

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


def distribute(cursor: Any, schema: str) -> None:
    """citus_schema_distribute of a local schema through `cursor` (Django's or psycopg2's), inside the caller's
    transaction."""
    # Citus alters each table as it distributes it, which pending deferred foreign-key checks (the rows just
    # written) forbid: run those checks now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET LOCAL search_path = public")
    # The schema's triggers are taken off while Citus copies its tables onto the worker, then put back on the
    # distributed tables, same definitions and names: the rows copied were already numbered and chained (a
    # counter or chain trigger must not run on them again, and its queries name tables the worker does not know
    # yet), and a trigger whose WHEN names its table as text ('schema.table'::regclass) cannot be created on a
    # shard before the worker knows the table. Citus then creates them on the worker in the right order.
    cursor.execute(
        """SELECT format('DROP TRIGGER %%I ON %%I.%%I', t.tgname, %s, c.relname), pg_get_triggerdef(t.oid)
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        WHERE c.relnamespace = %s::regnamespace AND NOT t.tgisinternal
        ORDER BY c.relname, t.tgname""",
        [schema, schema],
    )
    qualified = cursor.fetchall()
    for drop, _ in qualified:
        cursor.execute(drop)
    cursor.execute("SELECT citus_schema_distribute(%s::regnamespace)", [schema])
    for _, create in qualified:
        cursor.execute(create)


def schema_distribute(*, schema: str) -> None:
    """On Citus, make a commune's schema, built and populated as a local schema on the coordinator (the template
    clone alters sequences, which a distributed schema refuses; local DDL is also far quicker than DDL forwarded
    to a worker), a distributed schema placed on a worker: the last step of its creation, in its transaction
    (rows written into the schema after this step in the same transaction would not be seen on the worker).
    Nothing to do on plain PostgreSQL."""
    if not is_citus():
        return
    with connection.cursor() as cursor:
        distribute(cursor, schema)
    use_public_schema()


def commune_nodes() -> dict[str, str] | None:
    """Each commune's node by slug for the console's fleet table; None on a single PostgreSQL server."""
    use_public_schema()
    if not is_citus():
        return None
    return {p.slug: p.node for p in fleet_placement()}


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
