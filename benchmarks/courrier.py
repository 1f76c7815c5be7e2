"""Bureau d'ordre: a commune with 200,000 letters over 5 years, then 20 clerks registering at once over HTTP, and
search by sender or subject.

Creates the commune `bench-courrier` through `commune_create` (modules: courrier), loads the letters with COPY
(correspondents with Moroccan names in Latin or Arabic letters, subjects from a list of real requests, numbers
1..n per category and year, the kernel counter set to the last number), starts gunicorn on loopback against the
same database, and has `--clerks` threads register `--each` letters each through `POST /courrier/api/mails/new/`
(token auth, the API a script uses). Then checks every (category, year) series: numbers 1..max, no gap, no
duplicate; and times `selectors.mail_search()` for `--queries` queries by sender or subject (half Arabic), after
10 warm-up queries.

Baseline, measured in the same run on the same server: `GET /healthz` by the same clients (requests/s the
machine gives a trivial request) and a search by exact number (p95). Printed before the result line.

    DATABASE_URL=… .venv/bin/python benchmarks/courrier.py [--letters 200000] [--years 5] [--clerks 20]
        [--each 25] [--queries 200] [--seed 1] [--quick] [--keep]
    --quick: 5,000 letters, 20 clerks × 5, 50 queries (what CI runs); --keep: leave the commune (default: dropped)

Last line: {"letters": …, "registrations_per_s": …, "search_p95_ms": …, "gaps": …, "duplicates": …}
"""

from __future__ import annotations

import argparse
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

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.courrier import permissions, selectors  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402

SLUG = "bench-courrier"
SCHEMA = "bench_courrier"
HOST = f"{SLUG}.localhost"
PASSWORD = "Bench-courrier-2026!"

FIRST = [
    "Mohamed",
    "Ahmed",
    "Youssef",
    "Fatima",
    "Khadija",
    "Aicha",
    "Rachid",
    "Said",
    "Nadia",
    "Karim",
    "Hicham",
    "Samira",
    "Omar",
    "Zineb",
    "Hamza",
    "Salma",
    "Brahim",
    "Latifa",
    "Driss",
    "Imane",
]
LAST = [
    "Alaoui",
    "Bennani",
    "Tazi",
    "Idrissi",
    "Fassi",
    "Berrada",
    "Chraibi",
    "Benjelloun",
    "El Amrani",
    "Ouazzani",
    "Sqalli",
    "Lahlou",
    "Kettani",
    "Naciri",
    "Skalli",
    "Bouzidi",
    "Cherkaoui",
    "Filali",
    "Hajji",
    "Mernissi",
]
FIRST_AR = ["محمد", "أحمد", "يوسف", "فاطمة", "خديجة", "عائشة", "رشيد", "سعيد", "نادية", "كريم"]
LAST_AR = ["العلوي", "بناني", "التازي", "الإدريسي", "الفاسي", "برادة", "الشرايبي", "بنجلون", "العمراني", "الوزاني"]
COMPANIES = ["Sarl Atlas Travaux", "Société Fès Eau", "Entreprise Saïss BTP", "Sarl Médina Services", "Zalagh Immo"]
SUBJECTS = [
    "Demande d'autorisation de construire",
    "Demande de certificat de résidence",
    "Réclamation éclairage public",
    "Demande de raccordement à l'assainissement",
    "Plainte pour nuisance sonore",
    "Demande d'occupation du domaine public",
    "Demande de légalisation",
    "Réclamation ramassage des ordures",
    "Invitation à une réunion",
    "Demande de stage",
    "طلب رخصة البناء",
    "شكاية بخصوص الإنارة العمومية",
    "طلب شهادة السكنى",
    "طلب الربط بشبكة التطهير",
    "شكاية بخصوص جمع النفايات",
    "طلب رخصة استغلال الملك العمومي",
]


def drop() -> None:
    _setup.drop_communes(SLUG)


