"""The public pages' cache generation, per commune: publishing bumps it (after the commit), so the next
anonymous visitor gets a fresh page at once instead of waiting for the cache's time to live."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection, transaction


def generation_key() -> str:
    return f"portail:gen:{getattr(connection, 'schema_name', 'public')}"


def generation(value: object = None) -> int:
    """The commune's generation (`value`: one already read from the cache with others, saving a round trip)."""
    if value is None:
        value = cache.get(generation_key(), 0)
    return value if isinstance(value, int) else 0


def bump_on_commit() -> None:
    key = generation_key()

    def bump() -> None:
        if not cache.add(key, 1, None):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, None)

    transaction.on_commit(bump)
