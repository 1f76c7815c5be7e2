"""`jamaa legacy import` on a generated export with every kind of dirt, in UTF-8, Windows-1256, Latin-1 and XLSX:
counts reconcile, each rejection has its reason, duplicates are paired, Hijri dates convert, a re-run and a
resumed run add nothing, a dry run writes nothing, and the acts are signed, immutable and searchable."""

from __future__ import annotations

import csv
import json
import multiprocessing
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import billiard
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import search, selectors
from jamaa.modules.etatcivil.models import Act, ActStatus, Bureau, MarginalNote, Register
from jamaa.modules.etatcivil.models_search import NameKey
from jamaa.platform.db_guards import chain_verify
from jamaa.provisioning.legacy import importer
from jamaa.provisioning.legacy.importer import REASONS, ImportResult, LegacyImportError, legacy_import

from .conftest import export_files

SLUG = "legacy-t"


@dataclass
class Runs:
    schema: str
    dry: ImportResult
    first: ImportResult
    again: ImportResult
    expected: dict[str, Any]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def runs(scratch: Callable[[str], str], export: tuple[Path, dict[str, Any]], tmp_path_factory: Any) -> Runs:
    """A dry run, the import, and the same import again, into one scratch commune."""
    out, expected = export
    schema = scratch(SLUG)
    reports = tmp_path_factory.mktemp("legacy-reports")
    files = export_files(out)

    def run(name: str, **kw: Any) -> ImportResult:
        return legacy_import(slug=SLUG, mapping_path=out / "mapping.yaml", files=files, report_dir=reports / name, **kw)

    dry = run("dry", dry_run=True)
    with schema_context(schema):
        nothing = (Act.objects.count(), MarginalNote.objects.count(), Register.objects.count(), Bureau.objects.count())
    assert nothing == (0, 0, 0, 0)
    # the first import takes the bulk path (secondary indexes and foreign keys dropped, then rebuilt) and reads
    # its files in two worker processes (the dry run and the re-run read them in this one)
    before = _act_table_definitions(schema)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer.common, "BULK_MIN_ROWS", 0)
        patch.setattr(importer.common, "PARALLEL_MIN_BYTES", 0)
        first = run("first")
    assert _act_table_definitions(schema) == before
    assert "rebuild_indexes" in first.phases
    assert (dry.read_processes, first.read_processes) == (1, 2)
    again = run("again")
    return Runs(schema, dry, first, again, expected)


def _act_table_definitions(schema: str) -> tuple[list[Any], list[Any]]:
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = 'etatcivil_act' ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'etatcivil_act'::regclass"
            " ORDER BY 1"
        )
        return indexes, cursor.fetchall()


def test_counts_reconcile_per_file_and_register(runs: Runs) -> None:
    # given a generated export whose fate of every row is known
    report, expected = runs.first.report, runs.expected
    # then the totals are the expected ones, and read = imported + rejected + duplicates everywhere
    assert report["totals"] == expected["totals"]
    assert {f["file"]: f["read"] for f in report["files"]} == expected["read"]
    for group in report["files"] + [r for f in report["files"] for r in f["registers"]] + report["registers"]:
        assert group["read"] == group["imported"] + group["rejected"] + group["duplicates"], group
    assert sorted(f["encoding"] for f in report["files"]) == sorted(
        ["utf-8", "windows-1256", "windows-1256", "latin-1", "xlsx"]
    )
    saved = json.loads((runs.first.report_dir / "report.json").read_text(encoding="utf-8"))
    assert saved["totals"] == expected["totals"]
    assert report["probable_duplicates"] == expected["probable_duplicates"]
    flags = report["flags"]
    for flag in ("latin_missing", "parents_missing", "arabic_in_latin_column", "title_in_name",
                 "place_before_merger", "event_date:hijri_differs_1_2_days", "event_date:date_year_only",
                 "event_date:date_from_hijri"):  # fmt: skip
        assert flags.get(flag, 0) > 0, flag