def load(letters: int, years: int, rng: random.Random) -> tuple[int, list[str]]:
    """COPY the letters into the commune; returns (clerk id, a sample of sender names for queries)."""
    with schema_context(SCHEMA):
        users = get_user_model().objects
        clerk = users.create_user(username="bench-clerk", password=PASSWORD)
        clerk.groups.add(Group.objects.get_or_create(name=permissions.CLERK)[0])
        n_corr = max(10, letters // 4)
        names: list[str] = []
        buf = io.StringIO()
        now = timezone.now()
        for i in range(1, n_corr + 1):
            if rng.random() < 0.1:
                name, kind, cin, ice = f"{rng.choice(COMPANIES)} {i}", "company", "", f"{i:015d}"
            elif rng.random() < 0.4:
                name, kind, cin, ice = f"{rng.choice(FIRST_AR)} {rng.choice(LAST_AR)}", "person", f"B{i:07d}", ""
            else:
                name, kind, cin, ice = f"{rng.choice(FIRST)} {rng.choice(LAST)}", "person", f"A{i:07d}", ""
            names.append(name)
            buf.write(f"{i}\t{kind}\t{name}\t{cin}\t{ice}\t\\N\t\t\t\t{now.isoformat()}\n")
        buf.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY courrier_correspondent (id, kind, name, cin, ice, administration_id, address, email, phone, "
                "created_at) FROM STDIN",
                buf,
            )
            cursor.execute("SELECT setval(pg_get_serial_sequence('courrier_correspondent', 'id'), %s)", [n_corr])
        this_year = timezone.localdate().year
        first_year = this_year - years + 1
        counters: dict[tuple[str, int], int] = {}
        buf = io.StringIO()
        for i in range(1, letters + 1):
            year = first_year + (i - 1) * years // letters  # chronological
            category = rng.choices(["incoming", "outgoing", "internal"], [70, 25, 5])[0]
            number = counters[(category, year)] = counters.get((category, year), 0) + 1
            day = f"{year}-{1 + (i % 12):02d}-{1 + (i % 28):02d}"
            status = "closed" if year < this_year else rng.choice(["new", "in_progress", "closed"])
            closing = day if status == "closed" else "\\N"
            code = secrets.token_hex(5).upper()
            buf.write(
                f"{category}\t{year}\t{number}\t{code}\t{rng.randint(1, n_corr)}\t{rng.choice(SUBJECTS)} {i}\t"
                f"{day}\t{day if category == 'incoming' else chr(92) + 'N'}\t{closing}\tnormal\tf\tnone\t{status}\t\t"
                f"{clerk.pk}\t{day}T09:00:00+00:00\t{day}T09:00:00+00:00\n"
            )
        buf.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY courrier_mail (category, year, number, code, correspondent_id, subject, letter_date, "
                "arrival_date, closing_date, priority, confidential, reply, status, deleted_reason, registered_by_id, "
                "registered_at, updated_at) FROM STDIN",
                buf,
            )
            for (category, year), last in counters.items():
                cursor.execute(
                    "INSERT INTO kernel_counter (key, year, last_number) VALUES (%s, %s, %s)",
                    [f"courrier:{category}", year, last],
                )
            cursor.execute("ANALYZE courrier_mail; ANALYZE courrier_correspondent")
        connection.set_schema_to_public()
    return clerk.pk, names


def call(port: int, method: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    return _setup.call(port, method, path, body, token, host=HOST, timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=200_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--each", type=int, default=25)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.letters, args.each, args.queries = 5_000, 5, 50
    rng = random.Random(args.seed)

    drop()
    commune_create(slug=SLUG, name_fr="Bench courrier", name_ar="مكتب الضبط", modules=["courrier"])
    t0 = time.perf_counter()
    clerk_id, names = load(args.letters, args.years, rng)
    print(f"loaded {args.letters} letters in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    port = _setup.free_port()
    server = _setup.serve(port)
    try:
        status, body = call(port, "POST", "/api/auth/token/", {"username": "bench-clerk", "password": PASSWORD})
        assert status == 200, body
        token = body["token"]
        # baseline: the same clients on a trivial request
        base_n = max(5, args.each)
        base_s = _setup.together(args.clerks, lambda i: [call(port, "GET", "/healthz") for _ in range(base_n)])
        baseline_rps = args.clerks * base_n / base_s

        def register(i: int) -> None:
            for k in range(args.each):
                status, body = call(
                    port,
                    "POST",
                    "/courrier/api/mails/new/",
                    {
                        "category": "incoming",
                        "subject": f"{rng.choice(SUBJECTS)} — guichet {i}/{k}",
                        "correspondent": {
                            "kind": "person",
                            "name": f"Clerk {i} citizen {k}",
                            "cin": f"Z{i:03d}{k:05d}",
                        },
                        "mail_type_code": "demande",
                        "reply_expected": True,
                    },
                    token=token,
                )
                if status != 201:
                    raise RuntimeError(f"{status}: {body!r}")

        reg_s = _setup.together(args.clerks, register)
        registrations_per_s = args.clerks * args.each / reg_s
    finally:
        server.terminate()
        server.wait(10)

    with schema_context(SCHEMA):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT category, year, count(*), count(DISTINCT number), max(number) FROM courrier_mail "
                "GROUP BY category, year"
            )
            series = cursor.fetchall()
        gaps = sum(int(maximum) - int(distinct) for _c, _y, _n, distinct, maximum in series)
        duplicates = sum(int(n) - int(distinct) for _c, _y, n, distinct, _m in series)
        total = sum(int(n) for _c, _y, n, _d, _m in series)
        viewer = get_user_model().objects.get(pk=clerk_id)
        queries = []
        for _ in range(args.queries + 10):
            if rng.random() < 0.5:
                queries.append(rng.choice(names).split()[-1])  # a family name, Latin or Arabic
            else:
                queries.append(rng.choice(SUBJECTS).split()[-1] if rng.random() < 0.5 else rng.choice(SUBJECTS))
        times = []
        for i, q in enumerate(queries):
            start = time.perf_counter()
            selectors.mail_search(viewer=viewer, text=q, limit=50)
            if i >= 10:
                times.append((time.perf_counter() - start) * 1000)
        base_times = []
        for _ in range(50):
            start = time.perf_counter()
            selectors.mail_search(viewer=viewer, text=str(rng.randint(1, 1000)))
            base_times.append((time.perf_counter() - start) * 1000)
        connection.set_schema_to_public()
    p95 = statistics.quantiles(times, n=20)[18]
    base_p95 = statistics.quantiles(base_times, n=20)[18]
    print(
        json.dumps(
            {
                "baseline_healthz_per_s": round(baseline_rps, 1),
                "baseline_number_search_p95_ms": round(base_p95, 2),
                "search_p50_ms": round(statistics.median(times), 2),
            }
        )
    )
    if not args.keep:
        drop()
    print(
        json.dumps(
            {
                "letters": total,
                "registrations_per_s": round(registrations_per_s, 1),
                "search_p95_ms": round(p95, 2),
                "gaps": gaps,
                "duplicates": duplicates,
            }
        )
    )


if __name__ == "__main__":
    main()
