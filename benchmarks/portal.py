"""Citizen portal: anonymous page throughput over gunicorn, cached and uncached, and the tracking lookup.

Creates the commune `bench-portail` (modules: état civil, bureau d'ordre, régie, portal), files `--requests`
online requests through the portal's services (each one an incoming letter numbered by the bureau d'ordre, with a
CIN), publishes a council decision and news, then starts gunicorn (2 workers × 10 threads) on loopback and has
`--clients` threads:

- GET the home page, a transparency page and an open-data CSV, as visitors get them (the per-commune,
  per-language page cache on) and uncached (each address made unique by a query string, so every request renders
  the page from the commune's figures snapshot, modules/portail/figures.py);
- POST the tracking lookup (number + CIN, 90 % right, 10 % a wrong CIN), one lookup at a time (the latency a
  citizen feels; the pages measure the server under load), each from its own client address (`X-Forwarded-For`
  behind one trusted proxy, as behind the ingress: the per-address limit stays on).

Baseline, same run, same server, same clients: `GET /healthz` (requests/s of a trivial request), printed with
the uncached figures on the line before the result. `figures_refresh_ms`: one full recompute of the snapshot from
the modules (what the first visitor after a change waits for), timed before the server starts.

    DATABASE_URL=… .venv/bin/python benchmarks/portal.py [--requests 2000] [--clients 10] [--each 50] [--quick]
        [--keep]
    --quick: 100 requests, 5 clients × 10 (what CI runs); --keep: leave the commune (default: dropped)

Last line: {"home_rps": …, "transparency_p95_ms": …, "tracking_p95_ms": …, "cached_ratio": …}
(`transparency_p95_ms` as served, cache on; `cached_ratio` = home requests/s cached ÷ uncached.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import _setup

os.environ["JAMAA_TRUSTED_PROXIES"] = "1"  # the benchmark's clients come "through the ingress" (X-Forwarded-For)
_setup.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.portail import figures, services  # noqa: E402
from jamaa.modules.portail.models import Citizen  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402

SLUG = "bench-portail"
HOST = f"{SLUG}.localhost"
REPO = Path(__file__).resolve().parent.parent
MODULES = ["etatcivil", "courrier", "regie", "portail"]
TEXTS = ["Éclairage public en panne", "Ramassage des ordures", "Nid-de-poule rue 12", "شكاية بخصوص الإنارة"]


def drop() -> None:
    _setup.drop_communes(SLUG)


def load(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """`count` requests from `count // 4 + 1` citizens; (reference, CIN) of each."""
    pairs = []
    with schema_context(SLUG.replace("-", "_")):
        citizens = [
            Citizen.objects.create(email=f"c{i}@bench.ma", display_name=f"Citoyen {i}") for i in range(count // 4 + 1)
        ]
        for i in range(count):
            cin = f"BK{rng.randint(10000, 999999)}"
            kind = "portail.complaint" if i % 3 else "portail.other"
            r = services.request_submit(
                citizen_id=citizens[i % len(citizens)].pk,
                data=services.RequestInput(kind=kind, text=rng.choice(TEXTS), cin=cin),
                enabled=tuple(MODULES),
            )
            pairs.append((r.reference, cin))
        editor = get_user_model().objects.create_user(username="bench-editor", password="x")
        editor.groups.add(Group.objects.get_or_create(name="portail_editor")[0])
        services.publication_publish(
            actor=editor,
            data=services.PublicationInput(
                kind="deliberation", title_fr="Budget 2027", title_ar="ميزانية 2027",
                session_date=dt.date(2026, 10, 5), number="12/2026", votes_for=21, votes_against=4, votes_abstain=2,
                outcome="adopted",
            ),
        )  # fmt: skip
        services.publication_publish(
            actor=editor, data=services.PublicationInput(kind="news", title_fr="Marché", title_ar="السوق")
        )
    connection.set_schema_to_public()
    return pairs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jamaa.platform.settings"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "jamaa.platform.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--threads", "10", "--log-level", "warning"],
        cwd=REPO,
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def call(port: int, method: str, path: str, body: Any = None, ip: str = "") -> tuple[int, float]:
    """(status, milliseconds)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Host", HOST)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if ip:
        request.add_header("X-Forwarded-For", ip)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, (time.perf_counter() - start) * 1000


