"""The `citus` suite: the platform on a Citus cluster (docs/scale.md), run by `make test-citus`.

Every test here runs twice through the session fixture `layout`: first with Fès and Meknès on different
workers, then after Fès was moved (citus_schema_move) to Meknès's worker. Selected with `-m citus` against a
Citus coordinator; on plain PostgreSQL the suite fails (it is deselected from the plain run, never skipped).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection


def nodes() -> dict[str, str]:
    from jamaa.provisioning.placement import fleet_placement

    connection.set_schema_to_public()
    return {p.slug: p.node for p in fleet_placement()}


@pytest.fixture(scope="session")
def cluster(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[str]]:
    """The cluster's workers, with Fès and Meknès placed on different ones."""
    from jamaa.platform.db import is_citus
    from jamaa.provisioning.placement import commune_move, worker_nodes

    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        if not is_citus():
            pytest.fail("the citus suite runs against a Citus coordinator: `make test-citus` (docs/scale.md)")
        workers = worker_nodes()
        assert len(workers) >= 2, workers
        placed = nodes()
        if placed["fes"] == placed["meknes"]:
            other = next(w for w in workers if w != placed["fes"])
            commune_move(slug="meknes", node=other, reason="tests: Fès and Meknès apart")
        yield workers


@pytest.fixture(scope="session", params=["apart", "fes-moved"])
def layout(request: pytest.FixtureRequest, cluster: list[str], django_db_blocker: Any) -> str:
    """Either "apart" (Fès and Meknès on different workers) or "fes-moved" (Fès moved online to Meknès's worker)."""
    from jamaa.provisioning.placement import commune_move

    with django_db_blocker.unblock():
        placed = nodes()
        if request.param == "apart":
            assert placed["fes"] != placed["meknes"], placed
        else:
            if placed["fes"] != placed["meknes"]:
                commune_move(slug="fes", node=placed["meknes"], reason="tests: move Fès")
            assert nodes()["fes"] == placed["meknes"]
        connection.set_schema_to_public()
    return str(request.param)


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Autocommit access (the cluster's other sessions must see the data)."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()
