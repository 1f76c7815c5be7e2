"""The kernel's commune files: written under `<schema>/`, read back under the *current* commune's folder whatever
schema the kept name starts with, and names that climb out (`..`), are empty or come from the public schema are
refused."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.platform.kernel import files


def test_saved_under_the_commune_and_read_back_under_the_current_one(fes, meknes) -> None:
    with schema_context("fes"):
        name = files.tenant_save("kernel-test/a.txt", b"fes")
        assert name.startswith("fes/kernel-test/")
        assert files.tenant_read(name) == b"fes"
    with schema_context("meknes"):
        # The same kept name read from Meknès is Meknès's own path: Fès's file is not reachable from there.
        assert files.tenant_path(name) == "meknes/" + name.removeprefix("fes/")
        with pytest.raises(FileNotFoundError):
            files.tenant_read(name)
    with schema_context("fes"):
        files.tenant_delete(name)
        assert not default_storage.exists(name)


@pytest.mark.parametrize("bad", ["fes/../meknes/x.pdf", "x.pdf", "fes//x.pdf", "fes/./x", ""])
def test_bad_names_are_refused(fes, bad: str) -> None:
    with schema_context("fes"), pytest.raises(files.TenantFileError):
        files.tenant_read(bad)


def test_no_files_outside_a_commune(fes, db) -> None:
    connection.set_schema_to_public()
    with pytest.raises(files.TenantFileError):
        files.tenant_save("x.txt", b"x")
    with schema_context("fes"), pytest.raises(files.TenantFileError):
        files.tenant_save("../x.txt", b"x")
