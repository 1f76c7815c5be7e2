"""A cloned commune's schema is the migrated one, names and all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction

from jamaa.provisioning import services
from jamaa.provisioning.clone import TEMPLATE_SCHEMA, catalog_snapshot
from jamaa.provisioning.models import SpareSchema
from jamaa.provisioning.spares import spare_refill

pytestmark = pytest.mark.django_db


class _RolledBack(Exception):
    pass


@pytest.fixture(scope="module")
def migrated(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, list[tuple[object, ...]]]]:
    """The catalog of a commune built by running every migration (the slow path, ~20 s on 2 cores: built once for
    this file's comparisons), in a transaction rolled back once it is read: nothing of it stays."""
    with django_db_blocker.unblock():
        snapshot: dict[str, list[tuple[object, ...]]] = {}
        try:
            with transaction.atomic():
                services.commune_create(slug="migrated", name_fr="Migrated", name_ar="مهاجرة", method="migrations")
                snapshot = catalog_snapshot("migrated")
                raise _RolledBack
        except _RolledBack:
            pass
        finally:
            connection.set_schema_to_public()
    assert snapshot["migrations"], "the migrated commune's catalog was read"
    yield snapshot


def test_clone_equals_migrations(fes, migrated) -> None:
    # given one commune built from the template and one built by running every migration (the fixture)
    services.commune_create(slug="cloned", name_fr="Cloned", name_ar="مستنسخة", method="clone")
    # when their catalogs are compared
    cloned = catalog_snapshot("cloned")
    # then nothing differs: tables, columns, constraint and index names, sequences (owner, position),
    # triggers, functions, comments and the migration history
    for kind in migrated:
        assert cloned[kind] == migrated[kind], kind
    assert migrated["triggers"], "the fidelity check must see at least one trigger"
    assert migrated["functions"] and migrated["comments"] and migrated["sequences"]
    assert any(c[2] == "u" for c in migrated["constraints"]), "named UNIQUE constraints are compared"


def test_commune_from_a_spare_schema_equals_migrations(fes, migrated) -> None:
    # given a spare schema cloned ahead of time
    assert spare_refill(count=1) == 1
    spare = SpareSchema.objects.get().schema_name
    # when a commune is onboarded, it takes the spare (renamed) rather than cloning
    services.commune_create(slug="from-spare", name_fr="Spare", name_ar="احتياط")
    assert not SpareSchema.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [spare])
        assert cursor.fetchone() is None
    # then it is the migrated schema (the fixture's), names and all
    from_spare = catalog_snapshot("from_spare")
    for kind in migrated:
        assert from_spare[kind] == migrated[kind], kind


def test_stale_spares_are_dropped_not_used(fes) -> None:
    spare_refill(count=1)
    spare = SpareSchema.objects.get().schema_name
    with connection.cursor() as cursor:  # the spare predates a migration
        cursor.execute(f"DELETE FROM {spare}.django_migrations WHERE app = 'core' AND name = '0002_audit_append_only'")
    services.commune_create(slug="fresh", name_fr="Fresh", name_ar="جديدة")
    assert catalog_snapshot("fresh")["migrations"] == catalog_snapshot(TEMPLATE_SCHEMA)["migrations"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [spare])
        assert cursor.fetchone() is None


def test_clone_references_stay_inside_the_new_schema(fes) -> None:
    services.commune_create(slug="settat", name_fr="Settat", name_ar="سطات")
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_constraint con JOIN pg_class t ON t.oid = con.confrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE con.connamespace = 'settat'::regnamespace AND con.contype = 'f' AND n.nspname <> 'settat'"""
        )
        assert cursor.fetchone()[0] == 0
        cursor.execute(
            """SELECT count(*) FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
               JOIN pg_class t ON t.oid = d.refobjid
               WHERE s.relnamespace = 'settat'::regnamespace AND t.relnamespace <> 'settat'::regnamespace"""
        )
        assert cursor.fetchone()[0] == 0
        # sequences positioned like the template's: the next permission id follows the copied rows
        cursor.execute(f"SELECT max(id) FROM {TEMPLATE_SCHEMA}.auth_permission")
        template_max = cursor.fetchone()[0]
        cursor.execute("SELECT nextval('settat.auth_permission_id_seq')")
        assert cursor.fetchone()[0] == template_max + 1


def test_audit_trail_is_append_only_in_a_clone(fes) -> None:
    from django.db import DatabaseError, transaction

    services.commune_create(slug="sidi-ifni", name_fr="Sidi Ifni", name_ar="سيدي إفني")
    with connection.cursor() as cursor:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("UPDATE sidi_ifni.core_auditevent SET reason = 'changed'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("DELETE FROM sidi_ifni.core_auditevent")
