"""Fleet migrations across N communes: `jamaa fleet migrate` versus django-tenants' `migrate_schemas`.

Runs in a scratch database (<db>_bench_fleet on the DATABASE_URL server, dropped at the end) with a throwaway
per-commune app whose migrations the script writes one by one, each phase in a fresh process as a deploy
would be:
  1. migration 0001 (a table) and N communes;
  2. no-op: `fleet migrate`, then `migrate_schemas` with the standard and multiprocessing executors;
  3. one added field each: 0002 for `fleet migrate`, 0003 for standard `migrate_schemas`, 0004 for its
     multiprocessing executor (the same work, on the same fleet).

    .venv/bin/python benchmarks/fleet.py [--communes 300] [--jobs 2] [--quick]

Last line: {"communes": N, "noop_s": …, "one_field_s": …, "migrate_schemas_noop_s": …,
            "migrate_schemas_one_field_s": …, (multiprocessing executor figures)}
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
APP = "bench_fleet_app"

INITIAL = """from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Probe",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("label", models.CharField(max_length=50)),
            ],
        ),
    ]
"""

ADD_FIELD = """from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("{app}", "{previous}")]
    operations = [migrations.AddField("probe", "{field}", models.IntegerField(default=0))]
"""


def write_app(root: Path, fields: int) -> None:
    """The throwaway app with 0001 and `fields` AddField migrations."""
    pkg = root / APP
    (pkg / "migrations").mkdir(parents=True, exist_ok=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "migrations" / "__init__.py").write_text("")
    field_lines = "".join(f"    f{i} = models.IntegerField(default=0)\n" for i in range(1, fields + 1))
    (pkg / "models.py").write_text(
        "from django.db import models\n\n\nclass Probe(models.Model):\n    label = models.CharField(max_length=50)\n"
        + field_lines
    )
    (pkg / "migrations" / "0001_initial.py").write_text(INITIAL)
    previous = "0001_initial"
    for i in range(1, fields + 1):
        name = f"{i + 1:04d}_f{i}"
        (pkg / "migrations" / f"{name}.py").write_text(ADD_FIELD.format(app=APP, previous=previous, field=f"f{i}"))
        previous = name


PHASE = r"""
import json, sys, time
sys.path.insert(0, {bench!r})
import _setup
_setup.setup()
from django.core.management import call_command
phase, arg = {phase!r}, {arg!r}
started = time.perf_counter()
result = {{}}
if phase == "setup":
    from jamaa.provisioning import fleet
    from jamaa.provisioning.services import commune_create
    fleet.fleet_migrate(jobs=arg["jobs"])
    for i in range(arg["communes"]):
        commune_create(slug=f"c{{i:04d}}", name_fr=f"Commune {{i}}", name_ar="جماعة")
    result["created"] = arg["communes"]
elif phase == "fleet":
    from jamaa.provisioning import fleet
    report = fleet.fleet_migrate(jobs=arg["jobs"])
    result.update(migrated=len(report.migrated), skipped=len(report.skipped), failed=len(report.failed))
    assert not report.failed, [o.error for o in report.failed]
else:
    call_command("migrate_schemas", executor=arg["executor"], interactive=False, verbosity=0)
result["seconds"] = time.perf_counter() - started
print("RESULT " + json.dumps(result))
"""


def run_phase(env: dict[str, str], phase: str, arg: dict[str, object]) -> dict[str, float]:
    code = PHASE.format(bench=str(REPO / "benchmarks"), phase=phase, arg=arg)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def scratch_database(url: str) -> tuple[str, str]:
    """(admin URL on the `postgres` database, scratch URL)."""
    parts = urlsplit(url)
    name = parts.path.strip("/") + "_bench_fleet"
    return urlunsplit(parts._replace(path="/postgres")), urlunsplit(parts._replace(path=f"/{name}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="processes for fleet migrate")
    parser.add_argument(
        "--quick", action="store_true", help="3 communes, 2 jobs: a check that it runs, its processes' path included"
    )
    args = parser.parse_args()
    if args.quick:
        args.communes, args.jobs = 3, 2

    sys.path.insert(0, str(REPO / "benchmarks"))
    import _setup
    import psycopg2

    if not os.environ.get("DATABASE_URL"):
        from jamaa.platform import embedded_db

        os.environ["DATABASE_URL"] = embedded_db.ensure_running()
    admin_url, url = scratch_database(os.environ["DATABASE_URL"])
    scratch = urlsplit(url).path.strip("/")
    admin = psycopg2.connect(admin_url)
    admin.autocommit = True
    _setup.scratch_database_fresh(admin, scratch)
    figures: dict[str, object] = {"communes": args.communes}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            env = dict(
                os.environ,
                DATABASE_URL=url,
                JAMAA_EXTRA_TENANT_APPS=APP,
                JAMAA_LOG_LEVEL="ERROR",
                PYTHONPATH=f"{tmp}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            )
            write_app(root, 0)
            started = time.perf_counter()
            run_phase(env, "setup", {"communes": args.communes, "jobs": args.jobs})
            print(f"{args.communes} communes created in {time.perf_counter() - started:.1f}s")
            figures["noop_s"] = run_phase(env, "fleet", {"jobs": args.jobs})["seconds"]
            print(f"fleet migrate, nothing to do: {figures['noop_s']:.2f}s")
            for executor, key in (
                ("standard", "migrate_schemas_noop_s"),
                ("multiprocessing", "migrate_schemas_mp_noop_s"),
            ):
                figures[key] = run_phase(env, "migrate_schemas", {"executor": executor})["seconds"]
                print(f"migrate_schemas ({executor}), nothing to do: {figures[key]:.2f}s")
            write_app(root, 1)
            one = run_phase(env, "fleet", {"jobs": args.jobs})
            assert one["migrated"] == args.communes + 2, one  # every commune, the template, and public (recorded)
            figures["one_field_s"] = one["seconds"]
            print(f"fleet migrate, one added field: {figures['one_field_s']:.2f}s ({one['migrated']} schemas)")
            for fields, executor, key in (
                (2, "standard", "migrate_schemas_one_field_s"),
                (3, "multiprocessing", "migrate_schemas_mp_one_field_s"),
            ):
                write_app(root, fields)
                figures[key] = run_phase(env, "migrate_schemas", {"executor": executor})["seconds"]
                print(f"migrate_schemas ({executor}), one added field: {figures[key]:.2f}s")
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        admin.close()
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
