"""Liveness and readiness, answered before tenant routing so probes work on any host (pod IPs)."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection

from .db import use_public_schema

_migrations_ok = False
_lock = threading.Lock()


def check_database() -> str | None:
    try:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"
        return f"database unreachable: {exc.__class__.__name__}"
    return None


def check_redis() -> str | None:
    if not settings.CONFIG.redis_url:
        return None
    try:
        import redis

        client = redis.Redis.from_url(settings.CONFIG.redis_url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as exc:
        return f"redis unreachable: {exc.__class__.__name__}"
    return None


def pending_migrations() -> list[str]:
    """Migrations of the shared apps not yet applied to the public schema (cached once clean)."""
    global _migrations_ok
    if _migrations_ok:
        return []
    from django.db.migrations.loader import MigrationLoader

    with _lock:
        use_public_schema()
        loader = MigrationLoader(connection, ignore_no_migrations=True)
        shared = {app.rsplit(".", 1)[-1] for app in settings.SHARED_APPS}
        labels = {
            cfg.label
            for cfg in __import__("django.apps").apps.apps.get_app_configs()
            if cfg.name in settings.SHARED_APPS or cfg.label in shared
        }
        pending = sorted(
            f"{app}.{name}"
            for (app, name) in loader.graph.nodes
            if app in labels and (app, name) not in loader.applied_migrations
        )
        if not pending:
            _migrations_ok = True
        return pending


def readiness() -> tuple[bool, dict[str, str]]:
    problems: dict[str, str] = {}
    db = check_database()
    if db:
        problems["database"] = db
    rd = check_redis()
    if rd:
        problems["redis"] = rd
    if not db:
        try:
            pending = pending_migrations()
        except Exception as exc:
            pending = [f"unknown ({exc.__class__.__name__})"]
        if pending:
            problems["migrations"] = f"{len(pending)} pending: {', '.join(pending[:5])}"
    return (not problems), problems
