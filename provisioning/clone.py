"""Faithful, fast copies of the template schema.

The template schema (`_template`) is kept at the current migration state by `jamaa fleet migrate`. A new
commune's schema is built from the template's catalog in one transaction and one round trip: functions,
sequences (same names, same options, positioned like the template's), tables (columns, defaults, identity with
the same sequence names, generated columns), the template's rows (migration history, content types,
permissions, module reference data), then constraints and indexes under their own names, foreign keys,
triggers, views and comments. Everything is created unqualified under `search_path = <new>, public`, so
references stay inside the new schema, and references to public tables stay in public.

Unlike django-tenants' clone_schema, names are reproduced exactly (a later migration that alters a named
UNIQUE constraint then works on every commune), and cloning is refused while the template lags behind the
migration files (a clone would otherwise record migrations as applied that never ran).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from jamaa.platform.db import is_citus, use_public_schema

from .exceptions import TemplateNotReady, TemplateUnsupported

TEMPLATE_SCHEMA = "_template"
_IDENT_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def quote(name: str) -> str:
    return name if _IDENT_RE.match(name) and name not in _RESERVED else '"' + name.replace('"', '""') + '"'


_RESERVED = {"user", "order", "group", "select", "table", "from", "where", "check", "default", "primary", "end"}


@dataclass
class CloneScript:
    """The SQL that rebuilds the template's contents in whatever schema is first on the search_path."""

    before_data: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    after_data: list[str] = field(default_factory=list)
    tables: int = 0

    def sql(self) -> str:
        return ";\n".join([*self.before_data, *self.data, *self.after_data]) + ";"


