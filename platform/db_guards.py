"""Guards the database keeps on official records, whoever connects: SQL for migrations, and the chain's check.

Every module that keeps official records builds its migrations from these helpers instead of writing its own
triggers (docs/adr/0003-database-roles-and-guards.md):

- :func:`refuse_truncate` — ``BEFORE TRUNCATE`` on append-only tables: even the owner role cannot empty them.
- :func:`number_from_counter` — a numbering column may only take its counter's current value (the service bumps
  the counter under its row lock, then writes the number): no act inserted as n° 100000, no draft signed with
  any number.
- :func:`counter_steps` — a counter only moves forward by steps that a numbered row (or a block of numbers)
  covers by the end of the transaction: a counter pushed forward, leaving a gap, is refused at commit.
- :func:`append_only` — rows never updated nor deleted; :func:`set_once` — never deleted, some columns filled once
  (a task done, a decision recorded), then frozen.
- :func:`chain` — a tamper-evidence chain: at commit each sealed row receives ``chain_seq`` (its position in
  its series) and ``chain_hash`` = sha256(previous hash | position | the row's content). :func:`chain_verify`
  recomputes it and names the first broken link.

Bulk imports that must write historical numbers (the legacy civil registry) call :func:`bulk_import_begin` in
their transaction: the numbering guards and the per-row chaining step aside only when the connected role owns
the table (never the application role) and the transaction asked for it; the import then writes its rows already
sealed with :func:`chain_insert_sealed` (or seals rows written unsealed with :func:`chain_seal`).

The functions are created (``CREATE OR REPLACE``) in the schema being migrated, like every trigger function of
the project, so the template cloner copies them with the tables. Nothing here names a module's tables.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from jamaa.platform.db import is_citus

BULK_IMPORT_SETTING = "jamaa.bulk_import"

FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION jamaa_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is an official record: TRUNCATE refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

-- A bulk import may write historical numbers: only a role that owns the table, in a transaction that said so.
CREATE OR REPLACE FUNCTION jamaa_bulk_import_active(rel regclass) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('jamaa.bulk_import', true), '') = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = rel), 'USAGE')
$$;

-- TG_ARGV: number column, counter table, the row's column naming its counter, the counter's value column.
-- The bulk-import exemption is looked at first: a bulk import does not build each row's jsonb (half the trigger's
-- cost per row).
CREATE OR REPLACE FUNCTION jamaa_number_from_counter() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    num bigint;
    current_value bigint;
BEGIN
    IF jamaa_bulk_import_active(TG_RELID) THEN
        RETURN NEW;
    END IF;
    num := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    IF num IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[0])::bigint IS NOT DISTINCT FROM num THEN
        RETURN NEW;
    END IF;
    EXECUTE format('SELECT %I FROM %I.%I WHERE id = $1', TG_ARGV[3], TG_TABLE_SCHEMA, TG_ARGV[1])
        INTO current_value USING (to_jsonb(NEW) ->> TG_ARGV[2])::bigint;
    IF current_value IS DISTINCT FROM num THEN
        RAISE EXCEPTION '%.% = % refused: a number is drawn from its counter only (now %)',
            TG_TABLE_NAME, TG_ARGV[0], num, current_value USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

-- BEFORE INSERT OR UPDATE on a counter: it starts at 0 and moves forward. TG_ARGV: value column, largest step
-- allowed ('' = any).
CREATE OR REPLACE FUNCTION jamaa_counter_step() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before_value bigint := CASE WHEN TG_OP = 'INSERT' THEN 0 ELSE (to_jsonb(OLD) ->> TG_ARGV[0])::bigint END;
    after_value bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
BEGIN
    IF TG_OP = 'INSERT' AND after_value <> 0 AND NOT jamaa_bulk_import_active(TG_RELID) THEN
        RAISE EXCEPTION 'a new % starts at 0, not %', TG_TABLE_NAME, after_value
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF after_value IS NOT DISTINCT FROM before_value OR jamaa_bulk_import_active(TG_RELID) THEN
        RETURN NEW;
    END IF;
    IF after_value < before_value OR (TG_ARGV[1] <> '' AND after_value - before_value > TG_ARGV[1]::bigint) THEN
        RAISE EXCEPTION '% % refused: % -> % (a counter moves one number at a time)',
            TG_TABLE_NAME, OLD.id, before_value, after_value USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;

-- Deferred AFTER UPDATE on a counter: at commit, each step it took is covered by a numbered row.
-- TG_ARGV: value column, then groups of four: table, column naming the counter, number column, and a column
-- that must equal the previous value + 1 ('' if none: a single number; given: a block of numbers).
CREATE OR REPLACE FUNCTION jamaa_counter_used() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before_value bigint := (to_jsonb(OLD) ->> TG_ARGV[0])::bigint;
    after_value bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
    i integer := 1;
    found_it boolean := false;
BEGIN
    IF after_value IS NOT DISTINCT FROM before_value OR jamaa_bulk_import_active(TG_RELID) THEN
        RETURN NULL;
    END IF;
    WHILE i + 3 <= TG_NARGS AND NOT found_it LOOP
        IF TG_ARGV[i + 3] = '' THEN
            IF after_value = before_value + 1 THEN
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE %I = $1 AND %I = $2)',
                               TG_TABLE_SCHEMA, TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2])
                    INTO found_it USING NEW.id, after_value;
            END IF;
        ELSE
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE %I = $1 AND %I = $2 AND %I = $3)',
                           TG_TABLE_SCHEMA, TG_ARGV[i], TG_ARGV[i + 1], TG_ARGV[i + 2], TG_ARGV[i + 3])
                INTO found_it USING NEW.id, after_value, before_value + 1;
        END IF;
        i := i + 4;
    END LOOP;
    IF NOT found_it THEN
        RAISE EXCEPTION '% % moved from % to % with no record numbered %: a gap is refused',
            TG_TABLE_NAME, NEW.id, before_value, after_value, after_value USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION jamaa_chain_digest(prev text, seq bigint, content jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(prev || '|' || seq::text || '|' || content::text, 'UTF8')), 'hex')
$$;

-- What a link digests: the row without its chain columns and without its NULL fields, so that a column added
-- later as nullable (NULL in the rows already sealed) leaves their hashes unchanged.
CREATE OR REPLACE FUNCTION jamaa_chain_content(row_data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_strip_nulls(row_data - 'chain_seq' - 'chain_hash')
$$;

-- A row may receive its chain columns once, nothing else changing: the only UPDATE an append-only guard lets by.
CREATE OR REPLACE FUNCTION jamaa_chain_sealing(old_row jsonb, new_row jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT old_row ->> 'chain_hash' IS NULL AND new_row ->> 'chain_hash' IS NOT NULL
       AND (old_row - 'chain_seq' - 'chain_hash') = (new_row - 'chain_seq' - 'chain_hash')
$$;

-- Seal the unsealed rows of a table (one row, or all in id order), each after the last sealed row of its series.
-- One lock per schema for every chain: sealing runs at commit, after every other lock the transaction took, so
-- it cannot deadlock; it also orders the chain as commits happen.
CREATE OR REPLACE FUNCTION jamaa_chain_seal(sch text, tbl text, series text, cond text, only_id bigint)
RETURNS integer LANGUAGE plpgsql SET "TimeZone" = 'UTC' AS $$
DECLARE
    r record;
    last_key text;
    prev_seq bigint;
    prev_hash text;
    n integer := 0;
    ids bigint[] := '{}';
    seqs bigint[] := '{}';
    hashes text[] := '{}';
    key_sql text := CASE WHEN series = '' THEN 'NULL::text' ELSE format('t.%I::text', series) END;
    key_type text;
    prev_sql text;
    heads jsonb;
BEGIN
    -- The key travels as text and is cast back to the column's type, so that the previous link is found through
    -- the (series, chain_seq) index.
    SELECT format_type(a.atttypid, a.atttypmod) INTO key_type FROM pg_attribute a
    WHERE a.attrelid = format('%I.%I', sch, tbl)::regclass AND a.attname = series;
    prev_sql := format('SELECT t.chain_seq, t.chain_hash FROM %I.%I t WHERE t.chain_seq IS NOT NULL AND %s '
                       'ORDER BY t.chain_seq DESC LIMIT 1',
                       sch, tbl, CASE WHEN series = '' THEN 'true' ELSE format('t.%I = $1::%s', series, key_type) END);
    PERFORM pg_advisory_xact_lock(hashtext('jamaa_chain'), hashtext(sch));
    IF only_id IS NULL THEN
        -- Sealing a whole table (a backfill, a bulk import whose indexes are dropped): every series' last link
        -- in one scan.
        EXECUTE format('SELECT coalesce(jsonb_object_agg(coalesce(k, ''''), jsonb_build_array(q, h)), ''{}'') FROM '
                       '(SELECT DISTINCT ON (1) %s AS k, t.chain_seq AS q, t.chain_hash AS h FROM %I.%I t '
                       'WHERE t.chain_seq IS NOT NULL ORDER BY 1, t.chain_seq DESC) x', key_sql, sch, tbl)
            INTO heads;
    END IF;
    FOR r IN EXECUTE format(
        'SELECT t.id, %s AS skey, jamaa_chain_content(to_jsonb(t)) AS content FROM %I.%I t '
        'WHERE t.chain_hash IS NULL AND (%s) %s ORDER BY 2, t.id',
        key_sql, sch, tbl, cond, CASE WHEN only_id IS NULL THEN '' ELSE 'AND t.id = $1' END) USING only_id
    LOOP
        IF n = 0 OR r.skey IS DISTINCT FROM last_key THEN
            IF heads IS NULL THEN
                EXECUTE prev_sql INTO prev_seq, prev_hash USING r.skey;
            ELSE
                prev_seq := (heads -> coalesce(r.skey, '') ->> 0)::bigint;
                prev_hash := heads -> coalesce(r.skey, '') ->> 1;
            END IF;
            last_key := r.skey;
        END IF;
        prev_seq := coalesce(prev_seq, 0) + 1;
        prev_hash := jamaa_chain_digest(coalesce(prev_hash, ''), prev_seq, r.content);
        n := n + 1;  -- element assignment grows the arrays in place (`a := a || x` copies them: quadratic)
        ids[n] := r.id;
        seqs[n] := prev_seq;
        hashes[n] := prev_hash;
    END LOOP;
    -- One set-based update (a bulk import seals its rows at once).
    EXECUTE format('UPDATE %I.%I t SET chain_seq = s.seq, chain_hash = s.hash '
                   'FROM unnest($1, $2, $3) AS s(id, seq, hash) WHERE t.id = s.id', sch, tbl)
        USING ids, seqs, hashes;
    RETURN n;
END;
$$;

-- BEFORE UPDATE OR DELETE on an append-only table: a row, once written, stays as written.
CREATE OR REPLACE FUNCTION jamaa_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'check_violation';
END;
$$;

-- BEFORE UPDATE OR DELETE: no row is deleted; the columns named in TG_ARGV (a JSON array) may go from NULL to a
-- value once, together, while nothing else changes (a task done, a decision recorded); then the row is frozen.
CREATE OR REPLACE FUNCTION jamaa_set_once() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    once_cols text[] := ARRAY(SELECT jsonb_array_elements_text(TG_ARGV[0]::jsonb));
    first_col text := once_cols[1];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION '% rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    IF (to_jsonb(OLD) - once_cols) IS DISTINCT FROM (to_jsonb(NEW) - once_cols) THEN
        RAISE EXCEPTION '% %: only % may change', TG_TABLE_NAME, OLD.id, array_to_string(once_cols, ', ')
            USING ERRCODE = 'check_violation';
    END IF;
    IF to_jsonb(OLD) ->> first_col IS NOT NULL
       AND to_jsonb(OLD) IS DISTINCT FROM to_jsonb(NEW) THEN
        RAISE EXCEPTION '% %: already recorded, it changes no more', TG_TABLE_NAME, OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

-- Deferred AFTER INSERT OR UPDATE. TG_ARGV: series column ('' = the whole table), which rows are sealed (SQL
-- over alias t).
CREATE OR REPLACE FUNCTION jamaa_chain_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM jamaa_chain_seal(TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[1], NEW.id);
    RETURN NULL;
END;
$$;
"""


