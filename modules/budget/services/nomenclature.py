"""The nomenclature: the versions shipped as reference files, loaded into a commune."""

from __future__ import annotations

import json
from pathlib import Path

from .. import exceptions
from ..models import NomenclatureEntry

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
DEFAULT_NOMENCLATURE = "2026.1"


def nomenclature_versions() -> list[str]:
    """The versions shipped as reference files (modules/budget/reference/nomenclature-<version>.json)."""
    return sorted(p.stem.removeprefix("nomenclature-") for p in REFERENCE_DIR.glob("nomenclature-*.json"))


def nomenclature_load(*, version: str = DEFAULT_NOMENCLATURE) -> int:
    """Load a nomenclature version from its reference file into this commune (idempotent: a version already
    loaded is left as it is). Raises NomenclatureUnknown. Returns the number of lines of the version."""
    if version not in nomenclature_versions():
        raise exceptions.NomenclatureUnknown(extra={"version": version})
    existing = NomenclatureEntry.objects.filter(version=version).count()
    if existing:
        return existing
    data = json.loads((REFERENCE_DIR / f"nomenclature-{version}.json").read_text(encoding="utf-8"))
    rows = [
        NomenclatureEntry(
            version=version,
            direction=chapter["direction"],
            part=chapter["part"],
            chapter=chapter["chapter"],
            chapter_fr=chapter["fr"],
            chapter_ar=chapter["ar"],
            article=article["article"],
            article_fr=article["fr"],
            article_ar=article["ar"],
            line=line["line"],
            code_eco=line["code_eco"],
            label_fr=line["fr"],
            label_ar=line["ar"],
        )
        for chapter in data["chapters"]
        for article in chapter["articles"]
        for line in article["lines"]
    ]
    NomenclatureEntry.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