@lru_cache(maxsize=1)
def migration_nodes() -> frozenset[tuple[str, str]]:
    """Every migration of the codebase, read from disk once per process (a deploy brings a new process)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def applied_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = %s AND tablename = 'django_migrations')",
            [schema],
        )
        if not cursor.fetchone()[0]:
            return set()
        cursor.execute(f"SELECT app, name FROM {quote(schema)}.django_migrations")
        return {(app, name) for app, name in cursor.fetchall()}


def template_pending() -> list[str]:
    """Migrations on disk that the template has not applied (empty when it is ready to clone)."""
    return sorted(f"{a}.{n}" for a, n in migration_nodes() - applied_migrations(TEMPLATE_SCHEMA))


def template_exists() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [TEMPLATE_SCHEMA])
        return cursor.fetchone() is not None


def build_script(source: str = TEMPLATE_SCHEMA) -> CloneScript:
    """Read the source schema's catalog and write the SQL that rebuilds it. Raises TemplateUnsupported.

    One cursor throughout: django-tenants resets the search_path whenever a cursor is opened.
    """
    use_public_schema()
    with connection.cursor() as cursor:
        # Unqualified names in the definitions below then mean "this schema"; public ones stay qualified.
        cursor.execute(f"SET search_path = {quote(source)}")

        def _rows(sql: str, params: list[object]) -> list[tuple[object, ...]]:
            cursor.execute(sql, params)  # type: ignore[arg-type]
            return list(cursor.fetchall())

        try:
            return _build(source, _rows)
        finally:
            cursor.execute("SET search_path = public")


def _build(source: str, _rows: Callable[[str, list[object]], list[tuple[object, ...]]]) -> CloneScript:
    script = CloneScript()
    _refuse_unsupported(source, _rows)

    for (ddl,) in _rows(
        "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND p.prokind IN ('f', 'p') ORDER BY p.proname, p.oid",
        [source],
    ):
        script.before_data.append(
            re.sub(rf"^(CREATE OR REPLACE (FUNCTION|PROCEDURE) ){re.escape(quote(source))}\.", r"\1", str(ddl))
        )

    # Free-standing and serial sequences; identity sequences come with their columns.
    sequences = _rows(
        """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
               s.seqcache, s.seqcycle, dep.owner_table, dep.owner_column, dep.deptype
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_sequence s ON s.seqrelid = c.oid
        LEFT JOIN LATERAL (
            SELECT t.relname AS owner_table, a.attname AS owner_column, d.deptype
            FROM pg_depend d
            JOIN pg_class t ON t.oid = d.refobjid
            JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            WHERE d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        ) dep ON true
        WHERE n.nspname = %s AND c.relkind = 'S'
        ORDER BY c.relname
        """,
        [source],
    )
    identity_options: dict[tuple[str, str], str] = {}  # (table, column) → the identity sequence's name
    identity_types: dict[str, str] = {}
    owned: list[str] = []
    for name, typ, start, inc, smin, smax, cache, cycle, owner_t, owner_c, deptype in sequences:
        options = (
            f"INCREMENT BY {inc} MINVALUE {smin} MAXVALUE {smax} START WITH {start} CACHE {cache}"
            f"{' CYCLE' if cycle else ' NO CYCLE'}"
        )
        if deptype == "i":  # created with its column (LIKE … INCLUDING IDENTITY copies its options)
            identity_options[(str(owner_t), str(owner_c))] = str(name)
            identity_types[str(name)] = str(typ)
            continue
        script.before_data.append(f"CREATE SEQUENCE {quote(str(name))} AS {typ} {options}")
        if deptype == "a":
            owned.append(f"ALTER SEQUENCE {quote(str(name))} OWNED BY {quote(str(owner_t))}.{quote(str(owner_c))}")

    columns = _rows(
        """
        SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity,
               a.attgenerated, pg_get_expr(d.adbin, d.adrelid),
               CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0
                    THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                          FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace
                          WHERE co.oid = a.attcollation) END,
               EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
        WHERE n.nspname = %s AND c.relkind = 'r'
        ORDER BY c.relname, a.attnum
        """,
        [source],
    )
    # Tables come from `LIKE … INCLUDING …`: columns, NOT NULL, collations, generated columns, identity, and
    # CHECK constraints and defaults as the template's own expression trees (deparsing them and parsing the text
    # again can give a different tree: `x IN ('a','b')` comes back with the casts moved). Then the identity
    # sequences take the template's names, and defaults that call nextval() are re-pointed at this schema.
    tables: dict[str, list[str]] = {}
    copyable: dict[str, list[str]] = {}
    fixes: list[str] = []
    for table, col, _typ, _notnull, identity, generated, default, _collation, inherited in columns:
        if inherited:
            raise TemplateUnsupported(f"table {table} uses inheritance")
        t, c = str(table), str(col)
        tables.setdefault(t, [])
        if identity in ("a", "d"):
            wanted = identity_options[(t, c)]
            if wanted != f"{t}_{c}_seq"[:63]:
                fixes.append(
                    f"DO $$ BEGIN EXECUTE format('ALTER SEQUENCE %s RENAME TO %I', "
                    f"pg_get_serial_sequence('{quote(t)}', '{c}'), '{wanted}'); END $$"
                )
            if identity_types[wanted] != "bigint":  # LIKE makes identity sequences bigint, whatever the column
                fixes.append(f"ALTER SEQUENCE {quote(wanted)} AS {identity_types[wanted]}")
        elif default is not None and generated != "s" and "nextval(" in str(default):
            fixes.append(f"ALTER TABLE {quote(t)} ALTER COLUMN {quote(c)} SET DEFAULT {default}")
        if generated != "s":
            copyable.setdefault(t, []).append(quote(c))
    for t in tables:
        script.before_data.append(
            f"CREATE TABLE {quote(t)} (LIKE {quote(source)}.{quote(t)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING IDENTITY INCLUDING GENERATED)"
        )
    script.before_data.extend(fixes)
    script.before_data.extend(owned)
    script.tables = len(tables)

    # The template's rows: migration history, content types, permissions, reference data.
    q = quote(source)
    for t, cols in copyable.items():
        has_rows = _rows(f"SELECT EXISTS (SELECT 1 FROM {q}.{quote(t)})", [])[0][0]
        if has_rows:
            col_list = ", ".join(cols)
            script.data.append(
                f"INSERT INTO {quote(t)} ({col_list}) OVERRIDING SYSTEM VALUE SELECT {col_list} FROM {q}.{quote(t)}"
            )
    for name, last_value in _rows(
        "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s AND last_value IS NOT NULL",
        [source],
    ):
        script.data.append(f"SELECT setval('{quote(str(name))}', {int(str(last_value))}, true)")

    constraints = _rows(
        """
        SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND con.contype IN ('p', 'u', 'x', 'f')
        ORDER BY CASE con.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 WHEN 'x' THEN 2 ELSE 4 END,
                 c.relname, con.conname
        """,
        [source],
    )
    for table, name, _contype, definition in constraints:
        script.after_data.append(f"ALTER TABLE {quote(str(table))} ADD CONSTRAINT {quote(str(name))} {definition}")

    on_source = re.compile(rf" ON (ONLY )?{re.escape(q)}\.")
    for (ddl,) in _rows(
        """
        SELECT pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class ic ON ic.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = ic.relnamespace
        WHERE n.nspname = %s
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid
                          AND con.contype IN ('p', 'u', 'x'))
        ORDER BY ic.relname
        """,
        [source],
    ):
        script.after_data.append(on_source.sub(r" ON \1", str(ddl), count=1))

    qualified = re.compile(rf"(?<![\w\"]){re.escape(q)}\.")
    for (ddl,) in _rows(
        """
        SELECT pg_get_triggerdef(tg.oid)
        FROM pg_trigger tg
        JOIN pg_class c ON c.oid = tg.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND NOT tg.tgisinternal
        ORDER BY c.relname, tg.tgname
        """,
        [source],
    ):
        script.after_data.append(qualified.sub("", str(ddl)))

    for name, definition in _rows(
        "SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'v' ORDER BY c.oid",
        [source],
    ):
        script.after_data.append(f"CREATE VIEW {quote(str(name))} AS {str(definition).rstrip(';')}")

    for comment_kind, relname, attname, text in _rows(
        """
        SELECT CASE WHEN d.objsubid = 0 THEN 'TABLE' ELSE 'COLUMN' END, c.relname, a.attname, d.description
        FROM pg_description d
        JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
        WHERE n.nspname = %s AND c.relkind IN ('r', 'v')
        """,
        [source],
    ):
        target = quote(str(relname)) if comment_kind == "TABLE" else f"{quote(str(relname))}.{quote(str(attname))}"
        literal = "'" + str(text).replace("'", "''") + "'"
        script.after_data.append(f"COMMENT ON {comment_kind} {target} IS {literal}")
    return script


def _refuse_unsupported(source: str, _rows: Callable[[str, list[object]], list[tuple[object, ...]]]) -> None:
    """Object kinds this cloner does not reproduce: their presence sends provisioning down the migrations path."""
    checks = {
        "types": "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = %s AND t.typtype IN ('e', 'd', 'c', 'r') AND NOT EXISTS "
        "(SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)",
        "materialized views or partitioned tables": "SELECT count(*) FROM pg_class c JOIN pg_namespace n "
        "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('m', 'p', 'f')",
        "rules": "SELECT count(*) FROM pg_rules WHERE schemaname = %s",
        "policies": "SELECT count(*) FROM pg_policies WHERE schemaname = %s",
        "aggregates": "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND p.prokind = 'a'",
    }
    for what, sql in checks.items():
        if int(str(_rows(sql, [source])[0][0])):
            raise TemplateUnsupported(f"the template schema has {what}")


_script_cache: dict[tuple[object, ...], CloneScript] = {}


def _cached_script() -> CloneScript:
    """The template's clone script, rebuilt only when the template changed (schema recreated or migrated)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT oid FROM pg_namespace WHERE nspname = %s), count(*), max(id) "
            f"FROM {quote(TEMPLATE_SCHEMA)}.django_migrations",
            [TEMPLATE_SCHEMA],
        )
        key = tuple(cursor.fetchone())
    script = _script_cache.get(key)
    if script is None:
        _script_cache.clear()
        script = _script_cache[key] = build_script()
    return script


