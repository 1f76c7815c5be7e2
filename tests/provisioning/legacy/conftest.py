"""Legacy import tests work on committed data (COPY from a second connection, set-based SQL, commits per batch):
scratch communes are created once per module and dropped at the end."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from jamaa.provisioning import services
from jamaa.provisioning.legacy.synth import legacy_synth
from tests.communes import drop_commune

ACTS = 1500
SEED = 11


@pytest.fixture(scope="session")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One synthetic export (every kind of dirt, every encoding, XLSX) shared by the legacy tests."""
    out = tmp_path_factory.mktemp("legacy-export")
    expected = legacy_synth(acts=ACTS, seed=SEED, out=out)
    return out, expected


def export_files(out: Path, *, xlsx: bool = True) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.suffix == ".csv" or (xlsx and p.suffix == ".xlsx"))


@pytest.fixture(scope="module")
def scratch(django_db_setup: None, django_db_blocker: Any) -> Iterator[Callable[[str], str]]:
    """make(slug) creates a committed commune (dropped at the end of the module) and returns its schema."""
    made: list[str] = []
    with django_db_blocker.unblock():

        def make(slug: str) -> str:
            services.commune_create(slug=slug, name_fr=slug.capitalize(), name_ar="جماعة", modules=["etatcivil"])
            made.append(slug)
            connection.set_schema_to_public()
            return slug.replace("-", "_")

        yield make
        for slug in made:
            drop_commune(slug)
