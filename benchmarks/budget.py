"""Budget: a large commune's 5 exercices of 800 lines, 200,000 engagements along the spending chain and the
régie's 2 million quittances; then the execution report over HTTP, and 20 clients engaging at once.

Creates the commune `bench-budget` through `commune_create` (modules: régie, budget) and loads, per exercice, a
budget of 800 lines (100 revenue, 700 spending) moved to "executing" through the services; the engagements are
COPied as proposed and approved by one UPDATE per exercice, so that every row passes the SQL guard that keeps a
line's credit (the numbers 1..n per exercice, the kernel counter set to the last one); half of them are
liquidated, ordered and half of those paid (INSERT … SELECT, through the triggers). The quittances (with 2.5 %
cancelled) are loaded as a bulk import writes history (`db_guards.bulk_import_begin`, owner role; not sealed in
the régie's chain: the chain is not what is measured), on the revenue lines' codes, spread over the 5 years.

Then gunicorn on loopback against the same database:
- report_p95_ms: `GET /budget/api/budgets/<id>/execution/` of the current exercice (800 lines; its ~400,000
  quittances through the running totals the budget folds from the régie's selectors, plus what is newer read
  live), `--reports` requests by one client after 5 warm-ups; the first fold of the whole history is timed apart
  (`first_fold_s`, before the server starts);
- engagements_per_s: `--clients` clients at once, each `--each` times: propose an engagement on a random line of
  the current exercice (`POST /budget/api/engagements/new/`, the service's token) and approve it (the
  ordonnateur's token); some lines have little credit left, so some approvals are refused (409);
- overspent: lines whose approved engagements exceed their credit, recomputed from the engagements (0 expected),
  plus lines whose kept total differs from their engagements' sum.

Baseline, same run, same server: `GET /healthz` by the same clients (requests/s) and the p95 of
`GET /budget/api/budgets/` (a one-row read through the same stack). Printed before the result line.

    DATABASE_URL=… .venv/bin/python benchmarks/budget.py [--engagements 200000] [--quittances 2000000]
        [--lines 800] [--years 5] [--clients 20] [--each 10] [--reports 100] [--seed 1] [--quick] [--keep]
    --quick: 80 lines, 2,000 engagements, 20,000 quittances, 20 clients × 3, 20 reports (what CI runs)

Last line: {"engagements": …, "report_p95_ms": …, "engagements_per_s": …, "overspent": 0}
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import statistics
import sys
import threading
import time
from decimal import Decimal
from typing import Any

import _setup

_setup.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.budget import permissions, services  # noqa: E402
from jamaa.modules.budget.models import Budget  # noqa: E402
from jamaa.modules.regie import services as regie_services  # noqa: E402
from jamaa.modules.regie.models import QuittanceSeries, Redevable, Tax  # noqa: E402
from jamaa.platform import db_guards  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402

SLUG = "bench-budget"
SCHEMA = "bench_budget"
HOST = f"{SLUG}.localhost"
PASSWORD = "Bench-budget-2026!"


def drop() -> None:
    _setup.drop_communes(SLUG)


def _copy(sql: str, buf: io.StringIO) -> None:
    buf.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, buf)


def load(*, lines: int, years: int, engagements: int, quittances: int, rng: random.Random) -> int:
    """The budgets, engagements (and their chain) and quittances. Returns the current exercice's budget id."""
    users = get_user_model().objects
    service = users.create_user(username="bench-service", password=PASSWORD)
    ordo = users.create_user(username="bench-ordo", password=PASSWORD)
    service.groups.add(Group.objects.get_or_create(name=permissions.SERVICE)[0])
    ordo.groups.add(Group.objects.get_or_create(name=permissions.ORDONNATEUR)[0])
    service, ordo = users.get(pk=service.pk), users.get(pk=ordo.pk)
    this_year = timezone.localdate().year
    first = this_year - years + 1
    revenue_n = max(4, lines // 8)
    spending_n = lines - revenue_n
    codes = [
        (f"{10 + i // 90:02d}", f"{10 + (i // 9) % 10:02d}", f"{11 + i % 9:02d}")
        for i in range(max(revenue_n, spending_n))
    ]
    revenue_codes = [".".join(c) for c in codes[:revenue_n]]
    budget_ids: dict[int, int] = {}
    line_ids: dict[int, list[tuple[int, Decimal]]] = {}
    for year in range(first, this_year + 1):
        budget = Budget.objects.create(year=year, nomenclature_version="bench", created_by=service)
        buf = io.StringIO()
        for direction, n in (("revenue", revenue_n), ("spending", spending_n)):
            for i in range(n):
                ch, art, ln = codes[i]
                part = "equipement" if direction == "spending" and i % 5 == 4 else "fonctionnement"
                forecast = Decimal(rng.randint(200, 5000) * 1000)
                buf.write(
                    f"{budget.pk}\t{direction}\t{part}\t{ch}\t Chapitre {ch}\tالفصل {ch}\t{art}\t{ln}\t{ch}{art}\t"
                    f"Ligne {ch}.{art}.{ln}\tالسطر {ch}.{art}.{ln}\t{forecast}\t0\t0\t0\t0\t0\n"
                )
        _copy(
            "COPY budget_budgetline (budget_id, direction, part, chapter, chapter_fr, chapter_ar, article, line, "
            "code_eco, label_fr, label_ar, forecast_dh, adjustments_dh, engaged_dh, liquidated_dh, ordered_dh, "
            "paid_dh) FROM STDIN",
            buf,
        )
        services.budget_vote(
            actor=service,
            budget_id=budget.pk,
            council_session="Session d'octobre",
            voted_on=dt.date(year - 1, 10, 20),
            deliberation_number=f"{year}/1",
        )
        services.budget_approve(
            actor=service, budget_id=budget.pk, approved_on=dt.date(year - 1, 12, 20), approval_reference="Visa"
        )
        services.budget_execute(actor=service, budget_id=budget.pk)
        budget_ids[year] = budget.pk
        line_ids[year] = list(budget.lines.filter(direction="spending").values_list("pk", "forecast_dh").order_by("pk"))

    # Engagements: proposed (COPY), then approved by one UPDATE per exercice (through the credit guard).
    per_year = engagements // years
    with connection.cursor() as cursor:
        for year in range(first, this_year + 1):
            buf = io.StringIO()
            spent: dict[int, Decimal] = {}
            count = per_year if year < this_year else engagements - per_year * (years - 1)
            for number in range(1, count + 1):
                line_id, forecast = rng.choice(line_ids[year])
                # about 60 % of a line's credit over its engagements: most fit, the current year's fill up
                amount = (forecast * Decimal("0.6") / Decimal(count / len(line_ids[year]))).quantize(Decimal("0.01"))
                # what would overspend the line stays proposed (the ordonnateur would be refused)
                fits = spent.get(line_id, Decimal(0)) + amount <= forecast
                if fits:
                    spent[line_id] = spent.get(line_id, Decimal(0)) + amount
                day = dt.date(year, 1 + number * 11 // (count + 1), 1 + number % 28)
                buf.write(
                    f"{budget_ids[year]}\t{line_id}\t{year}\t{number}\tFournisseur {number % 997}\t"
                    f"{'Achat' if fits else 'En attente'} {number}\t{amount}\tproposed\t{service.pk}\t"
                    f"{day}T09:00:00+00:00\t\t\\N\n"
                )
            _copy(
                "COPY budget_engagement (budget_id, line_id, year, number, beneficiary, subject, amount_dh, status, "
                "proposed_by_id, proposed_at, decision_note, decided_on) FROM STDIN",
                buf,
            )
            cursor.execute(
                "UPDATE budget_engagement e SET status = 'approved', decided_by_id = %s, "
                "decided_on = (e.proposed_at AT TIME ZONE 'Africa/Casablanca')::date "
                "WHERE e.year = %s AND e.subject LIKE 'Achat %%'",
                [ordo.pk, year],
            )
            cursor.execute(
                "INSERT INTO kernel_counter (key, year, last_number) VALUES ('budget:engagement', %s, %s)",
                [year, count],
            )
            # Half liquidated, ordered; half of those paid (every row through its trigger).
            for step, sql in (
                (
                    "liquidation",
                    "INSERT INTO budget_liquidation (engagement_id, year, number, amount_dh, invoice_reference, "
                    "service_done_on, recorded_by_id, recorded_at) SELECT id, year, row_number() OVER (ORDER BY id), "
                    "amount_dh, 'F-' || number, decided_on, %s, now() FROM budget_engagement "
                    "WHERE year = %s AND status = 'approved' AND number %% 2 = 0",
                ),
                (
                    "order",
                    "INSERT INTO budget_paymentorder (liquidation_id, year, number, amount_dh, beneficiary, code, "
                    "issued_by_id, issued_on, issued_at) SELECT l.id, l.year, l.number, l.amount_dh, e.beneficiary, "
                    "upper(substr(md5(l.id::text || 'o'), 1, 10)), %s, l.service_done_on, now() "
                    "FROM budget_liquidation l JOIN budget_engagement e ON e.id = l.engagement_id WHERE l.year = %s",
                ),
                (
                    "payment",
                    "INSERT INTO budget_payment (order_id, year, number, amount_dh, paid_on, treasury_reference, "
                    "recorded_by_id, recorded_at) SELECT id, year, row_number() OVER (ORDER BY id), amount_dh, "
                    "issued_on, 'TR-' || number, %s, now() FROM budget_paymentorder "
                    "WHERE year = %s AND number %% 2 = 0",
                ),
            ):
                cursor.execute(sql, [service.pk if step != "order" else ordo.pk, year])
                table = "budget_paymentorder" if step == "order" else f"budget_{step}"
                cursor.execute(f"SELECT coalesce(max(number), 0) FROM {table} WHERE year = %s", [year])  # noqa: S608
                cursor.execute(
                    "INSERT INTO kernel_counter (key, year, last_number) VALUES (%s, %s, %s)",
                    [f"budget:{step}", year, cursor.fetchone()[0]],
                )

    # The régie's quittances on the revenue lines' codes, over the years (a bulk import of history).
    with transaction.atomic():
        db_guards.bulk_import_begin()
        regie = regie_services.reference_install_defaults()
        tax = Tax.objects.order_by("pk").first()
        assert tax is not None
        payers = [Redevable.objects.create(name=f"Redevable {i}", cin=f"R{i:06d}") for i in range(50)]
        with connection.cursor() as cursor:
            for year in range(first, this_year + 1):
                series = QuittanceSeries.objects.create(regie=regie, exercice=year)
                count = quittances // years
                buf = io.StringIO()
                last_day = timezone.localdate() if year == this_year else dt.date(year, 12, 31)
                span = (last_day - dt.date(year, 1, 1)).days + 1
                for number in range(1, count + 1):
                    payer = payers[number % 50]
                    amount = Decimal(rng.randint(20, 5000))
                    day = dt.date(year, 1, 1) + dt.timedelta(days=number * span // (count + 1))
                    buf.write(
                        f"{series.pk}\t{number}\t{payer.pk}\t{payer.name}\t{tax.pk}\t{rng.choice(revenue_codes)}\t"
                        f"{year}\t{amount}\t1\t0\t{amount}\tcash\t{service.pk}\t{day}T00:00:00+00:00\t{day}\n"
                    )
                _copy(
                    "COPY regie_quittance (series_id, number, redevable_id, payer_name, tax_id, budget_line, period, "
                    "base, rate, penalties_dh, amount_dh, payment_method, agent_id, issued_at, day) FROM STDIN",
                    buf,
                )
                cursor.execute("UPDATE regie_quittanceseries SET last_number = %s WHERE id = %s", [count, series.pk])
                cursor.execute(
                    "INSERT INTO regie_quittancecancellation (quittance_id, reason, requested_by_id, approved_by_id, "
                    "amount_dh, cancelled_at) SELECT id, 'erreur', %s, %s, -amount_dh, issued_at + interval '1 hour' "
                    "FROM regie_quittance "
                    "WHERE series_id = %s AND number %% 40 = 0",
                    [service.pk, ordo.pk, series.pk],
                )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE budget_budgetline; ANALYZE budget_engagement; ANALYZE regie_quittance; "
            "ANALYZE regie_quittancecancellation"
        )
    return budget_ids[this_year]


def call(port: int, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    return _setup.call(port, method, path, body, token, host=HOST, timeout=120)


def timed(port: int, path: str, token: str, n: int, warm: int = 5) -> list[float]:
    times = []
    for i in range(n + warm):
        start = time.perf_counter()
        status, body = call(port, "GET", path, token=token)
        if status != 200:
            raise SystemExit(f"{path}: {status} {body!r}")
        if i >= warm:
            times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engagements", type=int, default=200_000)
    parser.add_argument("--quittances", type=int, default=2_000_000)
    parser.add_argument("--lines", type=int, default=800)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--each", type=int, default=10)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.lines, args.engagements, args.quittances, args.each, args.reports = 80, 2_000, 20_000, 3, 20
    rng = random.Random(args.seed)

    from django.core.management import call_command

    call_command("fleet", "migrate", "--jobs", "1", verbosity=0)  # a fresh database: public and the template
    drop()
    commune_create(slug=SLUG, name_fr="Bench budget", name_ar="الميزانية", modules=["regie", "budget"])
    t0 = time.perf_counter()
    with schema_context(SCHEMA):
        budget_id = load(
            lines=args.lines, years=args.years, engagements=args.engagements, quittances=args.quittances, rng=rng
        )
        line_ids = list(
            Budget.objects.get(pk=budget_id).lines.filter(direction="spending").values_list("pk", flat=True)
        )
        # the régie's history folded once (what the first report after deployment would do); then every report
        # reads the folded totals and only what is newer
        t1 = time.perf_counter()
        services.revenue_fold(force=True)
        first_fold_s = time.perf_counter() - t1
    connection.set_schema_to_public()
    print(f"loaded in {time.perf_counter() - t0:.1f} s, first fold {first_fold_s:.1f} s", file=sys.stderr)

    port = _setup.free_port()
    server = _setup.serve(port)
    refused = 0
    try:
        tokens = {}
        for who in ("bench-service", "bench-ordo"):
            status, body = call(port, "POST", "/api/auth/token/", {"username": who, "password": PASSWORD})
            assert status == 200, body
            tokens[who] = body["token"]
        # baseline: the same clients on a trivial request, and a one-row read through the same stack
        base_s = _setup.together(args.clients, lambda i: [call(port, "GET", "/healthz") for _ in range(args.each)])
        baseline_rps = args.clients * args.each / base_s
        base_times = timed(port, "/budget/api/budgets/", tokens["bench-ordo"], args.reports)
        report_times = timed(port, f"/budget/api/budgets/{budget_id}/execution/", tokens["bench-ordo"], args.reports)
        lock = threading.Lock()

        def engage(i: int) -> None:
            nonlocal refused
            local = random.Random(args.seed * 1000 + i)
            for k in range(args.each):
                status, body = call(
                    port,
                    "POST",
                    "/budget/api/engagements/new/",
                    {
                        "line_id": local.choice(line_ids),
                        "beneficiary": f"Client {i}",
                        "subject": f"Achat {k}",
                        "amount_dh": f"{local.randint(1000, 400000)}.00",
                    },
                    token=tokens["bench-service"],
                )
                if status != 201:
                    raise RuntimeError(f"propose {status}: {body!r}")
                eid = body["engagement"]["id"]
                status, body = call(
                    port, "POST", f"/budget/api/engagements/{eid}/approve/", {}, token=tokens["bench-ordo"]
                )
                if status == 409:
                    with lock:
                        refused += 1
                elif status != 200:
                    raise RuntimeError(f"approve {status}: {body!r}")

        engage_s = _setup.together(args.clients, engage)
        engagements_per_s = args.clients * args.each / engage_s
    finally:
        server.terminate()
        server.wait(10)

    with schema_context(SCHEMA), connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE coalesce(s.total, 0) > l.forecast_dh + l.adjustments_dh), "
            "count(*) FILTER (WHERE coalesce(s.total, 0) <> l.engaged_dh) FROM budget_budgetline l "
            "LEFT JOIN (SELECT line_id, sum(amount_dh) AS total FROM budget_engagement WHERE status = 'approved' "
            "GROUP BY line_id) s ON s.line_id = l.id"
        )
        over, mismatched = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM budget_engagement")
        total = int(cursor.fetchone()[0])
        cursor.execute("SELECT count(*) FROM regie_quittance")
        quittances = int(cursor.fetchone()[0])
    connection.set_schema_to_public()
    print(
        json.dumps(
            {
                "baseline_healthz_per_s": round(baseline_rps, 1),
                "baseline_budget_list_p95_ms": round(statistics.quantiles(base_times, n=20)[18], 2),
                "report_p50_ms": round(statistics.median(report_times), 2),
                "quittances": quittances,
                "first_fold_s": round(first_fold_s, 2),
                "approvals_refused": refused,
                "lines_total_mismatch": int(mismatched),
            }
        )
    )
    if not args.keep:
        drop()
    print(
        json.dumps(
            {
                "engagements": total,
                "report_p95_ms": round(statistics.quantiles(report_times, n=20)[18], 2),
                "engagements_per_s": round(engagements_per_s, 1),
                "overspent": int(over) + int(mismatched),
            }
        )
    )


if __name__ == "__main__":
    main()