def clone_template(*, target: str) -> None:
    """Create schema `target` as a faithful copy of the template. Raises TemplateNotReady, TemplateUnsupported.

    Must run inside a transaction (the caller's atomic block): the schema appears whole or not at all.
    """
    use_public_schema()
    citus = is_citus()
    if not template_exists():
        raise TemplateNotReady("The template schema does not exist yet: run `jamaa fleet migrate`.")
    pending = template_pending()
    if pending:
        raise TemplateNotReady(
            f"The template schema has {len(pending)} unapplied migration(s) ({', '.join(pending[:3])}…): "
            "run `jamaa fleet migrate` first.",
            extra={"pending": pending},
        )
    script = _cached_script()
    with connection.cursor() as cursor:
        if citus:
            # A distributed schema's sequences cannot be altered (the clone renames and retypes them): on Citus the
            # copy is made as a local schema on the coordinator, distributed whole onto a worker as the commune's
            # creation ends (placement.schema_distribute).
            cursor.execute("SET LOCAL citus.enable_schema_based_sharding = off")
        cursor.execute(f"CREATE SCHEMA {quote(target)}")
        cursor.execute(f"SET LOCAL search_path = {quote(target)}, public")
        cursor.execute(script.sql())
    use_public_schema()  # the next cursor resets the search_path django-tenants expects