def together(clients: int, work: Any) -> tuple[float, list[float], list[int]]:
    """Run work(i) -> [(status, ms)] in `clients` threads started at once: (seconds, all ms, all statuses)."""
    barrier = threading.Barrier(clients + 1)
    results: list[list[tuple[int, float]]] = [[] for _ in range(clients)]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # reported
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} clients failed: {errors[0]!r}")
    flat = [r for rs in results for r in rs]
    return time.perf_counter() - start, [ms for _s, ms in flat], [s for s, _ms in flat]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--each", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.clients, args.each = 100, 5, 10
    rng = random.Random(args.seed)
    drop()
    commune_create(slug=SLUG, name_fr="Bench portail", name_ar="بوابة", modules=MODULES)
    t0 = time.perf_counter()
    pairs = load(args.requests, rng)
    print(f"filed {args.requests} online requests in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    with schema_context(SLUG.replace("-", "_")):
        t0 = time.perf_counter()
        figures.refresh(enabled=MODULES)
        refresh_ms = round((time.perf_counter() - t0) * 1000, 1)
    connection.set_schema_to_public()

    port = free_port()
    server = serve(port)
    n, each = args.clients, args.each
    total = n * each
    counter = iter(range(10**9))
    lock = threading.Lock()

    def unique() -> int:
        with lock:
            return next(counter)

    def gets(path: str, *, cached: bool) -> Any:
        def work(i: int) -> list[tuple[int, float]]:
            out = []
            for _ in range(each):
                target = path if cached else f"{path}?u={unique()}"
                out.append(call(port, "GET", target))
            return out

        return work

    try:
        for path in ("/portail/", "/portail/transparency/", "/portail/data/portail.requests_per_month.csv"):
            assert call(port, "GET", path)[0] == 200, path  # warm: workers loaded, the cache filled
        base_s, _ms, _st = together(n, lambda i: [call(port, "GET", "/healthz") for _ in range(each)])
        measured: dict[str, float] = {
            "baseline_healthz_rps": round(total / base_s, 1),
            "figures_refresh_ms": refresh_ms,
        }
        for name, path in (("home", "/portail/"), ("transparency", "/portail/transparency/"),
                           ("opendata", "/portail/data/portail.requests_per_month.csv")):  # fmt: skip
            for cached in (True, False):
                seconds, ms, statuses = together(n, gets(path, cached=cached))
                assert set(statuses) == {200}, (path, set(statuses))
                tag = "cached" if cached else "uncached"
                measured[f"{name}_{tag}_rps"] = round(total / seconds, 1)
                measured[f"{name}_{tag}_p95_ms"] = round(p95(ms), 1)

        def track(i: int) -> list[tuple[int, float]]:
            out = []
            for k in range(each):
                reference, cin = rng.choice(pairs)
                secret = cin if rng.random() < 0.9 else "ZZ000000"
                ip = f"10.{i}.{k // 250}.{k % 250 + 1}"
                out.append(call(port, "POST", "/portail/api/public/track/", {"reference": reference, "secret": secret},
                                ip=ip))  # fmt: skip
            return out

        # one citizen at a time, as a lookup is felt (the pages above measured the server under 10 clients)
        each = n * args.each
        _s, track_ms, statuses = together(1, track)
        assert set(statuses) <= {200, 404} and 200 in statuses, set(statuses)
    finally:
        server.terminate()
        server.wait(10)
    print(json.dumps(measured))
    if not args.keep:
        drop()
    print(
        json.dumps(
            {
                "home_rps": measured["home_cached_rps"],
                "transparency_p95_ms": measured["transparency_cached_p95_ms"],
                "tracking_p95_ms": round(p95(track_ms), 1),
                "cached_ratio": round(measured["home_cached_rps"] / measured["home_uncached_rps"], 2),
                "transparency_uncached_p95_ms": measured["transparency_uncached_p95_ms"],
                "figures_refresh_ms": refresh_ms,
                "requests": args.requests,
            }
        )
    )


if __name__ == "__main__":
    main()