def functions() -> str:
    """The helper functions, created or replaced in the schema being migrated (idempotent)."""
    return FUNCTIONS


def refuse_truncate(*tables: str) -> str:
    return "\n".join(
        f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION jamaa_refuse_truncate();"
        for t in tables
    )


def refuse_truncate_reverse(*tables: str) -> str:
    return "\n".join(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};" for t in tables)


def append_only(*tables: str) -> str:
    """Rows of these tables are never updated nor deleted (with :func:`refuse_truncate`, never emptied)."""
    return "\n".join(
        f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
        f"FOR EACH ROW EXECUTE FUNCTION jamaa_append_only();"
        for t in tables
    )


def append_only_reverse(*tables: str) -> str:
    return "\n".join(f"DROP TRIGGER IF EXISTS {t}_append_only ON {t};" for t in tables)


def set_once(table: str, *columns: str) -> str:
    """Rows of `table` are never deleted; `columns` (the first one NULL until then) are filled once, together,
    nothing else changing; then the row is frozen."""
    args = json.dumps(list(columns)).replace("'", "''")
    return (
        f"CREATE TRIGGER {table}_set_once BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION jamaa_set_once('{args}');"
    )


def set_once_reverse(table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_set_once ON {table};"


def number_from_counter(
    *, table: str, number: str, counter_table: str, counter_fk: str, counter_value: str, when: str = ""
) -> str:
    """`table.number` may only be set to the current value of its counter (`counter_table.counter_value`)."""
    condition = f" WHEN ({when})" if when else ""
    return (
        f"CREATE TRIGGER {table}_{number}_from_counter BEFORE INSERT OR UPDATE OF {number} ON {table} "
        f"FOR EACH ROW{condition} EXECUTE FUNCTION jamaa_number_from_counter("
        f"'{number}', '{counter_table}', '{counter_fk}', '{counter_value}');"
    )


@dataclass(frozen=True)
class CounterUse:
    """Rows that consume a counter's numbers: `table.fk` names the counter, `number` the number taken; with
    `block_first`, a row takes a block of numbers `block_first`..`number`."""

    table: str
    fk: str
    number: str
    block_first: str = ""


def counter_steps(*, table: str, value: str, uses: Sequence[CounterUse], max_step: int | None = 1) -> str:
    """The counter moves forward only, by at most `max_step`, and every step is covered by a row by commit."""
    args = ", ".join(f"'{u.table}', '{u.fk}', '{u.number}', '{u.block_first}'" for u in uses)
    step = "" if max_step is None else str(max_step)
    return (
        f"CREATE TRIGGER {table}_steps BEFORE INSERT OR UPDATE OF {value} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION jamaa_counter_step('{value}', '{step}');\n"
        f"CREATE CONSTRAINT TRIGGER {table}_used AFTER UPDATE OF {value} ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jamaa_counter_used('{value}', {args});"
    )


def counter_steps_reverse(*, table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_used ON {table};\nDROP TRIGGER IF EXISTS {table}_steps ON {table};"


def number_from_counter_reverse(*, table: str, number: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_{number}_from_counter ON {table};"


def chain(*, table: str, series: str = "", sealed_when: str = "true") -> str:
    """Chain `table`'s rows (those matching `sealed_when`, SQL over alias `t`) per `series` column; the table has
    nullable `chain_seq` bigint and `chain_hash` columns. Existing rows are sealed now (the backfill)."""
    when_new = sealed_when.replace("t.", "NEW.")
    literal = sealed_when.replace("'", "''")
    unique_on = f"{series}, chain_seq" if series else "chain_seq"
    return (
        f"CREATE UNIQUE INDEX {table}_chain_seq ON {table} ({unique_on}) WHERE chain_seq IS NOT NULL;\n"
        f"CREATE CONSTRAINT TRIGGER {table}_chain AFTER INSERT OR UPDATE ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        f"WHEN (NEW.chain_hash IS NULL AND ({when_new}) AND NOT jamaa_bulk_import_active('{table}'::regclass)) "
        f"EXECUTE FUNCTION jamaa_chain_link('{series}', '{literal}');\n"
        f"SELECT jamaa_chain_seal(current_schema(), '{table}', '{series}', '{literal}', NULL);"
    )


def chain_reverse(*, table: str) -> str:
    return f"DROP TRIGGER IF EXISTS {table}_chain ON {table};\nDROP INDEX IF EXISTS {table}_chain_seq;"


# ------------------------------------------------------------------------------------------- at run time


def bulk_import_begin(cursor: Any = None, citus: bool | None = None) -> None:
    """Let this transaction write historical numbers (owner role only; the app role's request is ignored).
    Call chain_seal() on the tables written before it commits. `cursor`: another session's (default: Django's,
    and `citus` is then asked of it)."""
    with contextlib.nullcontext(cursor) if cursor is not None else connection.cursor() as cur:
        if is_citus() if citus is None else citus:
            # The guards run on the worker holding the commune's schema: Citus passes a SET LOCAL (a statement,
            # not set_config()) on to the workers' transaction when told to.
            cur.execute("SET LOCAL citus.propagate_set_commands = 'local'")
            cur.execute(f"SET LOCAL {BULK_IMPORT_SETTING} = 'on'")
        else:
            cur.execute("SELECT set_config(%s, 'on', true)", [BULK_IMPORT_SETTING])


@dataclass(frozen=True)
class ChainedTable:
    table: str
    series: str
    sealed_when: str


def chained_tables() -> list[ChainedTable]:
    """The chained tables of the current schema, read from their triggers' arguments."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, tg.tgargs FROM pg_trigger tg
            JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_proc p ON p.oid = tg.tgfoid
            WHERE n.nspname = current_schema() AND p.proname = 'jamaa_chain_link' ORDER BY c.relname"""
        )
        rows = cursor.fetchall()
    result = []
    for name, raw in rows:
        args = bytes(raw).decode().split("\x00")
        result.append(ChainedTable(table=str(name), series=args[0], sealed_when=args[1]))
    return result


def chain_seal(table: str) -> int:
    """Seal the unsealed rows of a chained table of the current schema (after a bulk import). Returns how many."""
    spec = {t.table: t for t in chained_tables()}[table]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT jamaa_chain_seal(current_schema(), %s, %s, %s, NULL)", [spec.table, spec.series, spec.sealed_when]
        )
        return int(cursor.fetchone()[0])


# The chain as a running aggregate: a window over a series' rows in chain order folds the digests link by link,
# with the same jamaa_chain_digest and jamaa_chain_content as jamaa_chain_seal and chain_verify. Session-local
# (pg_temp): nothing to migrate in every schema, and it resolves jamaa_chain_digest in the current schema.
# The step is PL/pgSQL: an SQL function used as an aggregate's step is never inlined and runs the SQL executor
# once per row, where PL/pgSQL evaluates the (inlined) digest as a simple expression, ~10% of the seal's time.
CHAIN_FOLD = """
CREATE OR REPLACE FUNCTION pg_temp.jamaa_chain_fold_step(prev text, head text, seq bigint, content jsonb)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN jamaa_chain_digest(coalesce(prev, head, ''), seq, content);
END;
$$;
CREATE OR REPLACE AGGREGATE pg_temp.jamaa_chain_fold(text, bigint, jsonb)
    (SFUNC = pg_temp.jamaa_chain_fold_step, STYPE = text);
"""


def chain_insert_sealed(
    table: str,
    source: str,
    order: str,
    *,
    cursor: Any = None,
    series_lock: bool = False,
    spec: ChainedTable | None = None,
) -> int:
    """Insert every row of `source` (a table of `table`'s columns, ids given, each a row the chain seals) into the
    chained `table` of the current schema, each written once and already sealed: per series, in `order` (SQL over
    the source's alias `s`), after the series' last sealed link. The same links as :func:`chain_seal` would give
    rows inserted in that order, without its row-by-row loop and its UPDATE of every row; the guards stay in
    force (an INSERT with its chain columns set is what the per-row chaining step lets by). Returns the count.
    The content is `jsonb_strip_nulls(to_jsonb(row))`: the rows' chain columns are NULL (checked), so it is
    `jamaa_chain_content`'s without its two key deletions, each a copy of the whole row (a fifth of the seal).

    `cursor`: another session's (default: Django's). `series_lock`: the schema's chain lock is taken shared, so
    that sessions sealing disjoint series run side by side (the caller guarantees the series are disjoint, e.g.
    one register per session); every other sealer takes it exclusively and waits for them."""
    spec = spec or {t.table: t for t in chained_tables()}[table]
    if not spec.series:
        raise ValueError(f"{table}: a chain without series is sealed with chain_seal()")
    with contextlib.nullcontext(cursor) if cursor is not None else connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
            "AND attname NOT IN ('chain_seq', 'chain_hash') ORDER BY attnum",
            [table],
        )
        names = [_quote(c) for (c,) in cursor.fetchall()]
        cols, s_cols = ", ".join(names), ", ".join(f"s.{c}" for c in names)
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE NOT ({spec.sealed_when})),"
            f" count(*) FILTER (WHERE t.chain_seq IS NOT NULL OR t.chain_hash IS NOT NULL) FROM {_quote(source)} t"
        )
        unsealed, linked = cursor.fetchone()
        if unsealed:
            raise ValueError(f"{source}: rows that {table}'s chain does not seal ({spec.sealed_when})")
        if linked:
            raise ValueError(f"{source}: rows already linked (chain_seq or chain_hash set)")
        cursor.execute(CHAIN_FOLD)
        # the same lock and the same time zone (to_jsonb of a timestamptz) as jamaa_chain_seal; the sorts in memory
        lock = "pg_advisory_xact_lock_shared" if series_lock else "pg_advisory_xact_lock"
        cursor.execute(f"SELECT {lock}(hashtext('jamaa_chain'), hashtext(current_schema()))")
        cursor.execute("SELECT current_setting('TimeZone')")
        zone = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('work_mem')")
        work_mem = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('TimeZone', 'UTC', true), set_config('work_mem', '256MB', true)")
        series, tbl, src = _quote(spec.series), _quote(table), _quote(source)
        cursor.execute(
            # each series' last link, by the chain's index (not a scan of the whole table), computed once
            f"""WITH h AS MATERIALIZED (
                SELECT k.k, l.chain_seq, l.chain_hash FROM (SELECT DISTINCT {series} AS k FROM {src}) k
                CROSS JOIN LATERAL (SELECT t.chain_seq, t.chain_hash FROM {tbl} t
                                    WHERE t.{series} = k.k AND t.chain_seq IS NOT NULL
                                    ORDER BY t.chain_seq DESC LIMIT 1) l)
            INSERT INTO {tbl} ({cols}, chain_seq, chain_hash)
            SELECT {cols}, x.link_seq, pg_temp.jamaa_chain_fold(x.head_hash, x.link_seq, x.content) OVER w
            FROM (SELECT {s_cols}, h.chain_hash AS head_hash, jsonb_strip_nulls(to_jsonb(s)) AS content,
                         coalesce(h.chain_seq, 0) + row_number() OVER (PARTITION BY s.{series} ORDER BY {order})
                         AS link_seq
                  FROM {src} s LEFT JOIN h ON h.k = s.{series}) x
            WINDOW w AS (PARTITION BY x.{series} ORDER BY x.link_seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            ORDER BY x.{series}, x.link_seq"""
        )
        inserted = int(cursor.rowcount)
        cursor.execute("SELECT set_config('TimeZone', %s, true), set_config('work_mem', %s, true)", [zone, work_mem])
    return inserted


