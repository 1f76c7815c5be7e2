"""Urbanisme: a commune with 50,000 dossiers over 5 years, then the instructor's desk and the late-dossiers
dashboard over HTTP (the API the pages' selectors serve), p95 per request.

Creates the commune `bench-urbanisme` through `commune_create` (modules: courrier, urbanisme), loads the dossiers
with COPY (every kind, numbers 1..n per kind and year, the kernel counter set to the last number; past years
decided — delivered, refused or withdrawn — the current year's 40 % still open, under 10 instructors, due days
from a month ago to 25 days ahead so that some are late; incomplete ones with the clock stopped), starts gunicorn on
loopback against the same database, and has `--clients` threads each call `GET /urbanisme/api/dossiers/desk/`
(as one of the instructors, token auth) and `GET /urbanisme/api/dossiers/late/` `--requests` times, after a
warm-up. Checks every (kind, year) series: no gap, no duplicate.

Baseline, measured in the same run on the same server by the same clients: `GET /api/me/` with the same token
(an authenticated request that reads nothing of the module), p95. Printed before the result line.

    DATABASE_URL=… .venv/bin/python benchmarks/urbanisme.py [--dossiers 50000] [--years 5] [--clients 2]
        [--requests 100] [--seed 1] [--quick] [--keep]
    --quick: 2,000 dossiers, 2 clients × 10 requests (what CI runs); --keep: leave the commune (default: dropped)

Last line: {"dossiers": …, "desk_p95_ms": …, "dashboard_p95_ms": …}
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import secrets
import statistics
import sys
import time
from typing import Any

import _setup

_setup.setup()

from _setup import free_port, serve, together  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.urbanisme import permissions  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402

SLUG = "bench-urbanisme"
SCHEMA = "bench_urbanisme"
HOST = f"{SLUG}.localhost"


def call(port: int, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    return _setup.call(port, method, path, body, token, host=HOST, timeout=60)
PASSWORD = "Bench-urbanisme-2026!"
KINDS = [
    ("construire", 60),
    ("refection", 12),
    ("regularisation", 8),
    ("lotir", 4),
    ("groupe", 3),
    ("morcellement", 3),
    ("demolition", 3),
    ("habiter", 5),
    ("conformite", 2),
]
OPEN = ["deposited", "incomplete", "instruction", "consultation", "commission", "favourable"]
NAMES = [
    "Mohamed Alaoui",
    "Fatima Bennani",
    "Youssef Tazi",
    "Khadija Idrissi",
    "Rachid Fassi",
    "Nadia Berrada",
    "محمد العلوي",
    "فاطمة بناني",
    "Atlas Immobilier SARL",
    "Saïss BTP",
]


def load(dossiers: int, years: int, rng: random.Random) -> list[int]:
    """COPY the dossiers; returns the instructors' ids."""
    with schema_context(SCHEMA):
        users = get_user_model().objects
        group = Group.objects.get_or_create(name=permissions.AGENT)[0]
        instructors = []
        for i in range(10):
            u = users.create_user(username=f"bench-instr{i}", password=PASSWORD)
            u.groups.add(group)
            instructors.append(u.pk)
        today = timezone.localdate()
        this_year = today.year
        first_year = this_year - years + 1
        kinds = [k for k, _w in KINDS]
        weights = [w for _k, w in KINDS]
        counters: dict[tuple[str, int], int] = {}
        buf = io.StringIO()
        now = timezone.now().isoformat()
        for i in range(dossiers):
            year = first_year + i * years // dossiers
            kind = rng.choices(kinds, weights)[0]
            number = counters[(kind, year)] = counters.get((kind, year), 0) + 1
            if year == this_year:
                deposited = dt.date(year, 1, 1) + dt.timedelta(
                    days=rng.randint(0, max(0, (today - dt.date(year, 1, 1)).days))
                )
            else:
                deposited = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            large = kind in ("lotir", "groupe", "morcellement") or rng.random() < 0.2
            delay = 25 if large else 10
            recent = (today - deposited).days < 60
            status = (
                rng.choice(OPEN)
                if recent and rng.random() < 0.8
                else rng.choices(["delivered", "refused", "withdrawn"], [85, 10, 5])[0]
            )
            stopped_on = due = decided = delivered = "\\N"
            stopped_days = rng.choice([0, 0, 0, 3, 7])
            if status == "incomplete":
                stopped_on = (deposited + dt.timedelta(days=1)).isoformat()
            elif status in OPEN:
                due = (deposited + dt.timedelta(days=delay + stopped_days)).isoformat()
            else:
                due = (deposited + dt.timedelta(days=delay + stopped_days)).isoformat()
                if status != "withdrawn":
                    decided = (deposited + dt.timedelta(days=rng.randint(5, delay + 10))).isoformat()
                if status == "delivered":
                    delivered = decided
            instructor = str(rng.choice(instructors)) if status != "deposited" else "\\N"
            cin = f"B{i:07d}"
            buf.write(
                "\t".join(
                    [
                        kind,
                        str(year),
                        str(number),
                        secrets.token_hex(5).upper(),
                        status,
                        f"Projet {i}",
                        "person",
                        rng.choice(NAMES),
                        cin,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        "housing",
                        f"{rng.randint(60, 900)}.00",
                        str(rng.randint(1, 5)),
                        "1",
                        "large" if large else "small",
                        str(delay),
                        deposited.isoformat(),
                        f"{deposited.isoformat()}T09:00:00+00:00",
                        str(instructors[0]),
                        instructor,
                        stopped_on,
                        str(stopped_days),
                        due,
                        decided,
                        "\\N",
                        "\\N",
                        "",
                        "",
                        "0" if status == "delivered" else "\\N",
                        "\\N",
                        "",
                        delivered,
                        now,
                    ]
                )
                + "\n"
            )
        buf.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY urbanisme_dossier (kind, year, number, code, status, subject, petitioner_kind, petitioner_name,"
                " petitioner_cin, petitioner_rc, petitioner_ice, petitioner_address, petitioner_phone, architect_name,"
                " architect_ordre, use, built_area_m2, floors, housing_units, size, delay_days, deposited_on,"
                " deposited_at, deposited_by_id, instructor_id, clock_stopped_on, stopped_days, due_on, decided_on,"
                " parent_id, courrier_mail_id, courrier_reference, rokhas_reference, tax_dh, tax_liquidation_id,"
                " tax_quittance, delivered_on, updated_at) FROM STDIN",
                buf,
            )
            for (kind, year), last in counters.items():
                cursor.execute(
                    "INSERT INTO kernel_counter (key, year, last_number) VALUES (%s, %s, %s)",
                    [f"urbanisme:dossier:{kind}", year, last],
                )
            cursor.execute("ANALYZE urbanisme_dossier")
        connection.set_schema_to_public()
    return instructors


