"""`jamaa fleet migrate|status|verify`."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jamaa.provisioning import fleet


class Command(BaseCommand):
    help = "Migrate and inspect the whole fleet: public, the template and every commune."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        migrate = sub.add_parser("migrate", help="Migrate public, the template and every commune that needs it.")
        migrate.add_argument(
            "--jobs", type=int, default=min(4, os.cpu_count() or 2), help="worker processes (default: cores, at most 4)"
        )
        migrate.add_argument("--schemas", default="", help="comma-separated commune schemas (default: all)")
        sub.add_parser("status", help="Print each schema's migration status.")
        sub.add_parser("placement", help="Citus: each commune's worker node and size, and communes per node.")
        spares = sub.add_parser("spares", help="Top up the pool of spare schemas cloned from the template.")
        spares.add_argument("--count", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "migrate":
            self._migrate(opts)
        elif opts["action"] == "spares":
            from jamaa.provisioning.spares import spare_refill, spares_drop_stale

            dropped = spares_drop_stale()
            made = spare_refill(count=opts["count"])
            self.stdout.write(f"{made} spare schema(s) made, {dropped} stale one(s) dropped.")
        elif opts["action"] == "placement":
            self._placement()
        else:
            self._status()

    def _placement(self) -> None:
        from collections import Counter

        from jamaa.platform.errors import DomainError
        from jamaa.provisioning import placement

        try:
            rows = placement.fleet_placement()
            workers = placement.worker_nodes()
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        for row in rows:
            self.stdout.write(f"{row.slug:20} {row.node or '(not distributed)':24} {row.size_bytes / 2**20:9.1f} MB")
        per_node = Counter(row.node for row in rows)
        for node in workers:
            size = sum(r.size_bytes for r in rows if r.node == node) / 2**20
            self.stdout.write(f"node {node}: {per_node.get(node, 0)} commune(s), {size:.1f} MB")

    def _migrate(self, opts: dict[str, Any]) -> None:
        only = [s.strip() for s in opts["schemas"].split(",") if s.strip()] or None
        total = len(fleet.fleet_schemas())
        with tqdm(total=total, unit="schema", desc="fleet migrate", disable=None) as bar:

            def progress(outcome: fleet.SchemaOutcome) -> None:
                bar.update(1)
                if not outcome.ok:
                    bar.write(f"FAILED {outcome.schema}: {outcome.error}")

            try:
                report = fleet.fleet_migrate(jobs=opts["jobs"], only=only, progress=progress)
            except RuntimeError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{len(report.migrated)} migrated, {len(report.skipped)} already up to date, "
            f"{len(report.failed)} failed, in {report.seconds:.1f}s"
        )
        if report.failed:
            for o in report.failed:
                self.stderr.write(f"  {o.schema}: {o.error}")
            raise CommandError(f"{len(report.failed)} schema(s) failed: fix and run `jamaa fleet migrate` again.")

    def _status(self) -> None:
        rows = fleet.fleet_status()
        self.stdout.write(f"{'schema':20} {'commune':14} {'status':12} {'pending':>7} {'result':7} last migration")
        for r in rows:
            result = "ok" if r.ok else "FAILED"
            self.stdout.write(
                f"{r.schema:20} {r.commune:14} {r.status:12} {r.pending:>7} {result:7} {r.last_migration}"
                + (f"  ({r.error})" if r.error else "")
            )
