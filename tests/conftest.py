"""Shared fixtures: a test database with the communes every test shares, created once per session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "Test-password-2026!"


@dataclass(frozen=True)
class SharedCommune:
    slug: str
    host: str
    username: str
    password: str


SHARED_COMMUNES = {
    "fes": ("Fès", "فاس"),
    "meknes": ("Meknès", "مكناس"),
}


@pytest.fixture(scope="session")
def django_db_setup(
    request: Any,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_keepdb: bool,
    django_db_createdb: bool,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, always (pytest-django makes it only when some test is marked django_db; tests of
    committed data here aren't), migrated once, with Fès and Meknès (schema, domain, one agent each)."""
    from django.contrib.auth import get_user_model
    from django.test.utils import teardown_databases
    from django_tenants.utils import schema_context

    from jamaa.modules import registry
    from jamaa.provisioning import services

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_cfg = _test_database_migrated(request, verbosity, keepdb=django_db_keepdb and not django_db_createdb)
        for slug, (name_fr, name_ar) in SHARED_COMMUNES.items():
            # every module enabled: the module tests use these two (a module's URLs answer 404 elsewhere)
            services.commune_create(
                slug=slug, name_fr=name_fr, name_ar=name_ar, region="Fès-Meknès", modules=registry.available()
            )
            with schema_context(slug):
                get_user_model().objects.create_user(username="agent", password=PASSWORD, first_name="Agent")
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        # Servers and workers started by the tests may still hold a session PostgreSQL hasn't reaped.
        with connection._nodb_cursor() as cursor:  # noqa: SLF001
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [settings.DATABASES["default"]["NAME"]],
            )
        if not django_db_keepdb:
            teardown_databases(db_cfg, verbosity=verbosity)


def _test_database_migrated(request: Any, verbosity: int, *, keepdb: bool) -> list[Any]:
    """The test database with public and the template schema migrated (no commune yet): a copy of the migrated
    template (jamaa.provisioning.dbtemplate) when its key matches, else migrated here and then kept as that
    template for the next run and for this run's subprocesses (the scaffold test, the benchmarks).

    A template named in JAMAA_MIGRATED_TEMPLATE (the scaffold test's session, with an extra app) is copied, then
    the extra app alone is migrated. Kept databases (--reuse-db, the citus suite) and Citus servers go the usual
    way: setup_databases."""
    from django.db import connections

    from jamaa.provisioning import dbtemplate, fleet

    if keepdb or _server_runs_citus():
        return _setup_databases(verbosity, keepdb=keepdb)
    test_name = connection.creation._get_test_db_name()  # noqa: SLF001
    given = os.environ.get(dbtemplate.ENV_VAR, "")
    extras = dbtemplate.extra_apps()
    own = "" if (given or extras) else dbtemplate.template_name(test_name)
    key = dbtemplate.migrations_key()
    source = given or own
    if source and dbtemplate.database_clone(template=source, target=test_name, key=key):
        old_name = connection.settings_dict["NAME"]
        connection.close()
        settings.DATABASES["default"]["NAME"] = test_name
        connection.settings_dict["NAME"] = test_name
        for alias in connections:  # what setup_databases does for a mirror of the default database
            if alias != "default" and connections[alias].settings_dict.get("TEST", {}).get("MIRROR") == "default":
                connections[alias].creation.set_as_test_mirror(connection.settings_dict)
        if extras:  # the extra apps' migrations (nothing else is pending in a copy whose key matched)
            if fleet.schemas_needing_migration([fleet.PUBLIC]):
                outcome = fleet.migrate_schema(fleet.PUBLIC)
                assert outcome.ok, outcome.error
            outcome = fleet.template_migrate()
            assert outcome.ok, outcome.error
        connection.ensure_connection()
        request.config.stash[MIGRATED_TEMPLATE] = source
        return [(connection, old_name, True)]
    db_cfg = _setup_databases(verbosity, keepdb=False)
    fleet.template_migrate()  # what the first commune would do: the template schema is part of the copy
    if own:
        connections.close_all()  # a database is copied only while nobody is connected to it
        dbtemplate.template_save(source=test_name, name=own, key=key)
        request.config.stash[MIGRATED_TEMPLATE] = own
    return db_cfg


MIGRATED_TEMPLATE = pytest.StashKey[str]()