def test_each_rejection_carries_its_reason(runs: Runs) -> None:
    report = runs.first.report
    assert report["reasons"] == runs.expected["reasons"]
    rejects = _rows(runs.first.report_dir / "rejects.csv")
    assert len(rejects) == report["totals"]["rejected"]
    assert Counter(r["reason"] for r in rejects) == Counter(runs.expected["reasons"])
    for row in rejects:
        assert row["reason"] in REASONS and row["message"], row
        json.loads(row["row"])  # the row as it was read
    by_reason = {r["reason"]: r for r in rejects}
    assert "outside the converter's range" in by_reason["HIJRI_OUT_OF_RANGE"]["message"]
    assert "probably reads" in by_reason["MOJIBAKE"]["message"]
    assert by_reason["NOTE_ORPHAN"]["file"] == "mentions_ar.csv"


def test_duplicates_are_paired_with_the_act_kept(runs: Runs) -> None:
    rows = _rows(runs.first.report_dir / "duplicates.csv")
    skipped = [r for r in rows if r["action"] == "skipped"]
    assert len(skipped) == runs.first.report["totals"]["duplicates"]
    assert Counter(r["match"] for r in skipped) == Counter(runs.expected["duplicates"])
    assert sum(1 for r in rows if r["match"] == "probable") == runs.expected["probable_duplicates"]
    with schema_context(runs.schema):
        kept = {a.pk: a for a in Act.objects.filter(pk__in=[int(r["kept_id"]) for r in skipped])}
        for row in skipped:
            act = kept[int(row["kept_id"])]
            assert (act.source_file, str(act.source_row)) == (row["kept_file"], row["kept_line"])
            assert act.number == int(json.loads(row["row"])["num_acte"])


def test_hijri_dates_convert_to_the_right_gregorian_day(runs: Runs) -> None:
    checks = runs.expected["hijri_only"]
    assert checks
    with schema_context(runs.schema):
        for check in checks:
            act = Act.objects.get(source_file=check["file"], source_row=check["line"])
            assert act.event_date.isoformat() == check["event_date"]
            assert "event_date:date_from_hijri" in act.source_values["flags"]


def test_imported_acts_are_signed_historical_acts(runs: Runs) -> None:
    with schema_context(runs.schema):
        assert Act.objects.count() == runs.expected["acts_imported"]
        assert Act.objects.exclude(status=ActStatus.SIGNED).count() == 0
        assert MarginalNote.objects.count() == runs.expected["notes_imported"]
        assert MarginalNote.objects.exclude(text_fr="").exists()
        act = Act.objects.filter(source_file="naissances_annexe.csv").order_by("pk").first()
        assert act is not None and act.legacy_id and act.source_row and act.source_values["encoding"] == "windows-1256"
        assert act.source_values["row"]["num_acte"] == str(act.number)
        # registers' counters are at the highest imported number
        for register in Register.objects.all():
            top = max(register.acts.values_list("number", flat=True), default=0)
            assert register.last_number == top
        # immutable like any signed act, even in SQL
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            Act.objects.filter(pk=act.pk).update(given_name_ar="تغيير")
        # historical numbers passed the numbering guards (owner role, bulk import) and every act is in its
        # register's tamper-evidence chain
        assert not Act.objects.filter(chain_hash__isnull=True).exists()
        chains = chain_verify()
        assert chains.broken is None and chains.tables["etatcivil_act"] == runs.expected["acts_imported"]
        # in the statistics like any other act
        stats = selectors.statistics(year=2000)
        assert sum(n for _y, _k, n in stats.acts_by_year_kind) == runs.expected["acts_imported"]


def test_imported_registers_are_chained_in_number_order_and_a_tampered_act_is_found(runs: Runs) -> None:
    with schema_context(runs.schema):
        # given the imported registers: each act was written once, already sealed, its link at its rank by number
        for register in Register.objects.filter(acts__isnull=False).distinct():
            links = list(register.acts.order_by("number").values_list("chain_seq", flat=True))
            assert links == list(range(1, len(links) + 1))
        assert chain_verify().broken is None
        act = Act.objects.filter(number__gt=1).order_by("register_id", "number").first()
        assert act is not None
        # when one imported act is changed behind the guards' back (the owner role, triggers off)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("UPDATE etatcivil_act SET given_name_ar = given_name_ar || 'ي' WHERE id = %s", [act.pk])
            cursor.execute("SET LOCAL session_replication_role = origin")
            report = chain_verify()
            transaction.set_rollback(True)
        # then the platform's own verification names that act
        assert report.broken is not None
        assert (report.broken.table, report.broken.row_id) == ("etatcivil_act", act.pk)
        assert report.broken.problem == "its content or its link does not match its hash"
        # and, the change rolled back, the chains verify again
        assert chain_verify().broken is None


