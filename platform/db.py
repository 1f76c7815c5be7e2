"""Typed access to the tenant-aware database connection (django-tenants' wrapper is untyped)."""

from __future__ import annotations

from typing import Protocol, cast

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
