"""Tenant routing overhead: requests/s through the full middleware stack, with and without routing.

Both handlers serve the same view (a small JSON response, no query) through Django's WSGI handler in this
process, so the difference is what routing costs: host parsing, the cached host → commune lookup and the
schema switch. Rounds alternate between the two to share the machine's noise.

    .venv/bin/python benchmarks/routing.py [--requests 20000] [--rounds 5] [--quick] [--all-hosts]

With --all-hosts, the requests go to every active commune's host in turn (the routing table then holds the whole
fleet, and every request switches schema), as a server of the whole fleet sees them.

Last line: {"routed_rps": …, "plain_rps": …, "ratio": …}
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("JAMAA_HTTPS", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, JsonResponse  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402

from jamaa.tenants.models import Commune, Domain  # noqa: E402

BENCH_SLUG = "benchrouting"


def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/ping", ping)]


def environ(host: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/bench/ping",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }


def run(handler: WSGIHandler, hosts: list[str], n: int) -> float:
    status: list[str] = []

    def start_response(s: str, headers: list[tuple[str, str]]) -> None:
        status.append(s)

    envs = [environ(host) for host in hosts]
    started = time.perf_counter()
    for i in range(n):
        env = envs[i % len(envs)]
        env["wsgi.input"] = io.BytesIO(b"")
        body = handler(dict(env), start_response)
        for _chunk in body:
            pass
        body.close()  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - started
    assert all(s.startswith("200") for s in status), status[:3]
    return n / elapsed


def ensure_commune() -> tuple[str, bool]:
    """A commune to route to: an existing one, or a throwaway one created (and dropped) by this run."""
    existing = Commune.objects.exclude(schema_name="public").filter(status="active").first()
    if existing is not None:
        return existing.domains.get(is_primary=True).domain, False
    from jamaa.provisioning.services import commune_create

    created = commune_create(slug=BENCH_SLUG, name_fr="Bench", name_ar="تجربة")
    return created.host, True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000, help="requests per round and variant")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="one round of 200 requests: a check that it runs")
    parser.add_argument("--all-hosts", action="store_true", help="every active commune's host in turn")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds = 200, 1

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    host, created = ensure_commune()
    hosts = [host]
    if args.all_hosts:
        hosts = list(
            Domain.objects.filter(is_primary=True, tenant__status="active")
            .order_by("domain")
            .values_list("domain", flat=True)
        ) or [host]
    routed_mw = list(settings.MIDDLEWARE)
    plain_mw = [m for m in routed_mw if m != "jamaa.tenants.middleware.CommuneRoutingMiddleware"]
    try:
        with override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=routed_mw):
            routed = WSGIHandler()
        with override_settings(ROOT_URLCONF=__name__, MIDDLEWARE=plain_mw):
            plain = WSGIHandler()
        with override_settings(ROOT_URLCONF=__name__):
            run(routed, hosts, max(500, len(hosts)))  # warm: a host's first request loads its route
            run(plain, hosts, 500)
            routed_rps, plain_rps = [], []
            for i in range(args.rounds):
                routed_rps.append(run(routed, hosts, args.requests))
                plain_rps.append(run(plain, hosts, args.requests))
                print(f"round {i + 1}: routed {routed_rps[-1]:.0f} req/s, plain {plain_rps[-1]:.0f} req/s")
    finally:
        if created:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{BENCH_SLUG}" CASCADE')
            Commune.objects.filter(slug=BENCH_SLUG).delete()
    r, p = statistics.median(routed_rps), statistics.median(plain_rps)
    # Each round runs both back to back: the ratio is taken per round (paired), then the median, so drift
    # in the machine's speed between rounds doesn't count as routing cost.
    ratio = statistics.median(a / b for a, b in zip(routed_rps, plain_rps, strict=True))
    print(f"{len(hosts)} host(s): median of {args.rounds} rounds × {args.requests} requests")
    print(json.dumps({"routed_rps": round(r), "plain_rps": round(p), "ratio": round(ratio, 3)}))


if __name__ == "__main__":
    main()
