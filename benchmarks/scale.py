"""Many communes on one PostgreSQL server, every module enabled: what onboarding, fleet migrations, routing, a
backup and the console cost at N communes (issue 26; docs/scale.md).

Runs in a scratch database (<db>_bench_scale on the DATABASE_URL server, dropped at the end), each phase in a
fresh process as a deploy would be; or, with `--db NAME --app-dir DIR`, on an existing database built beforehand
with the throwaway app in DIR (never dropped; communes `c0000`… are made only where missing; the onboarding phase
adds a few communes named `zbench-<stamp>-c<i>` (clone path) and `-s<i>` (spare path) and removes nothing; the
one-field phase writes the app's next AddField migration into DIR, so the phases can be run again):
  1. public and the template migrated, N communes created (every module; clone path, spares off), then the
     onboarding median on both paths: the template clone, and a spare schema prepared beforehand;
  2. `fleet migrate` with nothing to do, then with one added field (a throwaway per-commune app, as
     benchmarks/fleet.py);
  3. routing ratio (benchmarks/routing.py) with every commune's host in the routing table;
  4. backup of one commune (pg_dump of its schema, with the manifest's checksums);
  5. the console's fleet page, the support health page and the readiness probe (/readyz), p95 of an operator's
     requests;
  6. catalog relations (pg_class) and database size.

    nice -n 10 .venv/bin/python benchmarks/scale.py [--communes 1503] [--jobs 2] [--quick]
    nice -n 10 .venv/bin/python benchmarks/scale.py --communes 1503 --db jamaa_scale1503 --app-dir /work/scale1503/app

Last line: {"communes": N, "onboard_median_s": …, "noop_s": …, "one_field_s": …, "routing_ratio": …,
            "backup_one_s": …, "console_p95_ms": …, "catalog_relations": …, (details)}
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))

from fleet import APP, write_app  # noqa: E402  (the same throwaway per-commune app)

PHASE = r"""
import json, statistics, sys, time
sys.path.insert(0, {bench!r})
import _setup
_setup.setup()
phase, arg = {phase!r}, {arg!r}
result = {{}}
if phase == "setup":
    from jamaa.modules import registry
    from jamaa.provisioning import fleet
    from jamaa.provisioning.services import commune_create
    from jamaa.provisioning.spares import spare_refill
    from unittest import mock
    from jamaa.tenants.models import Commune
    fleet.fleet_migrate(jobs=arg["jobs"])
    modules = list(registry.available())
    have = set(Commune.objects.values_list("slug", flat=True))
    made = 0
    for i in range(arg["communes"]):
        if f"c{{i:04d}}" in have:  # an existing database (--db): only what it lacks
            continue
        commune_create(slug=f"c{{i:04d}}", name_fr=f"Commune {{i}}", name_ar="جماعة", modules=modules)
        made += 1
        if made % 100 == 0:
            print(f"{{made}} communes", file=sys.stderr, flush=True)
    prefix = arg["prefix"]
    clone = []  # onboarding at N by the clone path: the pool passed over, whatever it holds
    with mock.patch("jamaa.provisioning.services.spare_take", return_value=False):
        for i in range(arg["spares"]):
            started = time.perf_counter()
            commune_create(slug=f"{{prefix}}-c{{i}}", name_fr=f"Bench clone {{i}}", name_ar="جماعة", modules=modules)
            clone.append(time.perf_counter() - started)
    spare = []  # the spare path: each spare prepared ahead (the Celery task in production), then taken
    for i in range(arg["spares"]):
        spare_refill(count=1)
        started = time.perf_counter()
        commune_create(slug=f"{{prefix}}-s{{i}}", name_fr=f"Bench spare {{i}}", name_ar="جماعة", modules=modules)
        spare.append(time.perf_counter() - started)
    result.update(made=made, clone_median_s=statistics.median(clone), spare_median_s=statistics.median(spare))
elif phase == "fleet":
    from jamaa.provisioning import fleet
    started = time.perf_counter()
    report = fleet.fleet_migrate(jobs=arg["jobs"])
    result["seconds"] = time.perf_counter() - started
    result.update(migrated=len(report.migrated), failed=len(report.failed))
    assert not report.failed, [o.error for o in report.failed][:3]
elif phase == "backup":
    import tempfile
    from pathlib import Path
    from jamaa.provisioning.backup import commune_backup
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = commune_backup(slug="c0000", output=Path(tmp) / "c0000.tar.gz")
        result["seconds"] = time.perf_counter() - started
        result["tables"] = done.tables