def test_an_imported_act_is_found_by_a_misspelled_latin_name(runs: Runs) -> None:
    # given an imported act of the El Alaoui family with a Latin given name
    with schema_context(runs.schema):
        act = (
            Act.objects.filter(family_key_lat=search.lat_key("El Alaoui"), given_name_fr__regex=r"^[A-Za-z]")
            .order_by("pk")
            .first()
        )
        assert act is not None
        # when an agent types the family name as "Alawi"
        hits = search.search_acts(text=f"{act.given_name_fr} Alawi", limit=50)
        # then the act is found
        assert act.pk in [h.act_id for h in hits]


def test_rerun_imports_nothing_new(runs: Runs) -> None:
    totals = runs.again.report["totals"]
    assert totals["read"] == runs.expected["totals"]["read"]
    assert totals["imported"] == 0
    assert totals["rejected"] == runs.expected["totals"]["rejected"]
    matches = runs.again.report["duplicate_matches"]
    assert matches["already_imported"] == runs.expected["totals"]["imported"]
    with schema_context(runs.schema):
        assert Act.objects.count() == runs.expected["acts_imported"]
        assert MarginalNote.objects.count() == runs.expected["notes_imported"]


def test_reading_in_worker_processes_changes_no_outcome(runs: Runs) -> None:
    # the dry run read in one process, the first import in two: same rows, same verdicts, same rejects
    for key in ("files", "registers", "reasons", "duplicate_matches", "probable_duplicates", "flags", "totals"):
        assert runs.first.report[key] == runs.dry.report[key], key
    assert (runs.first.report_dir / "rejects.csv").read_bytes() == (runs.dry.report_dir / "rejects.csv").read_bytes()
    first = [r[:7] + r[8:] for r in csv.reader((runs.first.report_dir / "duplicates.csv").open(encoding="utf-8"))]
    dry = [r[:7] + r[8:] for r in csv.reader((runs.dry.report_dir / "duplicates.csv").open(encoding="utf-8"))]
    assert first == dry and len(first) > 1  # (kept ids are only known after a real run)


def test_a_source_error_in_a_worker_process_stops_the_run(
    scratch: Callable[[str], str], export: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    # given a births file that is not the encoding the mapping declares, read by a worker process
    out, _expected = export
    scratch("legacy-w")
    broken = tmp_path / "naissances_broken.csv"
    data = (out / "naissances_bc.csv").read_bytes()
    cut = data.index(b"\n", 20_000)  # past the first decoded block: the header reads, a later row does not
    broken.write_bytes(data[:cut] + data[cut:].replace(b"\n", b"\n\xff\xfe", 5))
    (tmp_path / "naissances_ok.csv").write_bytes(data)
    mapping = (out / "mapping.yaml").read_text(encoding="utf-8").replace("encoding: auto", "encoding: utf-8", 1)
    (tmp_path / "mapping.yaml").write_text(mapping, encoding="utf-8")
    error = r"naissances_broken\.csv line \d+: not utf-8"
    with pytest.MonkeyPatch.context() as patch, pytest.raises(LegacyImportError, match=error):
        patch.setattr(importer.common, "PARALLEL_MIN_BYTES", 0)
        files = [broken, tmp_path / "naissances_ok.csv"]
        legacy_import(slug="legacy-w", mapping_path=tmp_path / "mapping.yaml", files=files, report_dir=tmp_path / "r")
    # then nothing was imported and no staging table is left
    with schema_context("legacy_w"):
        assert Act.objects.count() == 0
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
                           ["legacy_stage_%"])  # fmt: skip
            assert cursor.fetchone()[0] == 0


def _forget_parent_connections() -> None:
    """In a forked pool process: drop the parent's database sockets unused (Django opens its own)."""
    for conn in connections.all(initialized_only=True):
        conn.connection = None


