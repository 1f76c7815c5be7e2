"""Régie documents: one quittance (warm) and the relevé nominatif of a versement of 5,000 quittances, against the
same relevé as one plain HTML table rendered by WeasyPrint in the same run.

Creates (or reuses) the commune `bench-regie` through `commune_create`, installs the régie's reference data
through the services, then loads N quittances of one day (bulk inserts honouring the model's constraints:
amount = round(base × rate, 2) + penalties; about 1 in 40 cancelled by a counter-entry, mixed Arabic and Latin
payers, the seven taxes) and the agent's versement with its items. Times:
- quittance_ms: the median of 20 renders of the A5 quittance, data read included (`quittance_data` +
  `render_quittance`), after 3 warm-up renders; goal ≤ 150 ms (issue 17 item 11);
- quittance_baseline_ms: the same quittance, same data and context, through the layout it replaced (kept in
  benchmarks/regie_pdf_baseline/: five font faces — Noto Serif, Noto Naskh Arabic, Noto Sans Mono, regular and
  bold — and every label an absolutely positioned box), timed in the same run, renders interleaved with the
  current ones so both see the same machine; the font faces each embeds are printed (pdffonts) and the current
  one must embed only Amiri (one family for both scripts);
- releve_5000_s: `releve_data` + `render_releve` once, the process warm (WeasyPrint, stylesheets and the pool of
  renderers loaded by `documents.warm_up()`, as in a long-lived server process);
- naive_releve_5000_s: the same rows as one HTML table (thead + tbody, 8 columns) in one WeasyPrint document.

    DATABASE_URL=… .venv/bin/python benchmarks/regie_pdf.py [--quittances 5000] [--drop] [--no-naive] [--quick]

Last line: {"quittance_ms": …, "quittance_baseline_ms": …, "quittance_cpu_ms": …, "quittance_baseline_cpu_ms": …,
"releve_5000_s": …, "naive_releve_5000_s": …} (the CPU figures: this process's CPU time per render, what the
wall clock would be on an idle machine)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import _setup

_setup.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from jamaa.modules.regie import documents, permissions, services  # noqa: E402
from jamaa.modules.regie.models import (  # noqa: E402
    Quittance,
    QuittanceCancellation,
    QuittanceSeries,
    Redevable,
    Tax,
    Versement,
    VersementItem,
)
from jamaa.platform import db_guards  # noqa: E402
from jamaa.provisioning.services import commune_create  # noqa: E402
from jamaa.tenants.models import Commune  # noqa: E402

SLUG = "bench-regie"
SCHEMA = "bench_regie"
DAY = dt.date(2026, 3, 12)
CENT = Decimal("0.01")
PAYERS = [
    "Café Atlas SARL",
    "محمد العلوي",
    "Hôtel Les Mérinides",
    "فاطمة الزهراء بناني",
    "Taxi 1234-A Bennani",
    "مقهى الأطلس",
    "Boulangerie Zitoune",
    "شركة النقل الحضري لفاس",
    "Youssef El Idrissi",
    "عبد الرحيم الإدريسي",
]


def cpu_seconds() -> float:
    """CPU time of this process and of the live renderer processes (utime + stime from /proc): what the
    relevé costs whatever else runs on the machine (wall times depend on the load of a shared machine)."""
    import multiprocessing

    total = time.process_time()
    ticks = os.sysconf("SC_CLK_TCK")
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def ensure_database() -> None:
    """Create the benchmark's database (named by DATABASE_URL) when it does not exist yet."""
    import psycopg2
    from django.conf import settings

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


def ensure_commune() -> None:
    if not Commune.objects.filter(slug=SLUG).exists():
        print("creating the commune…", flush=True)
        commune_create(slug=SLUG, name_fr="Fès (banc d'essai)", name_ar="فاس", modules=["regie"])


def load(n: int, seed: int) -> int:
    """The day's n quittances and the agent's versement (reloaded when the size differs). Returns its id.

    The numbers are written directly, as a bulk import writes historical ones (owner role, then the chains are
    sealed), in one transaction."""
    with transaction.atomic():
        db_guards.bulk_import_begin()
        versement_id = _load(n, seed)
        for chained in db_guards.chained_tables():
            db_guards.chain_seal(chained.table)
    return versement_id