def _setup_databases(verbosity: int, *, keepdb: bool) -> list[Any]:
    from django.test.utils import setup_databases

    return list(
        setup_databases(
            verbosity=verbosity, interactive=False, aliases={"default"}, serialized_aliases=set(), keepdb=keepdb
        )
    )


def _server_runs_citus() -> bool:
    """Citus preloaded on the server: a database copy would not copy the workers' shards."""
    with connection._nodb_cursor() as cursor:  # noqa: SLF001
        cursor.execute("SHOW shared_preload_libraries")
        return "citus" in str(cursor.fetchone()[0])


@pytest.fixture(scope="session")
def migrated_template(request: pytest.FixtureRequest, django_db_setup: None) -> str:
    """The name of the migrated template database that this run's subprocesses may copy (\"\" when there is none:
    a kept database or a Citus server); pass it to them as JAMAA_MIGRATED_TEMPLATE."""
    return request.config.stash.get(MIGRATED_TEMPLATE, "")


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Users are made and signed in with a one-iteration PBKDF2 (tests/hashers.py): seconds saved per user."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["tests.hashers.OneIterationPBKDF2PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def _empty_cache_at_start() -> None:
    """The tests' Redis database starts empty: a run started within a minute of another would otherwise read its
    cached entries (a commune made read-only by unpaid invoices, cached 60 s) for rows its database never had."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _public_schema_between_tests() -> Iterator[None]:
    """Each test starts in the public schema with an empty routing cache (tests may roll back domains)."""
    from jamaa.tenants.routing import routing_table

    routing_table.clear()
    yield
    connection.set_schema_to_public()
    routing_table.clear()


# Test modules write "today" as module constants (TODAY, YESTERDAY, LATE, YEAR) computed at import. A run that
# crosses midnight in Casablanca would then compare yesterday's constant with the app's today: each test sees them
# moved to the day it runs in (the same shift for every date constant, so their spacing holds).
_DATE_CONSTANTS = ("TODAY", "YESTERDAY", "TOMORROW", "LATE")


@pytest.fixture(autouse=True)
def _today_is_the_day_the_test_runs(request: pytest.FixtureRequest) -> None:
    import datetime as dt

    from django.utils import timezone

    module = request.module
    today = getattr(module, "TODAY", None)
    if not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        return
    shift = timezone.localdate() - today
    if not shift:
        return
    for name in _DATE_CONSTANTS:
        value = getattr(module, name, None)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            setattr(module, name, value + shift)
    if isinstance(getattr(module, "YEAR", None), int):
        module.YEAR = timezone.localdate().year


@pytest.fixture(scope="session")
def fes(django_db_setup: None) -> SharedCommune:
    return SharedCommune("fes", f"fes.{settings.JAMAA_BASE_DOMAIN}", "agent", PASSWORD)


@pytest.fixture(scope="session")
def meknes(django_db_setup: None) -> SharedCommune:
    return SharedCommune("meknes", f"meknes.{settings.JAMAA_BASE_DOMAIN}", "agent", PASSWORD)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """A DATABASE_URL naming the test database (for servers and workers started as subprocesses)."""
    return database_url(settings.DATABASES["default"]["NAME"])


def database_url(name: str) -> str:
    """A DATABASE_URL for database `name` on the tests' server (a host and port, or a socket folder)."""
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or ""
    if host.startswith("/"):
        return f"postgresql://{auth}/{name}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{name}"


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def live_server_url(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """A real server process (`jamaa runserver`) on loopback, against the test database."""
    port = free_port()
    log = open(REPO / "var" / "test-live-server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "jamaa.platform.cli", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=subprocess_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"live server exited: see {log.name}") from None
            time.sleep(0.2)
    else:
        proc.terminate()
        raise RuntimeError("live server did not start")
    yield f"http://{{host}}:{port}"
    proc.terminate()
    proc.wait(10)
    log.close()
    with django_db_blocker.unblock():
        wait_for_other_sessions_to_close()


def wait_for_other_sessions_to_close(timeout: float = 10) -> None:
    """PostgreSQL ends a dead client's backend asynchronously; the test database can't be dropped before."""
    from django.db import connections

    deadline = time.monotonic() + timeout
    with connections["default"]._nodb_cursor() as cursor:  # noqa: SLF001
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [settings.DATABASES["default"]["NAME"]],
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)
