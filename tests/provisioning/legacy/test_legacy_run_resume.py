"""A console import whose worker dies: real Celery workers (Redis broker), the process running the import killed
with SIGKILL mid-import. The task is acknowledged late, so a lost pool process gives the message back and the
next delivery takes the run over once its heartbeat is stale; a whole worker lost leaves the run "stalled" (console
and CLI) until an operator resumes it. Either way the run ends with the totals of an uninterrupted import, each act
once, and no staging table left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import psutil
import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil.models import Act, MarginalNote, Register
from jamaa.platform.core.models import AuditEvent
from jamaa.provisioning import tasks
from jamaa.provisioning.legacy import importer, runs
from jamaa.provisioning.legacy.synth import legacy_synth
from jamaa.provisioning.models import LegacyImportRun, LegacyImportStatus
from tests.conftest import REPO, subprocess_env
from tests.console.test_console_views import console_client, delete_platform_users, make_user

from .conftest import export_files

STALLED_AFTER_S = 3


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> str:
    """A private queue (other runs on the same Redis cannot take its messages), used by start and resume."""
    name = f"test-legacy-{uuid.uuid4().hex[:8]}"
    monkeypatch.setattr(
        tasks.legacy_import_task, "delay", lambda **kw: tasks.legacy_import_task.apply_async(kwargs=kw, queue=name)
    )
    monkeypatch.setattr(settings, "LEGACY_IMPORT_STALLED_AFTER_S", STALLED_AFTER_S)
    return name


@pytest.fixture
def workers(queue: str) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []

    def start(pool: str) -> subprocess.Popen[bytes]:
        log = open(Path(REPO) / "var" / f"test-legacy-worker-{len(started)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "jamaa.platform.cli", "worker", f"--pool={pool}", "--concurrency=1", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=REPO,
            env=subprocess_env(JAMAA_LEGACY_STALLED_AFTER_S=str(STALLED_AFTER_S)),
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            for child in psutil.Process(proc.pid).children(recursive=True):
                child.kill()
            proc.kill()
        proc.wait(30)


@pytest.fixture
def hold() -> Iterator[Callable[[str], _RegistersHeld]]:
    held: list[_RegistersHeld] = []

    def make(schema: str) -> _RegistersHeld:
        held.append(_RegistersHeld(schema))
        return held[-1]

    yield make
    for lock in held:
        lock.release()


@pytest.fixture
def operator(scratch: Callable[[str], str]) -> Iterator[Any]:
    user = make_user("legacy-resume-op", operator=True)
    yield user
    connection.set_schema_to_public()
    LegacyImportRun.objects.filter(slug__in=["legacy-r1", "legacy-r2"]).delete()
    delete_platform_users(username_prefix="legacy-resume-")


def _start(client: Any, slug: str, out: Path) -> LegacyImportRun:
    uploads = [SimpleUploadedFile(p.name, p.read_bytes()) for p in export_files(out)]
    mapping = SimpleUploadedFile("mapping.yaml", (out / "mapping.yaml").read_bytes())
    response = client.post(f"/communes/{slug}/legacy-import/", {"files": uploads, "mapping": mapping})
    assert response.status_code == 302
    return LegacyImportRun.objects.get(slug=slug)


def _wait(run_id: int, until: Callable[[LegacyImportRun], bool], what: str, timeout: float = 180) -> LegacyImportRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = LegacyImportRun.objects.get(pk=run_id)
        if until(run):
            return run
        time.sleep(0.02)
    raise AssertionError(f"run {run_id}: {what} did not happen in time (see var/test-legacy-worker-*.log)")


class _RegistersHeld:
    """Another session holds the commune's register table: the import stops inside its transaction (validation),
    where the test kills its process; released afterwards, the dead session's statement ends and rolls back."""

    def __init__(self, schema: str) -> None:
        self.conn = psycopg2.connect(**importer.dsn())
        with self.conn.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{schema}".etatcivil_register IN ACCESS EXCLUSIVE MODE')

    def wait_for_the_import(self, run_id: int) -> LegacyImportRun:
        run = _wait(run_id, lambda r: r.status == LegacyImportStatus.RUNNING and r.phase == "validate", "validation")
        deadline = time.monotonic() + 60
        with self.conn.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                               [f'"{run.slug.replace("-", "_")}".etatcivil_register'])  # fmt: skip
                if cursor.fetchone()[0]:
                    return run
                time.sleep(0.05)
        raise AssertionError("the import never waited for the register table")

    def release(self) -> None:
        if not self.conn.closed:
            self.conn.rollback()
            self.conn.close()