def _dry_run_in_pool_process(out: str, report: str) -> tuple[bool, int, dict[str, int]]:
    importer.common.PARALLEL_MIN_BYTES = 0  # (this process's copy of the module)
    result = legacy_import(slug="legacy-c", mapping_path=Path(out) / "mapping.yaml", files=export_files(Path(out)),
                           report_dir=Path(report), dry_run=True)  # fmt: skip
    return multiprocessing.current_process().daemon, result.read_processes, result.report["totals"]


def test_an_import_inside_a_celery_pool_process_still_reads_in_workers(
    scratch: Callable[[str], str], export: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    # given the console's path: the import runs in a Celery prefork pool process, which the standard library
    # takes for a daemon that may not fork
    # (and whose process still lists some child of the standard library's, as a pytest or Celery process may)
    out, expected = export
    scratch("legacy-c")
    bystander = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,), daemon=True)
    bystander.start()
    try:
        with billiard.Pool(1, initializer=_forget_parent_connections) as pool:
            daemonic, processes, totals = pool.apply(_dry_run_in_pool_process, (str(out), str(tmp_path / "r")))
    finally:
        bystander.terminate()
        bystander.join()
    # then it still reads in two processes (billiard's), with the same outcome
    assert daemonic and processes == 2
    assert totals == expected["totals"]


def test_dry_run_reports_the_same_and_writes_nothing(runs: Runs) -> None:
    # (the fixture checked that the registry was empty after the dry run)
    assert runs.dry.report["dry_run"] is True
    assert runs.dry.report["totals"] == runs.expected["totals"]
    assert runs.dry.report["reasons"] == runs.expected["reasons"]
    assert (runs.dry.report_dir / "rejects.csv").is_file() and (runs.dry.report_dir / "duplicates.csv").is_file()


def test_a_killed_run_resumes_without_duplicates(
    scratch: Callable[[str], str], export: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    # given an import committing per batch, killed after its first batch
    out, expected = export
    schema = scratch("legacy-k")
    files = export_files(out)

    def kill(batch: int) -> None:
        if batch == 1:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        legacy_import(slug="legacy-k", mapping_path=out / "mapping.yaml", files=files, report_dir=tmp_path / "1",
                      commit_every=300, after_batch=kill)  # fmt: skip
    with schema_context(schema):
        partial = Act.objects.count()
    assert 0 < partial < expected["acts_imported"]
    # when it is started again
    result = legacy_import(slug="legacy-k", mapping_path=out / "mapping.yaml", files=files, report_dir=tmp_path / "2",
                           commit_every=300)  # fmt: skip
    # then every act is in once, and the rows of the first batch count as already imported
    totals = result.report["totals"]
    assert totals["read"] == expected["totals"]["read"]
    assert totals["rejected"] == expected["totals"]["rejected"]
    assert totals["imported"] + result.report["duplicate_matches"]["already_imported"] == expected["totals"]["imported"]
    with schema_context(schema):
        assert Act.objects.count() == expected["acts_imported"]
        assert MarginalNote.objects.count() == expected["notes_imported"]
        assert chain_verify().broken is None  # the batches committed before and after the kill chain on
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
                ["legacy_stage_%"],
            )
            assert cursor.fetchone()[0] == 0


def _registry(schema: str) -> list[tuple[Any, ...]]:
    """Every act of a commune by its register and number, as its content (not ids or times), with its link."""
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            """SELECT b.code, r.kind, r.year, a.number, a.chain_seq, a.status, a.event_date, a.drawn_up_on, a.sex,
                      a.given_name_ar, a.family_name_ar, a.given_name_fr, a.family_name_fr, a.legacy_id,
                      a.source_file, a.source_row, a.source_values::text, a.given_key_ar, a.family_key_lat
            FROM etatcivil_act a JOIN etatcivil_register r ON r.id = a.register_id
            JOIN etatcivil_bureau b ON b.id = r.bureau_id ORDER BY 1, 2, 3, 4"""
        )
        return cursor.fetchall()


def _counters(schema: str) -> dict[tuple[str, str, int], tuple[int, int]]:
    """Each register's counter and its acts' highest number (0 without acts)."""
    with schema_context(schema), connection.cursor() as cursor:
        cursor.execute(
            """SELECT b.code, r.kind, r.year, r.last_number, coalesce(max(a.number), 0)
            FROM etatcivil_register r JOIN etatcivil_bureau b ON b.id = r.bureau_id
            LEFT JOIN etatcivil_act a ON a.register_id = r.id GROUP BY 1, 2, 3, 4"""
        )
        return {(c, k, y): (n, top) for c, k, y, n, top in cursor.fetchall()}