def _load(n: int, seed: int) -> int:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    marker = f"bench {n} {seed}"
    existing = Versement.objects.filter(treasury_reference=marker).first()
    if existing is not None:
        return existing.pk
    if Quittance.objects.exists():
        sys.exit(f"the commune {SLUG} holds other data: run once with --drop, then again")
    regie = services.reference_install_defaults()
    users = get_user_model().objects
    agent = users.filter(username="agent-bench").first() or users.create_user("agent-bench", first_name="Karim")
    boss = users.filter(username="regisseur-bench").first() or users.create_user("regisseur-bench")
    for user, group in ((agent, permissions.AGENT), (boss, permissions.REGISSEUR)):
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    redevables = [Redevable.objects.create(name=name, cin=f"C{i:06d}") for i, name in enumerate(PAYERS)]
    taxes = list(Tax.objects.all())
    rates = {t.pk: services.tariff_in_force(tax_id=t.pk, on=DAY).rate for t in taxes}
    series = services.series_get_or_create(regie_id=regie.pk, exercice=DAY.year)
    rng = random.Random(seed)
    started = timezone.make_aware(dt.datetime.combine(DAY, dt.time(8, 0)))
    rows = []
    for number in range(1, n + 1):
        tax = rng.choice(taxes)
        # Sales in DH for the percent tax; m², nights, quarters or acts for the others.
        base = Decimal(rng.randint(500, 90_000)) if tax.base_kind == "percent" else Decimal(rng.randint(1, 60))
        penalties = Decimal(rng.choice([0, 0, 0, 50, 120])).quantize(CENT)
        amount = (base * rates[tax.pk]).quantize(CENT, rounding=ROUND_HALF_UP) + penalties
        redevable = rng.choice(redevables)
        rows.append(
            Quittance(
                series=series,
                number=number,
                redevable=redevable,
                payer_name=redevable.name,
                tax=tax,
                budget_line=tax.budget_line,
                period="2026",
                base=base,
                rate=rates[tax.pk],
                penalties_dh=penalties,
                amount_dh=amount,
                payment_method="cash",
                agent=agent,
                day=DAY,
                collected_at=started + dt.timedelta(seconds=6 * number),
            )
        )
    Quittance.objects.bulk_create(rows, batch_size=2000)
    QuittanceSeries.objects.filter(pk=series.pk).update(last_number=n)
    quittances = list(Quittance.objects.filter(series=series).order_by("number"))
    cancelled = {q.pk for q in quittances if rng.random() < 0.025}
    QuittanceCancellation.objects.bulk_create(
        QuittanceCancellation(
            quittance=q, reason="erreur", requested_by=agent, approved_by=boss, amount_dh=-q.amount_dh
        )
        for q in quittances
        if q.pk in cancelled
    )
    net = {q.pk: Decimal("0") if q.pk in cancelled else q.amount_dh for q in quittances}
    expected = sum(net.values(), Decimal("0"))
    versement = Versement.objects.create(
        regie=regie,
        exercice=DAY.year,
        number=1,
        level="agent",
        agent=agent,
        day=DAY,
        expected_dh=expected,
        counted_dh=expected,
        difference_dh=Decimal("0"),
        quittance_count=n,
        closed_by=agent,
        treasury_reference=marker,
    )
    VersementItem.objects.bulk_create(
        (VersementItem(versement=versement, quittance=q, level="agent", amount_dh=net[q.pk]) for q in quittances),
        batch_size=2000,
    )
    return versement.pk


def pages_of(pdf: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)


BASELINE = Path(__file__).with_name("regie_pdf_baseline")


def render_baseline_quittance(context: dict[str, object]) -> bytes:
    """The quittance through the layout it replaced (benchmarks/regie_pdf_baseline/), with the same context."""
    from django.template import engines

    from jamaa.platform.kernel.documents import weasyprint

    html_class, css_class, font_config = weasyprint()
    if not BASELINE_SHEETS:
        BASELINE_SHEETS.extend(
            css_class(string=(BASELINE / name).read_text(encoding="utf-8"), font_config=font_config)
            for name in ("base.css", "quittance_a5.css")
        )
    markup = engines["django"].from_string((BASELINE / "quittance_a5.html").read_text(encoding="utf-8"))
    document = html_class(string=markup.render(context), base_url=None).render(
        stylesheets=BASELINE_SHEETS, font_config=font_config
    )
    return bytes(document.write_pdf())


BASELINE_SHEETS: list[object] = []