elif phase == "console":
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from jamaa.provisioning.selectors import OPERATORS_GROUP
    user = get_user_model().objects.filter(username="bench-operator").first() or get_user_model().objects.create_user(
        username="bench-operator", password=None, is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name=OPERATORS_GROUP)[0])
    client = Client(HTTP_HOST=settings.JAMAA_BASE_DOMAIN)
    client.force_login(user)
    for page in ("/", "/support/health/", "/readyz"):
        times = []
        for _ in range(arg["requests"] + 1):
            started = time.perf_counter()
            response = client.get(page)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        times = sorted(times[1:])  # the first warms the templates
        result[page] = times[max(0, round(0.95 * len(times)) - 1)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class")
        result["catalog_relations"] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_database_size(current_database())")
        result["database_bytes"] = cursor.fetchone()[0]
        cursor.execute("SHOW max_locks_per_transaction")
        result["max_locks_per_transaction"] = int(cursor.fetchone()[0])
print("RESULT " + json.dumps(result))
"""


def run_phase(env: dict[str, str], phase: str, arg: dict[str, object]) -> dict[str, float]:
    code = PHASE.format(bench=str(BENCH), phase=phase, arg=arg)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def routing_ratio(env: dict[str, str], *, quick: bool) -> float:
    """benchmarks/routing.py against the database, its requests spread over every commune's host."""
    cmd = [
        sys.executable,
        str(BENCH / "routing.py"),
        "--all-hosts",
        *(["--quick"] if quick else ["--requests", "3000"]),
    ]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"routing failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["ratio"])


def _app_fields(root: Path) -> int:
    """How many AddField migrations the throwaway app in `root` has (0 for a new one)."""
    return len(list((root / APP / "migrations").glob("0*_f*.py")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=1503)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes for fleet migrate")
    parser.add_argument("--quick", action="store_true", help="2 communes, 1 job: a check that it runs")
    parser.add_argument("--db", help="an existing database on the DATABASE_URL server (kept; built beforehand)")
    parser.add_argument("--app-dir", type=Path, help="with --db: the directory holding its throwaway app")
    args = parser.parse_args()
    if bool(args.db) != bool(args.app_dir):
        parser.error("--db and --app-dir go together")
    if args.quick:
        args.communes, args.jobs = 2, 1
    spares = 2 if args.quick else 5
    requests = 5 if args.quick else 20

    import _setup
    import psycopg2

    if not os.environ.get("DATABASE_URL"):
        from jamaa.platform import embedded_db

        os.environ["DATABASE_URL"] = embedded_db.ensure_running()
    parts = urlsplit(os.environ["DATABASE_URL"])
    scratch = args.db or parts.path.strip("/") + "_bench_scale"
    url = urlunsplit(parts._replace(path=f"/{scratch}"))
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    if not args.db:
        _setup.scratch_database_fresh(admin, scratch)
    figures: dict[str, object] = {"communes": args.communes}
    try:
        with tempfile.TemporaryDirectory() as scratch_dir:
            tmp = str(args.app_dir.resolve()) if args.app_dir else scratch_dir
            fields = _app_fields(Path(tmp)) if args.app_dir else 0
            env = dict(
                os.environ,
                DATABASE_URL=url,
                JAMAA_EXTRA_TENANT_APPS=APP,
                JAMAA_LOG_LEVEL="ERROR",
                PYTHONPATH=f"{tmp}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            )
            env.pop("DJANGO_SETTINGS_MODULE", None)
            write_app(Path(tmp), fields)
            started = time.perf_counter()
            prefix = f"zbench-{time.strftime('%m%d%H%M%S')}"
            made = run_phase(
                env, "setup", {"communes": args.communes, "jobs": args.jobs, "spares": spares, "prefix": prefix}
            )
            print(
                f"{made['made']} communes (every module) created, onboarding measured, in "
                f"{time.perf_counter() - started:.1f}s"
            )
            figures["onboard_median_s"] = made["spare_median_s"]
            figures["onboard_clone_median_s"] = made["clone_median_s"]
            print(f"onboarding median: spare {made['spare_median_s']:.3f}s, clone {made['clone_median_s']:.3f}s")
            figures["noop_s"] = run_phase(env, "fleet", {"jobs": args.jobs})["seconds"]
            print(f"fleet migrate, nothing to do: {figures['noop_s']:.2f}s")
            write_app(Path(tmp), fields + 1)
            one = run_phase(env, "fleet", {"jobs": args.jobs})
            figures["one_field_s"] = one["seconds"]
            print(f"fleet migrate, one added field: {one['seconds']:.2f}s ({one['migrated']} schemas)")
            figures["routing_ratio"] = routing_ratio(env, quick=args.quick)
            print(f"routing ratio: {figures['routing_ratio']:.3f}")
            backup = run_phase(env, "backup", {})
            figures["backup_one_s"] = backup["seconds"]
            print(f"backup of one commune ({backup['tables']} tables): {backup['seconds']:.2f}s")
            console = run_phase(env, "console", {"requests": requests})
            figures["console_p95_ms"] = max(console["/"], console["/support/health/"], console["/readyz"])
            figures["console_fleet_p95_ms"] = console["/"]
            figures["console_health_p95_ms"] = console["/support/health/"]
            figures["readyz_p95_ms"] = console["/readyz"]
            figures["catalog_relations"] = console["catalog_relations"]
            figures["database_mb"] = console["database_bytes"] / 1e6
            figures["max_locks_per_transaction"] = console["max_locks_per_transaction"]
            print(
                f"console p95: fleet {console['/']:.0f} ms, health {console['/support/health/']:.0f} ms, "
                f"readyz {console['/readyz']:.0f} ms"
            )
            print(f"catalog: {console['catalog_relations']} relations, {figures['database_mb']:.0f} MB")
    finally:
        if not args.db:
            with admin.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