def test_acts_inserted_by_sessions_side_by_side_are_the_same_acts(
    runs: Runs, scratch: Callable[[str], str], export: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    # given the same export imported by two sessions, each register in a transaction of its own
    out, _expected = export
    schema = scratch("legacy-p")
    files = export_files(out)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer.common, "SESSION_BATCH_MIN_ROWS", 1)  # (batches of about a sixteenth of the acts)
        result = legacy_import(slug="legacy-p", mapping_path=out / "mapping.yaml", files=files,
                               report_dir=tmp_path / "p", sessions=2)  # fmt: skip
    assert result.report["totals"]["imported"] > 0
    # then the report is the one-transaction import's, and so is every act, its content and its link
    for key in ("files", "registers", "reasons", "duplicate_matches", "probable_duplicates", "flags", "totals"):
        assert result.report[key] == runs.first.report[key], key
    assert _registry(schema) == _registry(runs.schema)
    assert all(counter == top for counter, top in _counters(schema).values())
    with schema_context(schema):
        assert MarginalNote.objects.count() == runs.expected["notes_imported"]
        assert chain_verify().broken is None
        assert NameKey.objects.count() > 0
    # and running it again imports nothing new
    again = legacy_import(slug="legacy-p", mapping_path=out / "mapping.yaml", files=files, report_dir=tmp_path / "q",
                          sessions=2)  # fmt: skip
    assert again.report["totals"]["imported"] == 0
    assert again.report["duplicate_matches"]["already_imported"] == runs.expected["totals"]["imported"]


def test_a_killed_run_with_sessions_keeps_whole_registers_and_resumes(
    runs: Runs, scratch: Callable[[str], str], export: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    # given an import by two sessions, in batches of whole registers, killed once it has committed five batches
    out, expected = export
    schema = scratch("legacy-pk")
    files = export_files(out)

    def kill(committed: int) -> None:
        if committed == 5:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt), pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer.common, "SESSION_BATCH_MIN_ROWS", 1)
        legacy_import(slug="legacy-pk", mapping_path=out / "mapping.yaml", files=files, report_dir=tmp_path / "1",
                      sessions=2, after_batch=kill)  # fmt: skip
    # then each register is all in or not at all: its acts are those of the uninterrupted import or none, its
    # counter at its highest number, its chain whole
    full: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in _registry(runs.schema):
        full.setdefault(row[:3], []).append(row)
    kept: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for row in _registry(schema):
        kept.setdefault(row[:3], []).append(row)
    assert 5 <= len(kept) < len(full)  # (the other session may commit the batch it was on)
    for register, rows in kept.items():
        assert rows == full[register], register
    assert all(counter == top for counter, top in _counters(schema).values())
    with schema_context(schema):
        assert chain_verify().broken is None
        partial = Act.objects.count()
    # when it is started again
    result = legacy_import(slug="legacy-pk", mapping_path=out / "mapping.yaml", files=files,
                           report_dir=tmp_path / "2", sessions=2)  # fmt: skip
    # then every act is in once, the committed registers' rows counted as already imported
    totals = result.report["totals"]
    assert totals["read"] == expected["totals"]["read"]
    assert totals["read"] == totals["imported"] + totals["rejected"] + totals["duplicates"]
    assert result.report["duplicate_matches"]["already_imported"] == partial
    assert totals["imported"] + partial == expected["totals"]["imported"]
    assert _registry(schema) == _registry(runs.schema)
    with schema_context(schema):
        assert MarginalNote.objects.count() == expected["notes_imported"]
        assert chain_verify().broken is None


def test_sessions_and_commit_every_are_refused_together(
    runs: Runs, export: tuple[Path, dict[str, Any]], tmp_path: Path, django_db_blocker: Any
) -> None:
    out, _expected = export
    with django_db_blocker.unblock(), pytest.raises(LegacyImportError, match="choose one commit mode"):
        legacy_import(slug=SLUG, mapping_path=out / "mapping.yaml", files=export_files(out), report_dir=tmp_path,
                      sessions=2, commit_every=100)  # fmt: skip
    with django_db_blocker.unblock(), pytest.raises(LegacyImportError, match="sessions must be 1 or more"):
        legacy_import(slug=SLUG, mapping_path=out / "mapping.yaml", files=export_files(out), report_dir=tmp_path,
                      sessions=0)  # fmt: skip


