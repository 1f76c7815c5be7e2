"""The dictionary of name keys (NameKey): kept current when an act is signed, rebuilt after a bulk import."""

from __future__ import annotations

import json

from django.db import connection

from ..models import Act, Register
from ..models_search import NameKey
from .keys import NameKeys

# ------------------------------------------------------------------------------------------------- dictionary

_NK = NameKey._meta.db_table
_ACT = Act._meta.db_table
_REG = Register._meta.db_table


DELETES_MIN, DELETES_MAX = 3, 9  # keys whose one-letter deletions are indexed (longer ones keep enough trigrams)
# The key and its one-letter deletions (SymSpell): keys one edit apart share an element.
_DELETES_SQL = (
    f"CASE WHEN length({{key}}) BETWEEN {DELETES_MIN} AND {DELETES_MAX} THEN ARRAY(SELECT DISTINCT x FROM"
    " (SELECT {key} AS x UNION ALL SELECT left({key}, i - 1) || substr({key}, i + 1)"
    " FROM generate_series(1, length({key})) AS i) AS d) ELSE '{{}}'::varchar[] END"
)


def _deletes(key: str, shortest: int = DELETES_MIN) -> list[str]:
    if not shortest <= len(key) <= DELETES_MAX:
        return []
    return sorted({key} | {key[:i] + key[i + 1 :] for i in range(len(key))})


def name_keys_record(keys: NameKeys) -> None:
    """Count a newly signed act's keys in the dictionary (one upsert; rows in a fixed order, so concurrent
    signings never deadlock)."""
    entries = [
        ("ar", "family", keys.family_key_ar, keys.family_key_lat),
        ("ar", "given", keys.given_key_ar, keys.given_key_lat),
        ("lat", "family", keys.family_key_lat, keys.family_key_ar),
        ("lat", "given", keys.given_key_lat, keys.given_key_ar),
    ]
    rows = [(s, p, k, json.dumps({o: 1} if o else {}, ensure_ascii=False)) for s, p, k, o in entries if k]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_NK} AS k (script, part, key, acts, links, deletes)
            SELECT v.s, v.p, v.k, 1, v.l::jsonb, {_DELETES_SQL.format(key="v.k")}
            FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) AS v(s, p, k, l)
            ON CONFLICT (script, part, key) DO UPDATE SET
                acts = k.acts + 1,
                links = k.links || (
                    SELECT coalesce(jsonb_object_agg(e.key, coalesce((k.links ->> e.key)::int, 0) + e.value::int),
                                    '{{}}'::jsonb)
                    FROM jsonb_each_text(EXCLUDED.links) AS e
                )
            """,
            [list(c) for c in zip(*rows, strict=True)],
        )


def name_keys_rebuild() -> None:
    """Recompute the whole dictionary from the signed acts, in one statement (after a bulk import)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH pairs AS (
                SELECT s.script, s.part, s.key, s.other, count(*) AS n
                FROM {_ACT} AS a
                CROSS JOIN LATERAL (VALUES
                    ('ar', 'given', a.given_key_ar, a.given_key_lat),
                    ('ar', 'family', a.family_key_ar, a.family_key_lat),
                    ('lat', 'given', a.given_key_lat, a.given_key_ar),
                    ('lat', 'family', a.family_key_lat, a.family_key_ar)
                ) AS s(script, part, key, other)
                WHERE a.status = 'signed' AND s.key <> ''
                GROUP BY 1, 2, 3, 4
            ), keys AS (
                SELECT script, part, key, sum(n)::int AS acts,
                       coalesce(jsonb_object_agg(other, n) FILTER (WHERE other <> ''), '{{}}'::jsonb) AS links
                FROM pairs GROUP BY 1, 2, 3
            ), gone AS (
                DELETE FROM {_NK} AS k
                WHERE NOT EXISTS (SELECT 1 FROM keys WHERE keys.script = k.script AND keys.part = k.part
                                  AND keys.key = k.key)
            )
            INSERT INTO {_NK} AS k (script, part, key, acts, links, deletes)
            SELECT script, part, key, acts, links, {_DELETES_SQL.format(key="key")} FROM keys
            ON CONFLICT (script, part, key) DO UPDATE SET acts = EXCLUDED.acts, links = EXCLUDED.links,
                deletes = EXCLUDED.deletes
            WHERE (k.acts, k.links, k.deletes) IS DISTINCT FROM (EXCLUDED.acts, EXCLUDED.links, EXCLUDED.deletes)
            """
        )
