"""count_per_schema: one table's matching rows in many schemas, in a fixed number of queries; a schema without the
table counts 0; the condition's parameters are bound for every schema."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from jamaa.platform.kernel.fleet_counts import count_per_schema

pytestmark = pytest.mark.django_db


def test_counts_per_schema_in_two_queries(fes, meknes) -> None:
    with schema_context("fes"):
        get_user_model().objects.create_user(username="fleet_count_a", first_name="Zed")
        get_user_model().objects.create_user(username="fleet_count_b", first_name="Zed")
    with schema_context("meknes"):
        get_user_model().objects.create_user(username="fleet_count_c", first_name="Zed")
    with CaptureQueriesContext(connection) as queries:
        counts = count_per_schema(
            table="auth_user", condition="first_name = %s", params=["Zed"], schemas=["fes", "meknes", "nowhere"]
        )
    assert counts == {"fes": 2, "meknes": 1, "nowhere": 0}
    assert len([q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]) == 2
    assert count_per_schema(table="no_such_table", schemas=["fes"]) == {"fes": 0}
    assert count_per_schema(table="auth_user", schemas=[]) == {}