def test_a_bad_mapping_or_commune_stops_before_anything(scratch: Any, export: tuple[Path, Any], tmp_path: Path) -> None:
    out, _expected = export
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: jamaa-legacy-mapping/1\nbureaux: {}\ntables: []\n", encoding="utf-8")
    with pytest.raises(LegacyImportError, match="bureaux"):
        legacy_import(slug=SLUG, mapping_path=bad, files=export_files(out), report_dir=tmp_path / "r")
    with pytest.raises(LegacyImportError, match="no commune"):
        legacy_import(slug="nowhere", mapping_path=out / "mapping.yaml", files=export_files(out), report_dir=tmp_path)


def test_cli_synth_then_dry_run_import(scratch: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("legacy", "synth", "--acts", "60", "--seed", "5", "--out", str(tmp_path / "x"), "--formats", "csv",
                 "--rate", "duplicate=0.1")  # fmt: skip
    expected = json.loads((tmp_path / "x" / "expected.json").read_text(encoding="utf-8"))
    files = [str(p) for p in export_files(tmp_path / "x")]
    with pytest.raises(CommandError, match="--workers must be 1 or more"):
        call_command("legacy", "import", "--commune", SLUG, "--mapping", str(tmp_path / "x" / "mapping.yaml"), *files,
                     "--report", str(tmp_path / "r"), "--workers", "0")  # fmt: skip
    with pytest.raises(CommandError, match="choose one commit mode"):
        call_command("legacy", "import", "--commune", SLUG, "--mapping", str(tmp_path / "x" / "mapping.yaml"), *files,
                     "--report", str(tmp_path / "r"), "--sessions", "2", "--commit-every", "10")  # fmt: skip
    # (into a commune that already holds acts from files of these names, each much longer: they look cut short)
    with pytest.raises(CommandError, match=r"naissances_\w+\.csv looks truncated: it holds \d+ rows, \d+ acts were"):
        call_command("legacy", "import", "--commune", SLUG, "--mapping", str(tmp_path / "x" / "mapping.yaml"), *files,
                     "--report", str(tmp_path / "r"), "--dry-run", "--workers", "1")  # fmt: skip
    call_command("legacy", "import", "--commune", SLUG, "--mapping", str(tmp_path / "x" / "mapping.yaml"), *files,
                 "--report", str(tmp_path / "r"), "--dry-run", "--workers", "1", "--accept-truncated")  # fmt: skip
    # (the new rows whose numbers are taken count as duplicates)
    out = capsys.readouterr().out
    assert "WARNING: naissances_annexe.csv looks truncated" in out and "names as decoded: " in out
    totals = json.loads(out.strip().splitlines()[-1])
    assert totals["read"] == expected["totals"]["read"] and totals["rejected"] == expected["totals"]["rejected"]
    assert (
        totals["imported"] + totals["duplicates"] == expected["totals"]["imported"] + expected["totals"]["duplicates"]
    )


def test_cli_import_with_sessions(scratch: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # given a small export and a new commune
    call_command("legacy", "synth", "--acts", "200", "--seed", "7", "--out", str(tmp_path / "x"), "--formats", "csv")
    expected = json.loads((tmp_path / "x" / "expected.json").read_text(encoding="utf-8"))
    schema = scratch("legacy-cli")
    files = [str(p) for p in export_files(tmp_path / "x")]
    # when it is imported by two sessions from the command line
    call_command("legacy", "import", "--commune", "legacy-cli", "--mapping", str(tmp_path / "x" / "mapping.yaml"),
                 *files, "--report", str(tmp_path / "r"), "--sessions", "2")  # fmt: skip
    # then everything the generator expects came in, sealed in unbroken chains
    totals = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert totals == expected["totals"]
    with schema_context(schema):
        assert Act.objects.count() == expected["acts_imported"]
        assert chain_verify().broken is None
