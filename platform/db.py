"""Typed access to the tenant-aware database connection (django-tenants' wrapper is untyped)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections


class TenantConnection(Protocol):
    schema_name: str

    def set_schema_to_public(self) -> None: ...

    def set_tenant(self, tenant: object, include_public: bool = True) -> None: ...


def tenant_connection() -> TenantConnection:
    return cast(TenantConnection, connections[DEFAULT_DB_ALIAS])


def use_public_schema() -> None:
    """Point the connection at the public schema (communes, domains, platform users)."""
    tenant_connection().set_schema_to_public()


def current_schema() -> str:
    return str(tenant_connection().schema_name)


OWNER_ALIAS = "owner"
"""The connection of the role that owns the tables (DATABASE_OWNER_URL), when it differs from DATABASE_URL."""

_F = TypeVar("_F", bound=Callable[..., Any])


@contextmanager
def owner_connection() -> Iterator[None]:
    """Run the block on the owner role's connection: schema DDL, migrations, bulk imports (ADR 0003).

    With DATABASE_OWNER_URL set, the default connection is swapped, for this thread and this block only, for the
    owner's; every ORM call, cursor and `transaction.atomic()` inside uses it. Without it (one URL: the demo,
    the tests, a deployment that has not split its roles) the block runs on the one connection."""
    if OWNER_ALIAS not in settings.DATABASES:
        yield
        return
    app = connections[DEFAULT_DB_ALIAS]
    if getattr(app, "alias", DEFAULT_DB_ALIAS) == OWNER_ALIAS:  # already on the owner's connection
        yield
        return
    owner = connections[OWNER_ALIAS]
    tenant = getattr(app, "tenant", None)
    connections[DEFAULT_DB_ALIAS] = owner
    try:
        if tenant is not None and getattr(tenant, "schema_name", "public") != "public":
            cast(TenantConnection, owner).set_tenant(tenant)
        else:
            cast(TenantConnection, owner).set_schema_to_public()
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = app


def as_owner(func: _F) -> _F:
    """Decorator: the function runs on the owner role's connection (see owner_connection)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with owner_connection():
            return func(*args, **kwargs)

    return cast(_F, wrapper)


def is_citus(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the database runs Citus (the extension is installed): provisioning then builds each commune's
    schema by migrations (a distributed schema's sequences cannot be altered, which the template clone needs).
    Asked once per connection."""
    conn: Any = connections[alias]
    known = getattr(conn, "_jamaa_is_citus", None)
    if known is None:
        with conn.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            known = conn._jamaa_is_citus = bool(cursor.fetchone()[0])
    return bool(known)