def catalog_snapshot(schema: str) -> dict[str, list[tuple[object, ...]]]:
    """A schema's structure, names included, with its own name blanked out: equal snapshots mean equal schemas.

    Used by the fidelity test and by `jamaa fleet verify`. Covers tables and columns (order, types, defaults,
    nullability, identity, generation, collation), constraints, indexes, sequences (options, owner, position),
    triggers, functions, views, comments and the migration history.
    """
    q = quote(schema)
    strip = re.compile(rf"(?<![\w\"]){re.escape(q)}\.")

    def norm(value: object) -> object:
        return strip.sub("", value) if isinstance(value, str) else value

    queries = {
        "columns": """
            SELECT c.relname, a.attname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                   format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated,
                   pg_get_expr(d.adbin, d.adrelid), a.attcollation
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
            WHERE n.nspname = %s AND c.relkind IN ('r', 'v')""",
        "constraints": """
            SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid), con.condeferrable,
                   con.condeferred, con.convalidated
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND con.contype <> 'n'""",
        "foreign_key_targets": """
            SELECT con.conname, tn.nspname = n.nspname, CASE WHEN tn.nspname = n.nspname THEN '' ELSE tn.nspname END
            FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
            JOIN pg_class t ON t.oid = con.confrelid JOIN pg_namespace tn ON tn.oid = t.relnamespace
            WHERE n.nspname = %s AND con.contype = 'f'""",
        "indexes": """
            SELECT ic.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
            WHERE n.nspname = %s""",
        "sequences": """
            SELECT s.sequencename, s.data_type::text, s.start_value, s.min_value, s.max_value, s.increment_by,
                   s.cycle, s.cache_size, s.last_value,
                   (SELECT t.relname || '.' || a.attname || ':' || d.deptype::text FROM pg_depend d
                    JOIN pg_class t ON t.oid = d.refobjid
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                    WHERE d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
                      AND d.deptype IN ('a', 'i') AND d.classid = 'pg_class'::regclass),
                   (SELECT tn.nspname = s.schemaname FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                    JOIN pg_namespace tn ON tn.oid = t.relnamespace
                    WHERE d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass
                      AND d.deptype IN ('a', 'i') AND d.classid = 'pg_class'::regclass)
            FROM pg_sequences s WHERE s.schemaname = %s""",
        "triggers": """
            SELECT c.relname, tg.tgname, pg_get_triggerdef(tg.oid) FROM pg_trigger tg
            JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND NOT tg.tgisinternal""",
        "functions": """
            SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
            FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = %s
              AND p.prokind IN ('f', 'p')""",
        "views": """
            SELECT c.relname, pg_get_viewdef(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'v'""",
        "comments": """
            SELECT c.relname, d.objsubid, d.description FROM pg_description d
            JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s""",
        "relations": """
            SELECT c.relname, c.relkind, c.relpersistence FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s""",
    }
    snapshot: dict[str, list[tuple[object, ...]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL search_path = {q}")
        for name, sql in queries.items():
            cursor.execute(sql, [schema])
            snapshot[name] = sorted((tuple(norm(v) for v in row) for row in cursor.fetchall()), key=repr)
        cursor.execute(f"SELECT app, name FROM {q}.django_migrations")
        snapshot["migrations"] = sorted(cursor.fetchall())
    use_public_schema()
    return snapshot
