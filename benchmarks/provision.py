"""Onboarding a commune: from the template (clone) versus by running every migration, on the same machine.

Both go through the same service (`commune_create`), all of it: validation, rows, schema, first
administrator, audit. Communes are named `bench-prov-…` and removed at the end.

    .venv/bin/python benchmarks/provision.py [--communes 10] [--migrations-communes 5] [--quick]

Last line: {"median_s": …, "migrations_median_s": …, "speedup": …}
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import _setup

_setup.setup()

from django.core.management import call_command  # noqa: E402

from jamaa.modules import registry  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402
from jamaa.provisioning.spares import spare_refill  # noqa: E402

PREFIX = "bench-prov-"


def onboard(i: int, method: str) -> float:
    started = time.perf_counter()
    commune_create(
        slug=f"{PREFIX}{method[0]}{i}",
        name_fr=f"Bench {i}",
        name_ar="جماعة تجريبية",
        modules=list(registry.available()),
        admin_email=f"admin{i}@bench.ma",
        method=method,
    )
    return time.perf_counter() - started


def _drain_spares() -> None:
    """Empty the pool so the next onboarding clones from the template."""
    from django.db import connection

    from jamaa.provisioning.models import SpareSchema

    for spare in SpareSchema.objects.all():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
        spare.delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=10, help="communes created from the template")
    parser.add_argument("--migrations-communes", type=int, default=5, help="communes created by migrations")
    parser.add_argument("--quick", action="store_true", help="one commune each way: a check that it runs")
    args = parser.parse_args()
    if args.quick:
        args.communes, args.migrations_communes = 1, 1
    call_command("fleet", "migrate", "--jobs", "1", verbosity=0)  # the template at the current state
    _setup.drop_communes(PREFIX)
    try:
        onboard(999, "clone")  # warm: imports, first queries
        spare_times, clone_times, migration_times = [], [], []
        # Interleaved, so all ways share the machine's state. A worker tops up the spare pool after each
        # onboarding (operators onboard minutes apart); here the refill runs between timings, untimed.
        for i in range(max(args.communes, args.migrations_communes)):
            if i < args.communes:
                spare_refill()
                spare_times.append(onboard(i, "clone"))
                _drain_spares()
                clone_times.append(onboard(i + 500, "clone"))
            if i < args.migrations_communes:
                migration_times.append(onboard(i, "migrations"))
    finally:
        _setup.drop_communes(PREFIX)
        spare_refill()
    spare_median = statistics.median(spare_times)
    clone_median = statistics.median(clone_times)
    migrations_median = statistics.median(migration_times)
    print(f"modules enabled: {', '.join(registry.available()) or '(none in this codebase yet)'}")
    print(f"from a spare schema: {len(spare_times)} communes, median {spare_median:.3f}s, max {max(spare_times):.3f}s")
    print(f"cloned from the template (empty pool): median {clone_median:.3f}s, max {max(clone_times):.3f}s")
    print(f"by migrations: {len(migration_times)} communes, median {migrations_median:.3f}s")
    print(
        json.dumps(
            {
                "median_s": round(spare_median, 4),
                "clone_median_s": round(clone_median, 4),
                "migrations_median_s": round(migrations_median, 4),
                "speedup": round(migrations_median / spare_median, 1),
                "clone_speedup": round(migrations_median / clone_median, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
