"""The application's PostgreSQL role: what it may do on the owner's tables (docs/adr/0003-database-roles-and-guards.md).

The owner role (DATABASE_OWNER_URL) creates schemas and tables and runs migrations. The application role
(DATABASE_URL of the web and the workers) gets SELECT, INSERT, UPDATE, DELETE on tables and USAGE, SELECT,
UPDATE on sequences in every schema, never TRUNCATE, never ownership: it cannot ALTER a table, disable a trigger
or (not being a superuser) set session_replication_role. `ALTER DEFAULT PRIVILEGES` gives the same to the tables,
sequences and schemas the owner creates later; commune creation also grants them explicitly on the new schema.
The roles those default privileges name are the application roles: no other record is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from psycopg2 import sql


@dataclass(frozen=True)
class AppRoleSetup:
    role: str
    created: bool
    schemas: list[str]


def app_roles() -> list[str]:
    """The roles the connected (owner) role's default privileges grant new schemas to."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT a.grantee::regrole::text FROM pg_default_acl d, aclexplode(d.defaclacl) a
            WHERE d.defaclrole = current_user::regrole AND d.defaclobjtype = 'n' AND a.grantee <> 0
              AND a.grantee <> d.defaclrole ORDER BY 1"""
        )
        return [str(r[0]) for r in cursor.fetchall()]


def schema_grant(*, schema: str, role: str) -> None:
    """The application role's rights on one schema's existing tables and sequences."""
    s, r = sql.Identifier(schema), sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r))
        cursor.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(s, r))
        cursor.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r))


def schema_grant_app_roles(*, schema: str) -> list[str]:
    """Grant every application role its rights on a schema just made (a new commune). Returns the roles."""
    roles = app_roles()
    for role in roles:
        schema_grant(schema=schema, role=role)
    return roles


def _schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            r"""SELECT nspname FROM pg_namespace
            WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema' ORDER BY nspname"""
        )
        return [str(r[0]) for r in cursor.fetchall()]


@transaction.atomic
def app_role_setup(*, role: str, password: str | None = None) -> AppRoleSetup:
    """Create the application role if missing (LOGIN, no superuser, no CREATEROLE/CREATEDB/REPLICATION/BYPASSRLS;
    the password set when given), grant it its rights in every schema of the database and on what the connected
    owner role creates later. Idempotent. Needs CREATEROLE to create the role, or a role made beforehand."""
    r = sql.Identifier(role)
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        created = row is None
        if created:
            cursor.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS").format(r)
            )
        elif row[0]:
            raise ValueError(f"{role} is a superuser: the application role must not be one.")
        cursor.execute("SELECT current_user")
        if cursor.fetchone()[0] == role:
            raise ValueError(f"{role} is the role connected now (the owner): the application needs its own role.")
        if password is not None:
            cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(r, sql.Literal(password)))
        cursor.execute("SELECT current_database()")
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(cursor.fetchone()[0]), r))
        schemas = _schemas()
        for schema in schemas:
            schema_grant(schema=schema, role=role)
        cursor.execute(
            sql.SQL("ALTER DEFAULT PRIVILEGES GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}").format(r)
        )
        cursor.execute(sql.SQL("ALTER DEFAULT PRIVILEGES GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {}").format(r))
        cursor.execute(sql.SQL("ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO {}").format(r))
    return AppRoleSetup(role=role, created=created, schemas=schemas)
