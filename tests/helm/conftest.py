"""The chart tests need neither Django nor a database: they also run with `-p no:django`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _public_schema_between_tests() -> Iterator[None]:
    """Overrides the suite-wide fixture of the same name, which resets Django's tenant routing."""
    yield
