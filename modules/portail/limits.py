"""Abuse limits of the public side: fixed-window counters in the cache (Redis in production), per commune.

A key never holds the address or CIN in clear (a hash), and carries the schema: one commune's visitors never use
up another's quota."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.db import connection

# (limit, window in seconds)
CODE_PER_ADDRESS = (3, 600)  # sign-in codes sent to one address
CODE_PER_IP = (10, 3600)  # sign-in codes asked from one address on the network
VERIFY_PER_ADDRESS = (10, 600)  # codes typed for one address (each code also allows 5 tries)
TRACK_PER_IP = (30, 600)  # status lookups without an account (number + CIN or code): no guessing CINs
SUBMIT_PER_CITIZEN = (10, 86400)  # online requests per citizen and day


def hit(*, scope: str, key: str, limit: tuple[int, int]) -> bool:
    """Count one use; False when the window's limit is passed (the use is still counted)."""
    count, window = limit
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    slot = int(time.time() // window)
    schema = getattr(connection, "schema_name", "public")
    # the commune's uid too: a commune re-created (or restored) under the same schema starts with fresh counters
    uid = getattr(getattr(connection, "tenant", None), "uid", None)
    if uid is None:  # under schema_context (commands, scripts) the connection knows only the schema
        from jamaa.tenants.models import Commune

        uid = Commune.objects.filter(schema_name=schema).values_list("uid", flat=True).first() or ""
    commune = f"{schema}:{uid}"
    name = f"portail:limit:{commune}:{scope}:{digest}:{slot}"
    if cache.add(name, 1, timeout=window + 5):
        return True
    try:
        used = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, timeout=window + 5)
        used = 1
    return used <= count
