"""The operators' console: upload a legacy export and its mapping, the Celery task imports it (run inline here),
the page's JSON endpoint reports progress and totals, the reports download."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil.models import Act
from jamaa.provisioning import tasks
from jamaa.provisioning.legacy.synth import legacy_synth
from jamaa.provisioning.models import LegacyImportRun
from tests.console.test_console_views import console_client, delete_platform_users, make_user

from .conftest import export_files


@pytest.fixture
def operator(scratch: Callable[[str], str]) -> Any:
    user = make_user("legacy-op", operator=True)
    yield user
    connection.set_schema_to_public()
    LegacyImportRun.objects.filter(slug="legacy-c").delete()
    delete_platform_users(username_prefix="legacy-")


def test_console_import_upload_progress_and_reports(
    scratch: Callable[[str], str], operator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a commune, a small export and an operator; the task runs inline instead of on a worker
    schema = scratch("legacy-c")
    expected = legacy_synth(acts=120, seed=2, out=tmp_path, formats=("csv", "xlsx"))
    monkeypatch.setattr(tasks.legacy_import_task, "delay", lambda **kw: tasks.legacy_import_task(**kw))
    client = console_client(operator)
    page = "/communes/legacy-c/legacy-import/"
    assert client.get(page).status_code == 200
    # when the operator uploads the files and the mapping
    uploads = [SimpleUploadedFile(p.name, p.read_bytes()) for p in export_files(tmp_path)]
    mapping = SimpleUploadedFile("mapping.yaml", (tmp_path / "mapping.yaml").read_bytes())
    response = client.post(page, {"files": uploads, "mapping": mapping})
    # then the run's page follows the import, and its progress endpoint gives the totals and the reports
    assert response.status_code == 302
    run = LegacyImportRun.objects.get(slug="legacy-c")
    assert response["Location"] == f"{page}{run.pk}/"
    assert client.get(response["Location"]).status_code == 200
    progress = client.get(f"{page}{run.pk}/progress/").json()
    assert progress["status"] == "done", progress["error"]
    assert progress["totals"] == expected["totals"]
    assert sorted(progress["reports"]) == ["duplicates.csv", "rejects.csv", "report.json"]
    report = client.get(progress["reports"]["report.json"])
    assert report.status_code == 200
    assert json.loads(b"".join(report.streaming_content))["totals"] == expected["totals"]
    rejects = client.get(progress["reports"]["rejects.csv"])
    lines = b"".join(rejects.streaming_content).decode().splitlines()
    assert lines[0].startswith("file,line,legacy_id,reason")
    with schema_context(schema):
        assert Act.objects.count() == expected["acts_imported"]


def test_console_import_is_for_operators_only(scratch: Callable[[str], str], operator: Any) -> None:
    support = make_user("legacy-support", operator=False)
    client = console_client(support)
    assert client.get("/communes/fes/legacy-import/").status_code == 403
    assert console_client(operator).get("/communes/nowhere/legacy-import/").status_code == 404