def timed(port: int, path: str, token: str) -> float:
    start = time.perf_counter()
    status, body = call(port, "GET", path, token=token)
    elapsed = (time.perf_counter() - start) * 1000
    if status != 200:
        raise RuntimeError(f"{path}: {status} {body!r}")
    return elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.dossiers, args.requests = 2_000, 10
    rng = random.Random(args.seed)
    import courrier

    courrier.HOST = HOST  # the helpers call this commune's host

    _setup.drop_communes(SLUG)
    commune_create(slug=SLUG, name_fr="Bench urbanisme", name_ar="التعمير", modules=["courrier", "urbanisme"])
    t0 = time.perf_counter()
    load(args.dossiers, args.years, rng)
    print(f"loaded {args.dossiers} dossiers in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    port = free_port()
    server = serve(port)
    try:
        tokens = []
        for i in range(min(args.clients, 10)):
            status, body = call(port, "POST", "/api/auth/token/", {"username": f"bench-instr{i}", "password": PASSWORD})
            assert status == 200, body
            tokens.append(body["token"])
        results: dict[str, list[float]] = {"me": [], "desk": [], "late": []}
        paths = {"me": "/api/me/", "desk": "/urbanisme/api/dossiers/desk/", "late": "/urbanisme/api/dossiers/late/"}
        for name, path in paths.items():
            for token in tokens:  # warm-up: every process and connection once
                timed(port, path, token)
                timed(port, path, token)

            def work(i: int, name: str = name, path: str = path) -> None:
                token = tokens[i % len(tokens)]
                for _ in range(args.requests):
                    results[name].append(timed(port, path, token))

            together(args.clients, work)
        sample_desk = call(port, "GET", paths["desk"], token=tokens[0])[1]
        sample_late = call(port, "GET", paths["late"], token=tokens[0])[1]
    finally:
        server.terminate()
        server.wait(10)

    with schema_context(SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, year, count(*), count(DISTINCT number), max(number) FROM urbanisme_dossier "
                "GROUP BY kind, year"
            )
            series = cursor.fetchall()
        connection.set_schema_to_public()
    gaps = sum(int(maximum) - int(distinct) for _k, _y, _n, distinct, maximum in series)
    duplicates = sum(int(n) - int(distinct) for _k, _y, n, distinct, _m in series)
    total = sum(int(n) for _k, _y, n, _d, _m in series)
    print(
        json.dumps(
            {
                "baseline_me_p95_ms": round(p95(results["me"]), 2),
                "desk_p50_ms": round(statistics.median(results["desk"]), 2),
                "dashboard_p50_ms": round(statistics.median(results["late"]), 2),
                "desk_rows": len(sample_desk),
                "late_count": sample_late["late_count"],
                "open_count": sample_late["open_count"],
                "gaps": gaps,
                "duplicates": duplicates,
                "clients": args.clients,
            }
        )
    )
    if not args.keep:
        _setup.drop_communes(SLUG)
    print(
        json.dumps(
            {
                "dossiers": total,
                "desk_p95_ms": round(p95(results["desk"]), 2),
                "dashboard_p95_ms": round(p95(results["late"]), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
