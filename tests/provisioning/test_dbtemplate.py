"""The migrated template (jamaa.provisioning.dbtemplate): copied only while its key is this codebase's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings

from jamaa.provisioning import dbtemplate

PROVISIONING = Path(dbtemplate.__file__).parent
KERNEL_MIGRATIONS = PROVISIONING.parent / "platform" / "kernel" / "migrations"


def _exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:  # noqa: SLF001
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_the_suite_kept_its_template_under_the_current_key(migrated_template: str, django_db_blocker: Any) -> None:
    assert migrated_template, "no migrated template: the suite runs on a kept database or a Citus server"
    with django_db_blocker.unblock():
        assert dbtemplate.template_key(migrated_template) == dbtemplate.migrations_key()
        with connection._nodb_cursor() as cursor:  # noqa: SLF001
            cursor.execute("SELECT datallowconn FROM pg_database WHERE datname = %s", [migrated_template])
            assert cursor.fetchone() == (False,)  # nobody can change it (nor block a copy)


def test_a_template_under_another_key_is_never_copied(migrated_template: str, django_db_blocker: Any) -> None:
    target = f"{connection.settings_dict['NAME']}_copy_probe"
    with django_db_blocker.unblock():
        key = dbtemplate.migrations_key()
        assert not dbtemplate.database_clone(template=migrated_template, target=target, key="0" * 32)
        assert not dbtemplate.database_clone(template="no_such_database", target=target, key=key)
        assert not _exists(target)
        try:
            assert dbtemplate.database_clone(template=migrated_template, target=target, key=key)
            assert _exists(target)
        finally:
            dbtemplate.template_drop(target)
        assert not _exists(target)


def test_the_key_follows_migrations_their_imports_and_schema_settings(
    django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with django_db_blocker.unblock():
        key = dbtemplate.migrations_key()
        assert dbtemplate.migrations_key() == key  # stable
        with override_settings(DEFAULT_AUTO_FIELD="django.db.models.AutoField"):
            assert dbtemplate.migrations_key() != key
        # A migration's SQL written by a project module it imports: that module is part of the key.
        guards = KERNEL_MIGRATIONS / "0002_counter_guard.py"
        assert "db_guards.py" in {p.name for p in dbtemplate._imported_project_files(guards)}  # noqa: SLF001
        for changed in (
            sorted((PROVISIONING / "migrations").glob("0001_*.py"))[0],
            PROVISIONING.parent / "platform" / "db_guards.py",
        ):
            read = dbtemplate._read  # noqa: SLF001
            monkeypatch.setattr(
                dbtemplate, "_read", lambda path, c=changed, r=read: r(path) + (b"#" if path == c else b"")
            )
            assert dbtemplate.migrations_key() != key, changed
            monkeypatch.undo()
        # An extra app (JAMAA_EXTRA_TENANT_APPS) is left out: a copy is then migrated for that app alone.
        monkeypatch.setenv("JAMAA_EXTRA_TENANT_APPS", "jamaa.modules.demo_absent")
        with override_settings(TENANT_APPS=[*settings.TENANT_APPS, "jamaa.modules.demo_absent"]):
            assert dbtemplate.migrations_key() == key