def _assert_same_result_as_uninterrupted(run: LegacyImportRun, schema: str, expected: dict[str, Any]) -> None:
    assert run.status == LegacyImportStatus.DONE, run.error
    assert run.totals == expected["totals"]
    report = runs.legacy_import_run_progress(run_id=run.pk)
    assert sorted(report.reports) == ["duplicates.csv", "rejects.csv", "report.json"]
    with schema_context(schema):
        assert Act.objects.count() == expected["acts_imported"]
        assert MarginalNote.objects.count() == expected["notes_imported"]
        assert not Register.objects.filter(acts__isnull=True).exists()  # no empty register left by the dead run
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'legacy_stage_%'"
            )
            assert cursor.fetchone()[0] == 0


@pytest.mark.worker
def test_a_lost_pool_process_gives_the_import_back_and_it_ends_as_uninterrupted(
    scratch: Callable[[str], str], operator: Any, workers: Callable[[str], Any], hold: Any, tmp_path: Path
) -> None:
    # given an import started from the console on a prefork worker
    schema = scratch("legacy-r1")
    expected = legacy_synth(acts=2500, seed=7, out=tmp_path, formats=("csv",))
    run = _start(console_client(operator), "legacy-r1", tmp_path)
    held = hold(schema)
    worker = workers("prefork")
    # when the pool process running it is killed mid-import (inside its transaction)
    running = held.wait_for_the_import(run.pk)
    pool = psutil.Process(worker.pid).children()
    assert len(pool) == 1
    os.kill(pool[0].pid, signal.SIGKILL)
    time.sleep(0.5)
    held.release()
    with schema_context(schema):
        assert Act.objects.count() == 0  # its transaction never committed
    # then the message comes back (acks_late, reject_on_worker_lost), the new delivery waits for the heartbeat to
    # go stale, takes the run over and finishes it
    done = _wait(run.pk, lambda r: r.status in (LegacyImportStatus.DONE, LegacyImportStatus.FAILED), "the end")
    assert running.attempts == 1 and done.attempts == 2
    _assert_same_result_as_uninterrupted(done, schema, expected)
    assert worker.poll() is None


@pytest.mark.worker
def test_a_lost_worker_leaves_a_stalled_run_that_an_operator_resumes(
    scratch: Callable[[str], str], operator: Any, workers: Callable[[str], Any], hold: Any, tmp_path: Path
) -> None:
    # given an import started from the console on a worker that runs it in its own process
    schema = scratch("legacy-r2")
    expected = legacy_synth(acts=2500, seed=8, out=tmp_path, formats=("csv",))
    client = console_client(operator)
    run = _start(client, "legacy-r2", tmp_path)
    held = hold(schema)
    first = workers("solo")
    page = f"/communes/legacy-r2/legacy-import/{run.pk}/"
    # when the whole worker is killed mid-import (inside its transaction)
    held.wait_for_the_import(run.pk)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    held.release()
    # then, once its heartbeat is older than the threshold, the run shows as stalled on the console and in the CLI
    time.sleep(STALLED_AFTER_S + 1)
    assert LegacyImportRun.objects.get(pk=run.pk).status == LegacyImportStatus.RUNNING
    assert client.get(f"{page}progress/").json()["status"] == "stalled"
    html = client.get(page).content.decode()
    assert 'id="run-resume"' in html and 'id="run-stalled" class="alert alert-warning">' in html
    listing = StringIO()
    call_command("legacy", "runs", "--commune", "legacy-r2", stdout=listing)
    assert f"#{run.pk} legacy-r2 stalled" in listing.getvalue()
    assert f"jamaa legacy resume {run.pk}" in listing.getvalue()
    with schema_context(schema):
        assert (Act.objects.count(), Register.objects.count()) == (0, 0)
    # when the operator resumes it and a worker is running again
    response = client.post(f"{page}resume/")
    assert response.status_code == 302
    assert LegacyImportRun.objects.get(pk=run.pk).status == LegacyImportStatus.QUEUED
    assert AuditEvent.objects.filter(action="legacy_import.resumed", target_id=str(run.pk)).count() == 1
    workers("solo")
    # then the import ends with the totals of an uninterrupted run
    done = _wait(run.pk, lambda r: r.status in (LegacyImportStatus.DONE, LegacyImportStatus.FAILED), "the end")
    _assert_same_result_as_uninterrupted(done, schema, expected)
    assert done.attempts == 2
    # and a finished run cannot be resumed
    client.post(f"{page}resume/")
    assert LegacyImportRun.objects.get(pk=run.pk).status == LegacyImportStatus.DONE