@dataclass(frozen=True)
class BrokenLink:
    table: str
    row_id: int
    series: str | None
    position: int | None
    number: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.table} row {self.row_id}"
        if self.number is not None:
            where += f" (number {self.number})"
        if self.series is not None:
            where += f", series {self.series}"
        if self.position is not None:
            where += f", link {self.position}"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    tables: dict[str, int]  # table → sealed rows checked
    broken: BrokenLink | None


def chain_verify() -> ChainReport:
    """Recompute every chain of the current schema; the first broken link (per table, in table order), if any."""
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        for spec in chained_tables():
            key = f"t.{_quote(spec.series)}::text" if spec.series else "NULL::text"
            table = _quote(spec.table)
            cursor.execute(
                f"""SELECT id, skey, chain_seq, number, CASE
                    WHEN chain_seq <> coalesce(prev_seq, 0) + 1 THEN 'a link is missing before it'
                    ELSE 'its content or its link does not match its hash' END
                FROM (SELECT t.id, {key} AS skey, t.chain_seq, t.chain_hash, to_jsonb(t) ->> 'number' AS number,
                             lag(t.chain_seq) OVER w AS prev_seq,
                             jamaa_chain_digest(coalesce(lag(t.chain_hash) OVER w, ''), t.chain_seq,
                                                jamaa_chain_content(to_jsonb(t))) AS expected
                      FROM {table} t WHERE t.chain_hash IS NOT NULL
                      WINDOW w AS (PARTITION BY {key} ORDER BY t.chain_seq)) x
                WHERE chain_hash <> expected OR chain_seq <> coalesce(prev_seq, 0) + 1
                ORDER BY skey, chain_seq LIMIT 1"""
            )
            row = cursor.fetchone()
            if row is not None:
                return ChainReport(counts, BrokenLink(spec.table, int(row[0]), row[1], int(row[2]), row[3], row[4]))
            cursor.execute(
                f"SELECT t.id, {key}, to_jsonb(t) ->> 'number' FROM {table} t "
                f"WHERE t.chain_hash IS NULL AND ({spec.sealed_when}) ORDER BY t.id LIMIT 1"
            )
            row = cursor.fetchone()
            if row is not None:
                return ChainReport(
                    counts, BrokenLink(spec.table, int(row[0]), row[1], None, row[2], "it is outside the chain")
                )
            cursor.execute(f"SELECT count(*) FROM {table} WHERE chain_hash IS NOT NULL")
            counts[spec.table] = int(cursor.fetchone()[0])
    return ChainReport(counts, None)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