def font_faces(pdf: bytes) -> list[str]:
    """The font faces a PDF embeds (pdffonts; empty when poppler-utils is missing), subset prefixes removed."""
    try:
        out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S607
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted({line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quittances", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--renders", type=int, default=20, help="quittance renders timed (median)")
    parser.add_argument("--drop", action="store_true", help="remove the commune first (reload)")
    parser.add_argument("--no-naive", action="store_true", help="skip the plain-table baseline")
    parser.add_argument("--out", default="", help="folder where the PDFs are written")
    parser.add_argument("--quick", action="store_true", help="50 quittances, 3 renders, commune removed: a check")
    args = parser.parse_args()
    if args.quick:  # and the commune is made afresh and removed at the end: nothing left for a full run to trip on
        args.quittances, args.renders, args.drop = 50, 3, True
    ensure_database()
    call_command("fleet", "migrate", "--jobs", "1", verbosity=0)
    connection.set_schema_to_public()
    if args.drop:
        _setup.drop_communes(SLUG)
    ensure_commune()
    with schema_context(SCHEMA):
        started = time.perf_counter()
        versement_id = load(args.quittances, args.seed)
        print(f"data ready in {time.perf_counter() - started:.1f}s", flush=True)
        quittance_id = Quittance.objects.order_by("number").values_list("pk", flat=True)[7]
        base_url = "https://bench-regie.localhost"
        viewer = Versement.objects.select_related("agent").get(pk=versement_id).agent  # the close's own agent

        def quittance() -> bytes:
            masthead, data = documents.quittance_data(quittance_id=quittance_id, viewer=viewer, base_url=base_url)
            return documents.render_quittance(masthead=masthead, q=data, layout="a5")

        def baseline_quittance() -> bytes:
            masthead, data = documents.quittance_data(quittance_id=quittance_id, viewer=viewer, base_url=base_url)
            return render_baseline_quittance(documents.quittance_context(masthead=masthead, q=data))

        for _ in range(3):
            quittance()
            baseline_quittance()
        times, baseline_times, cpu_times, baseline_cpu_times = [], [], [], []
        for _ in range(args.renders):
            t, cpu = time.perf_counter(), time.process_time()
            pdf_q = quittance()
            times.append(time.perf_counter() - t)
            cpu_times.append(time.process_time() - cpu)
            t, cpu = time.perf_counter(), time.process_time()
            pdf_base = baseline_quittance()
            baseline_times.append(time.perf_counter() - t)
            baseline_cpu_times.append(time.process_time() - cpu)
        quittance_ms = statistics.median(times) * 1000
        baseline_ms = statistics.median(baseline_times) * 1000
        # CPU time of this process too: on a shared machine the wall clock counts other people's work.
        cpu_ms, baseline_cpu_ms = statistics.median(cpu_times) * 1000, statistics.median(baseline_cpu_times) * 1000
        faces, baseline_faces = font_faces(pdf_q), font_faces(pdf_base)
        print(
            f"quittance A5: median {quittance_ms:.0f} ms, min {min(times) * 1000:.0f} ms, CPU {cpu_ms:.0f} ms, "
            f"{len(pdf_q) // 1024} KB, "
            f"{len(faces)} font faces ({', '.join(faces)})"
        )
        print(
            f"  baseline (the layout it replaced, same run): median {baseline_ms:.0f} ms, "
            f"min {min(baseline_times) * 1000:.0f} ms, CPU {baseline_cpu_ms:.0f} ms, {len(pdf_base) // 1024} KB, "
            f"{len(baseline_faces)} font faces ({', '.join(baseline_faces)})",
            flush=True,
        )
        if faces and not all("Amiri" in face for face in faces):
            raise SystemExit(f"the quittance embeds other faces than Amiri's: {faces}")

        documents.warm_up()
        t, cpu = time.perf_counter(), cpu_seconds()
        masthead, releve = documents.releve_data(versement_id=versement_id, viewer=viewer)
        pdf = documents.render_releve(masthead=masthead, releve=releve)
        releve_s = time.perf_counter() - t
        releve_cpu = cpu_seconds() - cpu
        print(
            f"relevé of {len(releve.items):,} quittances: {releve_s:.1f}s, {len(pdf) // 1024} KB, "
            f"{pages_of(pdf)} pages; CPU {releve_cpu:.1f}s (all processes); load {os.getloadavg()[0]:.1f}",
            flush=True,
        )

        naive_s = None
        if not args.no_naive:
            t, cpu = time.perf_counter(), time.process_time()
            masthead, releve = documents.releve_data(versement_id=versement_id, viewer=viewer)
            naive = documents.render_naive_releve(masthead=masthead, releve=releve)
            naive_s = time.perf_counter() - t
            naive_cpu = time.process_time() - cpu
            print(
                f"plain HTML table: {naive_s:.1f}s ({naive_s / releve_s:.1f}× slower), {len(naive) // 1024} KB, "
                f"{pages_of(naive)} pages; CPU {naive_cpu:.1f}s ({naive_cpu / releve_cpu:.1f}× more); "
                f"load {os.getloadavg()[0]:.1f}"
            )
        if args.out:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            (out / "quittance.pdf").write_bytes(pdf_q)
            (out / "releve.pdf").write_bytes(pdf)
    if args.quick:
        connection.set_schema_to_public()
        _setup.drop_communes(SLUG)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: {peak:.0f} MB (this process), {children:.0f} MB (largest renderer)")
    print(
        json.dumps(
            {
                "quittance_ms": round(quittance_ms, 1),
                "quittance_baseline_ms": round(baseline_ms, 1),
                "quittance_cpu_ms": round(cpu_ms, 1),
                "quittance_baseline_cpu_ms": round(baseline_cpu_ms, 1),
                "releve_5000_s": round(releve_s, 2),
                "naive_releve_5000_s": round(naive_s, 2) if naive_s is not None else None,
            }
        )
    )


if __name__ == "__main__":
    main()
