"""Shared start for the benchmark scripts: the app's settings, DATABASE_URL like the app reads it."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("JAMAA_HTTPS", "0")
os.environ.setdefault("JAMAA_LOG_LEVEL", "WARNING")


def setup() -> None:
    """Django set up on DATABASE_URL's database, created and migrated (public and the template) when it is new:
    each benchmark runs alone on a fresh machine, in any order."""
    import django

    django.setup()
    _database_ready()


def _maintenance_connection(db: dict[str, Any]) -> Any:
    """A connection to the server's `postgres` database, as the app's user (to create the app's database)."""
    import psycopg2

    return psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )


def _database_ready() -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    db = settings.DATABASES["default"]
    conn = _maintenance_connection(db)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        missing = cursor.fetchone() is None
    conn.close()
    if missing and not database_from_template(db["NAME"]):
        conn = _maintenance_connection(db)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        conn.close()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.tenants_commune') IS NOT NULL")
        migrated = cursor.fetchone()[0]
    if not migrated or missing:
        # A copy of the template still gets its spare schemas (and anything pending) as a migrated new one would.
        call_command("fleet", "migrate", "--jobs", "1", verbosity=0)


def database_from_template(name: str, *, locale: str = "") -> bool:
    """Create the database `name` as a copy of the migrated template the test suite names in
    JAMAA_MIGRATED_TEMPLATE (jamaa.provisioning.dbtemplate), when there is one and its key matches this
    codebase; with `locale`, only when the template has that collation and ctype (and UTF-8). False: nothing
    was done (the caller creates an empty database, migrated as before)."""
    template = os.environ.get("JAMAA_MIGRATED_TEMPLATE", "")
    if not template:
        return False
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.db import connection

    from jamaa.provisioning import dbtemplate

    if locale:
        with connection._nodb_cursor() as cursor:  # noqa: SLF001
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database WHERE datname = %s",
                [template],
            )
            if cursor.fetchone() != ("UTF8", locale, locale):
                return False
    return dbtemplate.database_clone(template=template, target=name, key=dbtemplate.migrations_key())


def drop_communes(prefix: str) -> None:
    """Remove every commune whose slug starts with `prefix` (schemas, domains, rows)."""
    from django.db import connection

    from jamaa.tenants.models import Commune, Domain

    connection.set_schema_to_public()
    for commune in Commune.objects.filter(slug__startswith=prefix):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{commune.schema_name}" CASCADE')
        Domain.objects.filter(tenant=commune).delete()
        commune.delete()


# --- the HTTP load loop: gunicorn on loopback, JSON calls by many client threads at once ---------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(port: int) -> Any:
    """gunicorn (2 workers × 10 threads) on 127.0.0.1:port against the same settings and database; returns the
    process once /healthz answers."""
    import subprocess
    import time
    import urllib.request

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jamaa.platform.settings"}
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "jamaa.platform.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "10",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def call(
    port: int, method: str, path: str, body: Any = None, token: str = "", *, host: str, timeout: float = 60
) -> tuple[int, Any]:
    """One request to the commune `host` (Token auth when given); the status and the JSON body (else the raw one)."""
    import json
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    request.add_header("Host", host)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw.startswith((b"{", b"[")) else raw
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()[:300]


def together(clients: int, work: Any) -> float:
    """Run work(i) in `clients` threads started at once; the elapsed seconds."""
    import threading
    import time

    barrier = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i)
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
    return time.perf_counter() - start


def scratch_database_fresh(admin: Any, name: str) -> None:
    """Drop the scratch database `name` and make it again (autocommit `admin` connection): in the test suite a
    copy of its migrated template (what the benchmark's setup migrations give, in a second), else an empty one in
    C.UTF-8, migrated by the benchmark's setup."""
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    if not database_from_template(name, locale="C.UTF-8"):
        with admin.cursor() as cur:
            cur.execute(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
            )
