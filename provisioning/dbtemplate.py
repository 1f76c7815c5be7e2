"""A migrated database kept as a PostgreSQL template, so that a new database is a file copy, not a migration.

Migrating a new database (public and the template schema) costs about a minute on 2 cores, nearly all of it in
Django's in-memory migration bookkeeping; `CREATE DATABASE … TEMPLATE` copies a migrated one in about a second.
The test suite migrates its database once, keeps a copy under `<test database>_migrated`, and the other places
that need a migrated database (the scaffold test's own session, the benchmarks' scratch databases) clone it.

A template is used only when its key matches: a hash of everything that decides what migrating a new database
gives (`migrations_key`). The key is written as the database's comment once the copy is complete, and the
template refuses connections (nothing can change it, and a connection to it would make a copy fail). Apps added
with JAMAA_EXTRA_TENANT_APPS are left out of the key: a database with such an app is cloned from the template
and then migrated for that app alone (`fleet migrate` does it, with nothing else pending).

Plain PostgreSQL only: on Citus a database copy would not copy the workers' shards.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

COMMENT_PREFIX = "jamaa migrated template "
TEMPLATE_SUFFIX = "_migrated"
ENV_VAR = "JAMAA_MIGRATED_TEMPLATE"  # a template named by the caller (the suite, for its subprocesses)

# Settings that change what migrating a new database gives (beside the apps and their files).
_SCHEMA_SETTINGS = (
    "SHARED_APPS",
    "TENANT_APPS",
    "TENANT_MODEL",
    "TENANT_DOMAIN_MODEL",
    "PUBLIC_SCHEMA_NAME",
    "DEFAULT_AUTO_FIELD",
    "AUTH_USER_MODEL",
    "MIGRATION_MODULES",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "USE_TZ",
    "JAMAA_BASE_DOMAIN",
)
_HERE = Path(__file__).resolve().parent
# The code that migrates a new database (public, then the template schema) and the settings module itself.
_BUILDERS = (
    _HERE / "dbtemplate.py",
    _HERE / "fleet.py",
    _HERE / "clone.py",
    _HERE.parent / "platform" / "settings.py",
    _HERE.parent / "platform" / "pg_backend" / "base.py",
)


def template_name(database: str) -> str:
    """The template kept for `database` (the test database's name): one per database, so runs on other
    databases of the same server never share or drop each other's."""
    return f"{database}{TEMPLATE_SUFFIX}"


def extra_apps() -> list[str]:
    return [a.strip() for a in os.environ.get("JAMAA_EXTRA_TENANT_APPS", "").split(",") if a.strip()]


def migrations_key(alias: str = DEFAULT_DB_ALIAS) -> str:
    """A hash of what migrating a new database depends on: every migration file of every installed app (extra
    apps left out), the project modules those files import (transitively), each app's models, the code that
    migrates, the schema settings, every installed distribution's version and the PostgreSQL server's."""
    extras = set(extra_apps())
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(label.encode() + b"\0" + hashlib.sha256(data).digest())

    for name in _SCHEMA_SETTINGS:
        value = getattr(settings, name, None)
        if isinstance(value, list | tuple):
            value = [v for v in value if v not in extras]
        add(f"setting:{name}", repr(value).encode())
    for dist in sorted(
        f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions() if d.metadata["Name"]
    ):
        add("dist", dist.encode())
    with connections[alias]._nodb_cursor() as cursor:  # noqa: SLF001
        cursor.execute("SHOW server_version_num")
        add("postgresql", str(cursor.fetchone()[0]).encode())
    files: set[Path] = set(_BUILDERS)
    for config in apps.get_app_configs():
        if config.name in extras:
            continue
        models_file = getattr(config.models_module, "__file__", None) if config.models_module is not None else None
        if models_file:
            files |= _package_files(Path(models_file))
        module_name, _explicit = MigrationLoader.migrations_module(config.label)
        spec = importlib.util.find_spec(module_name) if module_name else None
        if spec is not None and spec.submodule_search_locations:
            for folder in spec.submodule_search_locations:
                migration_files = sorted(Path(folder).glob("*.py"))
                files.update(migration_files)
                for path in migration_files:
                    files |= _imported_project_files(path)
    root = _HERE.parent
    for path in sorted(files):
        try:
            shown = str(path.relative_to(root))
        except ValueError:
            shown = str(path)
        add(f"file:{shown}", _read(path))
    return digest.hexdigest()[:32]


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _package_files(path: Path) -> set[Path]:
    return set(path.parent.rglob("*.py")) if path.name == "__init__.py" else {path}


def _imported_project_files(path: Path, seen: set[Path] | None = None) -> set[Path]:
    """The jamaa.* modules `path` imports, and theirs (by reading the source: nothing is imported here)."""
    seen = set() if seen is None else seen
    tree = ast.parse(path.read_bytes())
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        for name in names:
            if not name.startswith("jamaa."):
                continue
            try:
                spec = importlib.util.find_spec(name)
            except (ImportError, ValueError):
                continue
            if spec is None or not spec.origin or not spec.origin.endswith(".py"):
                continue
            found = Path(spec.origin)
            if found not in seen:
                seen.add(found)
                _imported_project_files(found, seen)
    return seen


@contextmanager
def _server(alias: str = DEFAULT_DB_ALIAS) -> Iterator[Any]:
    """A cursor on the server's maintenance database (autocommit: CREATE DATABASE runs outside transactions)."""
    with connections[alias]._nodb_cursor() as cursor:  # noqa: SLF001
        yield cursor


def template_key(name: str, alias: str = DEFAULT_DB_ALIAS) -> str | None:
    """The key a complete template was saved with; None when there is no such database or it is incomplete."""
    with _server(alias) as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name])
        row = cursor.fetchone()
    if row is None or not row[0] or not str(row[0]).startswith(COMMENT_PREFIX):
        return None
    return str(row[0]).removeprefix(COMMENT_PREFIX)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def template_save(*, source: str, name: str, key: str, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Keep a copy of the database `source` (no session may be connected to it) as the template `name`."""
    with _server(alias) as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {_quote(name)} TEMPLATE {_quote(source)}")
        cursor.execute(f"ALTER DATABASE {_quote(name)} WITH ALLOW_CONNECTIONS false")
        cursor.execute(f"COMMENT ON DATABASE {_quote(name)} IS %s", [COMMENT_PREFIX + key])


def template_drop(name: str, alias: str = DEFAULT_DB_ALIAS) -> None:
    with _server(alias) as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")


def database_clone(*, template: str, target: str, key: str, alias: str = DEFAULT_DB_ALIAS) -> bool:
    """(Re)create the database `target` as a copy of `template` when the template's key is `key`. False (and
    nothing done) when it is not: the caller then migrates as usual."""
    if template_key(template, alias) != key:
        return False
    with _server(alias) as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(target)} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {_quote(target)} TEMPLATE {_quote(template)}")
    return True  # (the comment and ALLOW_CONNECTIONS are the template's own: a copy has neither)
