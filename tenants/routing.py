"""Host → commune lookup, cached per process, invalidated by a generation number.

A warm process answers from memory with no SQL. Every `JAMAA_ROUTING_RECHECK_SECONDS` (2 s by default)
one request reads the single-row generation that a database trigger bumps on every change to communes or
domains; a different number empties the cache. So a suspension made in the console, the CLI or raw SQL
takes effect in every process, on every machine, within seconds.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from jamaa.platform.db import use_public_schema

from .models import Commune, CommuneStatus, Domain

_MAX_ENTRIES = 20_000  # bounds memory against random Host headers


@dataclass(frozen=True)
class Route:
    """What a host resolves to: the platform console, a commune, or nothing."""

    kind: str  # "console" | "commune" | "unknown"
    commune: Commune | None = None


CONSOLE = Route(kind="console")
UNKNOWN = Route(kind="unknown")


def public_tenant() -> Commune:
    """The in-memory stand-in for the public schema, served on the base domain."""
    return Commune(schema_name="public", slug="", name_fr="Jamaa", name_ar="جماعة", status=CommuneStatus.ACTIVE)


class RoutingTable:
    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._generation: int | None = None
        self._next_check = 0.0  # monotonic time of the next generation check (the setting read once per check)
        self._lock = threading.Lock()
        self.lookups = 0  # database lookups made, for tests and benchmarks

    def clear(self) -> None:
        with self._lock:
            self._routes = {}
            self._next_check = 0.0

    def _current_generation(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT value FROM public.tenants_routinggeneration WHERE id = 1")
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def _recheck(self, now: float) -> None:
        generation = self._current_generation()
        with self._lock:
            if generation != self._generation:
                self._routes = {}
                self._generation = generation
            self._next_check = now + settings.JAMAA_ROUTING_RECHECK_SECONDS

    def resolve(self, host: str) -> Route:
        now = time.monotonic()
        if now >= self._next_check:  # the setting is read once per check, not per request
            self._recheck(now)
        route = self._routes.get(host)
        if route is not None:
            return route
        route = self._load(host)
        with self._lock:
            if len(self._routes) >= _MAX_ENTRIES:
                self._routes = {}
            self._routes[host] = route
        return route

    def _load(self, host: str) -> Route:
        self.lookups += 1
        if host == settings.JAMAA_BASE_DOMAIN:
            return CONSOLE
        use_public_schema()  # a rare path: the domain tables live in public
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        if domain is None:
            return UNKNOWN
        return Route(kind="commune", commune=domain.tenant)


routing_table = RoutingTable()
