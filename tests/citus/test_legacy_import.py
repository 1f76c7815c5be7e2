"""A commune's legacy civil-registry export imported on the Citus cluster (issue 26): with Fès and Meknès on
different workers, then after Fès was moved. The commune is a distributed schema on one worker; the import
stages its files on the coordinator, inserts the acts already sealed, links the notes, and a re-run adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil.models import Act, MarginalNote, Register
from jamaa.platform.db_guards import chain_verify
from jamaa.provisioning import services
from jamaa.provisioning.legacy import importer
from jamaa.provisioning.legacy.importer import legacy_import
from jamaa.provisioning.legacy.synth import legacy_synth
from jamaa.provisioning.placement import commune_move, worker_nodes
from tests.communes import drop_commune

from .conftest import nodes

pytestmark = pytest.mark.citus


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("citus-legacy-export")
    return out, legacy_synth(acts=600, seed=5, out=out)


@pytest.fixture
def commune(layout: str, committed: None) -> Iterator[str]:
    slug = f"legacy-{layout}"
    services.commune_create(slug=slug, name_fr="Legacy", name_ar="جماعة", modules=["etatcivil"])
    connection.set_schema_to_public()
    yield slug
    drop_commune(slug)


def _files(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.suffix in (".csv", ".xlsx"))


@pytest.mark.parametrize("bulk", [False, True], ids=["batched", "bulk"])
def test_a_legacy_export_imports_into_a_distributed_commune(
    layout: str, commune: str, export: tuple[Path, dict[str, Any]], tmp_path: Path, bulk: bool
) -> None:
    # given a commune placed on one worker and a generated export whose fate of every row is known
    out, expected = export
    node = nodes()[commune]
    assert node in worker_nodes()
    with pytest.MonkeyPatch.context() as patch:
        if bulk:  # the one-transaction path, files read in two processes
            patch.setattr(importer.common, "BULK_MIN_ROWS", 0)
            patch.setattr(importer.common, "PARALLEL_MIN_BYTES", 0)
        # when it is imported
        result = legacy_import(
            slug=commune, mapping_path=out / "mapping.yaml", files=_files(out), report_dir=tmp_path / "first",
            commit_every=None if bulk else 3,
        )  # fmt: skip
    # then the counts reconcile as on one server, the acts are signed and chained, the notes linked
    report = result.report
    assert report["totals"] == expected["totals"]
    for group in report["files"] + report["registers"]:
        assert group["read"] == group["imported"] + group["rejected"] + group["duplicates"], group
    schema = commune.replace("-", "_")
    with schema_context(schema):
        assert Act.objects.count() == expected["acts_imported"]
        assert set(Act.objects.values_list("status", flat=True)) == {"signed"}
        assert MarginalNote.objects.count() == expected["notes_imported"] > 0
        for register in Register.objects.filter(acts__isnull=False).distinct():
            links = list(register.acts.order_by("number").values_list("chain_seq", flat=True))
            assert links == list(range(1, len(links) + 1))
        assert chain_verify().broken is None
    # and nothing of the run stays behind: no staging schema or table on the coordinator
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname LIKE '\\_legacy\\_stage%%' OR c.relname LIKE 'legacy\\_stage%%'"
        )
        assert cursor.fetchone()[0] == 0
    # when the commune is moved to the other worker and the same files are imported again
    other = next(w for w in worker_nodes() if w != node)
    commune_move(slug=commune, node=other, reason="tests: the imported commune moves")
    assert nodes()[commune] == other
    again = legacy_import(
        slug=commune, mapping_path=out / "mapping.yaml", files=_files(out), report_dir=tmp_path / "again"
    )
    # then nothing new is imported and the chains still verify on the new node
    assert again.report["totals"]["imported"] == 0
    with schema_context(schema):
        assert Act.objects.count() == expected["acts_imported"]
        assert chain_verify().broken is None
