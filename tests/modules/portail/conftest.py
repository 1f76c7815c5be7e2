"""Each test reads fresh public pages: the public cache's generation is unique per test (the cache is shared with
earlier runs and other tests, and a test's transaction never commits, so publishing never bumps it)."""

from __future__ import annotations

import itertools
import time

import pytest

from jamaa.modules.portail import public_cache

_COUNTER = itertools.count(int(time.time() * 1000))


@pytest.fixture(autouse=True)
def fresh_public_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    value = next(_COUNTER)
    monkeypatch.setattr(public_cache, "generation", lambda *_read: value)
