"""Counts of one table's rows in many communes' schemas at once, for the operators' fleet health: one query
whatever the number of communes, counts only (no row leaves its schema).

    signed = count_per_schema(table=Act._meta.db_table, condition="signed_at >= %s", params=[since],
                              schemas=["fes", "meknes"])          # {"fes": 12, "meknes": 0}

A schema without the table counts 0. `table` and `condition` are the caller's code, never user input; `params` are
bound once per schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def count_per_schema(
    *, table: str, schemas: Sequence[str], condition: str = "true", params: Sequence[Any] = ()
) -> dict[str, int]:
    """{schema: rows of `schema.table` matching `condition`} for each schema, in two queries for the whole fleet."""
    schemas = list(dict.fromkeys(schemas))
    if not schemas:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname FROM pg_tables WHERE tablename = %s AND schemaname = ANY(%s)", [table, schemas]
        )
        present = sorted(row[0] for row in cursor.fetchall())
        counts = dict.fromkeys(schemas, 0)
        if not present:
            return counts
        parts = [
            f"SELECT %s, (SELECT count(*) FROM {_quote(schema)}.{_quote(table)} WHERE {condition})"  # noqa: S608
            for schema in present
        ]
        bound: list[Any] = []
        for schema in present:
            bound.append(schema)
            bound.extend(params)
        cursor.execute(" UNION ALL ".join(parts), bound)
        counts.update({row[0]: int(row[1]) for row in cursor.fetchall()})
    return counts
