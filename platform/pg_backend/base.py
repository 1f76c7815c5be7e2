"""django-tenants' PostgreSQL backend, with one change: a migration's SQL script runs one statement per execute.

Django's PostgreSQL backend sends a RunSQL script (a trigger function, then its trigger) in one execute, which
plain PostgreSQL accepts. On Citus, DDL inside a distributed schema (each commune's) is forwarded to the worker
that holds the schema as the command's text, and the worker refuses a text holding several commands ("cannot
insert multiple commands into a prepared statement"). Splitting with sqlparse (what Django does for the other
backends) suits both; it is done only on Citus, so plain PostgreSQL runs exactly Django's statements.

And a column added to an existing table gets its CHECK and UNIQUE constraints named: Citus refuses an unnamed
constraint in ADD COLUMN ("all constraints in Citus must have explicit names"). The names are those PostgreSQL
would have chosen (`<table>_<column>_check`, `<table>_<column>_key`), so a schema is the same on both (again,
only on Citus).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlparse
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


def _citus(connection: Any) -> bool:
    from jamaa.platform.db import is_citus

    return is_citus(connection.alias)


class DatabaseOperations(TenantDatabaseWrapper.ops_class):  # type: ignore[misc]
    def prepare_sql_script(self, sql: str) -> list[str]:
        if not _citus(self.connection):
            return super().prepare_sql_script(sql)  # type: ignore[no-any-return]
        return [statement for statement in sqlparse.split(sql) if statement.strip()]


class DatabaseSchemaEditor(TenantDatabaseWrapper.SchemaEditorClass):  # type: ignore[misc]
    _column_added: Any = None

    def add_field(self, model: Any, field: Any) -> None:
        if not _citus(self.connection):
            super().add_field(model, field)
            return
        table = model._meta.db_table
        self._column_added = field
        name = self.quote_name(f"{table}_{field.column}_check"[:63])
        self.sql_check_constraint = f"CONSTRAINT {name} CHECK (%(check)s)"
        try:
            super().add_field(model, field)
        finally:
            del self.sql_check_constraint
            self._column_added = None

    def _iter_column_sql(self, column_db_type: Any, params: Any, model: Any, field: Any, *args: Any) -> Iterator[str]:
        for part in super()._iter_column_sql(column_db_type, params, model, field, *args):
            if part == "UNIQUE" and field is self._column_added:
                yield f"CONSTRAINT {self.quote_name(f'{model._meta.db_table}_{field.column}_key'[:63])} UNIQUE"
            else:
                yield part


class DatabaseWrapper(TenantDatabaseWrapper):  # type: ignore[misc]
    ops_class = DatabaseOperations
    SchemaEditorClass = DatabaseSchemaEditor
