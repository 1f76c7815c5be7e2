"""Collectors syncing at once: 50 collectors, each uploading 200 payments taken offline, against a real server.

Creates (again) the scratch commune `bench-collect` through `commune_create`, the régie's reference data through
its services (`reference_install_defaults`, `redevable_create`) and one collecting agent per collector, then
starts gunicorn (the production WSGI server; `--workers`, `--threads`) on a free loopback port. Each collector, in
its own thread with its own keep-alive connection, registers a device (not timed: password hashing), downloads
the reference data, draws a block of 110 numbers, uploads its first 100 payments in batches, draws a second
block, returns the first (its 10 unused numbers become returned stubs), and uploads the next 100. Along the way:
every 4th batch is sent again once it was answered (a retry after a lost answer: all duplicates), every 10th is
sent twice at the same time on two connections (a retry while the first is still in flight: the race), and one
batch carries one extra payment numbered from the returned block (a stale block: refused, the rest kept).

Timed phase: from the first upload to the last answer (bounded by `--duration`: no new batch after it).
payments/s = quittances created / timed phase; p95 = the batch requests' latency. Then, from the database:
duplicates = quittances sharing a number in a series or a client UUID, plus UUIDs answered `created` twice;
gaps = numbers missing below the highest used one of a block; lost = payments answered created/duplicate, or
never answered, with no quittance.

    DATABASE_URL=… .venv/bin/python benchmarks/collect_load.py [--collectors 50] [--payments 200] [--batch 20]
        [--workers 4] [--threads 4] [--duration 300] [--keep]
        [--quick]  2 collectors × 20 payments, one gunicorn worker: a check that it runs (CI), not a measure

Last line: {"payments_per_s": …, "p95_batch_ms": …, "duplicates": …, "gaps": …}
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import _setup

_setup.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.regie import selectors_collecte as regie_reads  # noqa: E402
from jamaa.modules.regie import services as regie_services  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SLUG = "bench-collect"
PASSWORD = "Bench-collect-2026!"
BLOCK_SIZE = 110  # 100 used, 10 returned
CENT = Decimal("0.01")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(collectors: int) -> dict[str, Any]:
    """The scratch commune with its régie, taxes, 200 redevables and one agent per collector."""
    call_command("fleet", "migrate", "--jobs", "1", verbosity=0)
    connection.set_schema_to_public()
    _setup.drop_communes(SLUG)
    created = commune_create(
        slug=SLUG, name_fr="Bench collecte", name_ar="تحصيل", region="Fès-Meknès", modules=["collecte", "regie"]
    )
    with schema_context(created.schema_name):
        regie = regie_services.reference_install_defaults()
        agents = Group.objects.get_or_create(name="regie_agent")[0]
        users = []
        for i in range(collectors):
            user = get_user_model().objects.create_user(username=f"collector{i:03d}", password=PASSWORD)
            user.groups.add(agents)
            users.append(user)
        for i in range(200):
            regie_services.redevable_create(actor=users[0], name=f"Commerçant {i:03d}", cin=f"BK{i:06d}")
    connection.set_schema_to_public()
    return {"regie_id": regie.pk, "usernames": [u.username for u in users], "schema": created.schema_name}


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        JAMAA_HTTPS="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-" + secrets.token_hex(24),
        JAMAA_LOG_LEVEL="WARNING",
        DATABASE_URL=env["DATABASE_URL"],
    )
    log = open(REPO / "var" / "bench-collect-server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "jamaa.platform.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--timeout",
            "120",
            "--keep-alive",
            "30",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz", headers={"Host": f"{SLUG}.localhost"})
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {log.name}") from None
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


class Client:
    """One keep-alive connection speaking JSON to the commune's host."""

    def __init__(self, port: int, token: str = "") -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Host": f"{SLUG}.localhost", "Accept": "application/json", "Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Device {self.token}"
        payload = None if body is None else json.dumps(body)
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                return response.status, json.loads(response.read() or b"null")
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Stats:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    created_by_uuid: Counter[str] = field(default_factory=Counter)
    answered: dict[str, str] = field(default_factory=dict)  # uuid → last status
    expected: set[str] = field(default_factory=set)  # uuids that must end as quittances
    stale_sent: int = 0
    stale_refused: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, ms: float, results: list[dict[str, Any]]) -> None:
        with self.lock:
            self.latencies_ms.append(ms)
            for r in results:
                self.statuses[r["status"]] += 1
                self.answered[r["uuid"]] = r["status"]
                if r["status"] == "created":
                    self.created_by_uuid[r["uuid"]] += 1
                if r.get("extra", {}).get("stale_block"):
                    self.stale_refused += 1


