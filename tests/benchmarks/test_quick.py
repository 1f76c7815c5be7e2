"""Every benchmark runs in its quick mode (tiny sizes, seconds), so a benchmark that breaks fails CI.

Each script is run as a user would (`python benchmarks/NAME.py --quick`) against DATABASE_URL and REDIS_URL as
the suite has them (the benchmarks make and remove their own communes, or their own scratch database); the test
asserts it exits 0 and that its last line is the JSON object its docstring promises. The full sizes (without
--quick) stay for the figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent
BENCHMARKS = REPO / "benchmarks"

# Each benchmark → the keys of its last line.
PROMISED: dict[str, set[str]] = {
    "collect_load": {"payments_per_s", "p95_batch_ms", "duplicates", "gaps"},
    "courrier": {"letters", "registrations_per_s", "search_p95_ms", "gaps", "duplicates"},
    "fleet": {"communes", "noop_s", "one_field_s", "migrate_schemas_noop_s", "migrate_schemas_one_field_s"},
    "legacy_import": {
        "acts",
        "rows_per_s",
        "copy_rows_per_s",
        "ratio",
        "read_s",
        "normalise_s",
        "validate_s",
        "insert_s",
        "index_s",
    },
    "scale": {
        "communes",
        "onboard_median_s",
        "noop_s",
        "one_field_s",
        "routing_ratio",
        "backup_one_s",
        "console_p95_ms",
        "catalog_relations",
    },
    "portal": {"home_rps", "transparency_p95_ms", "tracking_p95_ms", "cached_ratio"},
    "provision": {"median_s", "migrations_median_s", "speedup"},
    "regie_pdf": {"quittance_ms", "releve_5000_s", "naive_releve_5000_s"},
    "routing": {"routed_rps", "plain_rps", "ratio"},
    "search": {"acts", "p50_ms", "p95_ms", "recall_at_20", "index_build_s", "index_mb"},
    "budget": {"engagements", "report_p95_ms", "engagements_per_s", "overspent"},
    "urbanisme": {"dossiers", "desk_p95_ms", "dashboard_p95_ms"},
}


def test_every_benchmark_is_run_here_and_has_a_quick_mode() -> None:
    scripts = {p.stem for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(PROMISED), "a benchmark without its quick run in CI (add it to PROMISED)"
    for name in scripts:
        assert '"--quick"' in (BENCHMARKS / f"{name}.py").read_text(encoding="utf-8"), f"{name}.py has no --quick"


@pytest.mark.parametrize("name", sorted(PROMISED))
def test_benchmark_quick_mode_runs(name: str, migrated_template: str) -> None:
    env = dict(os.environ)  # DATABASE_URL and REDIS_URL as the suite was given them (tests/pytest_env.py)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # A database a benchmark makes (its own scratch one, or DATABASE_URL's when new) is a copy of the suite's
    # migrated template rather than migrated again (benchmarks/_setup.py database_from_template).
    if migrated_template:
        env["JAMAA_MIGRATED_TEMPLATE"] = migrated_template
    proc = subprocess.run(
        [sys.executable, str(BENCHMARKS / f"{name}.py"), "--quick"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    assert proc.returncode == 0, f"{name}.py --quick exited {proc.returncode}:\n{output}"
    last = proc.stdout.strip().splitlines()[-1]
    figures = json.loads(last)
    assert isinstance(figures, dict), last
    assert PROMISED[name] <= set(figures), f"{name}: last line {last} lacks {PROMISED[name] - set(figures)}"
    if name in ("collect_load", "courrier"):
        assert figures["duplicates"] == 0 and figures["gaps"] == 0, figures
