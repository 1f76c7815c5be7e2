"""Tasks run in the schema of the commune that sent them: a real Redis, a real worker process."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from jamaa.platform.core.tasks import current_schema
from jamaa.provisioning import services
from jamaa.tenants.models import CommuneStatus
from jamaa.tenants.scheduler import CommuneScheduler
from tests.conftest import REPO, SharedCommune, subprocess_env


def wait_for(result: Any, worker: subprocess.Popen[bytes], timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result.ready():
            return result.get()
        assert worker.poll() is None, "the worker exited: see var/test-worker.log"
        time.sleep(0.2)
    raise AssertionError("the task did not run in time: see var/test-worker.log")


@pytest.mark.worker
@pytest.mark.django_db
def test_task_runs_in_the_senders_schema(fes: SharedCommune, meknes: SharedCommune) -> None:
    assert settings.CELERY_TASK_ALWAYS_EAGER is False, "the suite runs tasks through a real Redis"
    queue = f"test-{uuid.uuid4().hex[:8]}"  # a private queue: other runs on the same Redis can't steal it
    log = open(Path(REPO) / "var" / "test-worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jamaa.platform.cli",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=REPO,
        env=subprocess_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        # when Fès and Meknès each send a task
        with schema_context("fes"):
            from_fes = current_schema.apply_async(queue=queue)
        with schema_context("meknes"):
            from_meknes = current_schema.apply_async(queue=queue)
        # then each ran in its sender's schema, in the worker process
        assert wait_for(from_fes, worker) == "fes"
        assert wait_for(from_meknes, worker) == "meknes"
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()


@pytest.mark.django_db
def test_beat_fires_per_commune_jobs_only_in_active_communes(fes: SharedCommune, meknes: SharedCommune) -> None:
    # given Meknès is suspended
    services.commune_status_set(slug="meknes", status=CommuneStatus.SUSPENDED, reason="maintenance")
    # then the scheduler's communes are the active ones only
    schemas = set(CommuneScheduler.get_queryset().values_list("schema_name", flat=True))
    assert "fes" in schemas
    assert "meknes" not in schemas
    # and a per-commune entry is expanded to all (active) communes
    entries = CommuneScheduler._tenant_aware_beat_schedule_to_dict(
        None,
        {"job": {"task": "x", "schedule": 60.0, "tenant_schemas": None}},  # type: ignore[arg-type]
    )
    assert entries["job@__all_tenants_only__"]["options"]["headers"]["_all_tenants_only"] is True