def amount(base: Decimal, rate: Decimal) -> Decimal:
    return (base * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def collector_run(
    index: int, token: str, port: int, regie_id: int, payments: int, batch: int, deadline: float, stats: Stats
) -> None:
    rng = random.Random(index)
    client = Client(port, token)
    status, ref = client.call("GET", "/collecte/api/reference/")
    assert status == 200, ref
    tax = next(t for t in ref["taxes"] if t["code"] == "ODP")
    rate = Decimal(next(t["rate"] for t in ref["tariffs"] if t["tax_id"] == tax["id"]))
    redevables = [r["id"] for r in ref["redevables"]]
    today = timezone.localdate()
    exercice = today.year

    def draw() -> dict[str, Any]:
        status, block = client.call(
            "POST", "/collecte/api/blocks/", {"regie_id": regie_id, "exercice": exercice, "size": BLOCK_SIZE}
        )
        assert status == 201, block
        return block

    def pay(block: dict[str, Any], number: int) -> dict[str, Any]:
        base = Decimal(rng.randint(1, 40)) + Decimal(rng.choice(["0", "0.5"]))
        return {
            "uuid": str(uuid.uuid4()),
            "block_id": block["block_id"],
            "number": number,
            "redevable_id": rng.choice(redevables),
            "tax_id": tax["id"],
            "base": str(base),
            "period": f"T{(today.month - 1) // 3 + 1} {exercice}",
            "payment_method": "cash",
            "collected_at": dt.datetime.now(dt.UTC).isoformat(),
            "amount_dh": str(amount(base, rate)),
        }

    def send(items: list[dict[str, Any]], via: Client) -> None:
        started = time.perf_counter()
        status, body = via.call("POST", "/collecte/api/payments/", {"payments": items})
        ms = (time.perf_counter() - started) * 1000
        if status != 200:
            with stats.lock:
                stats.errors.append(f"{status} {body}")
            return
        stats.record(ms, body["results"])

    first = draw()
    half = payments // 2
    plan = [(first, first["first_number"] + i) for i in range(half)]
    second: dict[str, Any] | None = None
    sent = 0
    batch_no = 0
    stale_done = False
    twin = Client(port, token)
    while sent < payments and time.monotonic() < deadline:
        if sent == half and second is None:
            second = draw()
            status, _ = client.call("POST", f"/collecte/api/blocks/{first['block_id']}/return/", {})
            assert status == 200
            plan = [(second, second["first_number"] + i) for i in range(payments - half)]
        take = min(batch, (half if sent < half else payments) - sent)
        offset = sent if sent < half else sent - half
        items = [pay(b, n) for b, n in plan[offset : offset + take]]
        with stats.lock:
            stats.expected.update(i["uuid"] for i in items)
        if second is not None and not stale_done:
            # A payment numbered from the returned block (the device had not caught up): refused as stale.
            items.insert(rng.randrange(len(items) + 1), pay(first, first["first_number"] + half))
            stale_done = True
            with stats.lock:
                stats.stale_sent += 1
        batch_no += 1
        if batch_no % 10 == 0:
            # The same batch twice at the same time: a retry while the first upload is still in flight.
            other = threading.Thread(target=send, args=(items, twin))
            other.start()
            send(items, client)
            other.join()
        else:
            send(items, client)
            if batch_no % 4 == 0:
                send(items, client)  # a retry after a lost answer
        sent += take


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collectors", type=int, default=50)
    parser.add_argument("--payments", type=int, default=200, help="per collector")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--duration", type=float, default=300, help="seconds: no new batch after that")
    parser.add_argument("--keep", action="store_true", help="keep the scratch commune for a look")
    parser.add_argument("--quick", action="store_true", help="2 collectors × 20 payments: a check that it runs")
    args = parser.parse_args()
    if args.quick:
        args.collectors, args.payments, args.batch, args.workers, args.threads = 2, 20, 5, 1, 2
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("collect_load.py needs DATABASE_URL (a PostgreSQL of its own: it creates a commune)")
    _ensure_database()
    setup_started = time.monotonic()
    data = prepare(args.collectors)
    print(f"setup: commune, régie, {args.collectors} collectors in {time.monotonic() - setup_started:.1f}s", flush=True)
    port = free_port()
    server = start_server(port, args.workers, args.threads)
    try:
        # Devices register first (password hashing is deliberately slow; not part of the sync load).
        tokens: list[str] = [""] * args.collectors
        started = time.monotonic()

        def register(i: int) -> None:
            status, body = Client(port).call(
                "POST",
                "/collecte/api/devices/register/",
                {"username": data["usernames"][i], "password": PASSWORD, "name": f"phone {i}"},
            )
            assert status == 201, body
            tokens[i] = body["token"]

        threads = [threading.Thread(target=register, args=(i,)) for i in range(args.collectors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(f"registered {args.collectors} devices in {time.monotonic() - started:.1f}s", flush=True)

        stats = Stats()
        failures: list[str] = []
        started = time.monotonic()
        deadline = started + args.duration

        def run(i: int) -> None:
            try:
                collector_run(i, tokens[i], port, data["regie_id"], args.payments, args.batch, deadline, stats)
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(f"collector {i}: {exc!r}")

        threads = [threading.Thread(target=run, args=(i,)) for i in range(args.collectors)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(30)

    with schema_context(data["schema"]):
        report = _database_report(stats)
    connection.set_schema_to_public()
    if not args.keep:
        _setup.drop_communes(SLUG)

    created = stats.statuses["created"]
    p95 = (
        statistics.quantiles(stats.latencies_ms, n=20)[18] if len(stats.latencies_ms) >= 20 else max(stats.latencies_ms)
    )
    print(
        f"{args.collectors} collectors × {args.payments} payments, batches of {args.batch}, gunicorn "
        f"{args.workers}×{args.threads} threads; {len(stats.latencies_ms)} batch requests in {elapsed:.1f}s",
        flush=True,
    )
    print(
        f"answers: {dict(stats.statuses)}; stale numbers sent {stats.stale_sent}, "
        f"refused as stale {stats.stale_refused}, stale_block incidents {report['stale_incidents']}"
    )
    print(
        f"database: {report['quittances']} quittances; duplicates {report['duplicates']} "
        f"(numbers {report['dup_numbers']}, uuids {report['dup_uuids']}, created twice {report['created_twice']}); "
        f"gaps {report['gaps']}; returned stubs {report['returned']}; lost {report['lost']}"
    )
    print(
        f"batch latency ms: p50 {statistics.median(stats.latencies_ms):.0f}, p95 {p95:.0f}, "
        f"max {max(stats.latencies_ms):.0f}"
    )
    for line in (failures + stats.errors)[:10]:
        print("error:", line)
    print(
        json.dumps(
            {
                "payments_per_s": round(created / elapsed, 1),
                "p95_batch_ms": round(p95, 1),
                "duplicates": report["duplicates"],
                "gaps": report["gaps"],
            }
        )
    )


def _database_report(stats: Stats) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(DISTINCT (series_id, number)), count(DISTINCT client_uuid) FROM regie_quittance"
        )
        total, distinct_numbers, distinct_uuids = cursor.fetchone()
        cursor.execute("SELECT client_uuid::text FROM regie_quittance")
        stored = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM regie_incident WHERE kind = 'stale_block'")
        (stale_incidents,) = cursor.fetchone()
    usage = regie_reads.block_usage()
    created_twice = sum(1 for n in stats.created_by_uuid.values() if n > 1)
    dup_numbers, dup_uuids = total - distinct_numbers, total - distinct_uuids
    return {
        "quittances": total,
        "dup_numbers": dup_numbers,
        "dup_uuids": dup_uuids,
        "created_twice": created_twice,
        "duplicates": dup_numbers + dup_uuids + created_twice,
        "gaps": sum(len(u.gaps) for u in usage),
        "returned": sum(u.returned[1] - u.returned[0] + 1 for u in usage if u.returned),
        "lost": len(stats.expected - stored),
        "stale_incidents": stale_incidents,  # one per stale number, however often it was sent
    }


def _ensure_database() -> None:
    """Create the benchmark's database when it does not exist yet (it is named by DATABASE_URL)."""
    import psycopg2

    db = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    conn.close()


if __name__ == "__main__":
    main()
