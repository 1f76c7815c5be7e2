"""Real exports that break the happy path, generated: a wrong declared encoding, impossible years, marginal notes
keyed as real exports key them, truncated files, a file re-exported with changed rows. Each is refused or
rejected with its reason, nothing is half-imported, and the reports still reconcile."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil.models import Act, Bureau, MarginalNote, Register
from jamaa.provisioning.legacy.importer import ImportResult, LegacyImportError, legacy_import
from jamaa.provisioning.legacy.synth import Rates, legacy_synth

from .conftest import export_files


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _reconciles(report: dict[str, Any]) -> None:
    for group in [report["totals"], *report["files"], *report["registers"]]:
        assert group["read"] == group["imported"] + group["rejected"] + group["duplicates"], group


def _nothing_in(schema: str) -> None:
    with schema_context(schema), connection.cursor() as cursor:
        assert (Act.objects.count(), MarginalNote.objects.count(), Register.objects.count()) == (0, 0, 0)
        assert Bureau.objects.count() == 0
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s",
                       ["legacy_stage_%"])  # fmt: skip
        assert cursor.fetchone()[0] == 0


def _import(slug: str, out: Path, files: list[Path], report: Path, **kw: Any) -> ImportResult:
    return legacy_import(slug=slug, mapping_path=out / "mapping.yaml", files=files, report_dir=report, **kw)


# ------------------------------------------------------------------------------------------------ encoding


def test_a_wrong_declared_encoding_refuses_the_file(scratch: Callable[[str], str], tmp_path: Path) -> None:
    # given a Windows-1256 births file whose mapping declares Latin-1
    schema = scratch("legacy-f1")
    legacy_synth(acts=300, seed=21, out=tmp_path, formats=("csv",))
    mapping = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    (tmp_path / "mapping.yaml").write_text(mapping.replace("encoding: auto", "encoding: latin-1", 1), "utf-8")
    files = [tmp_path / "naissances_annexe.csv"]
    # when it is imported, or dry-run
    for dry_run in (True, False):
        with pytest.raises(LegacyImportError) as refused:
            _import("legacy-f1", tmp_path, files, tmp_path / "r", dry_run=dry_run)
        # then the file is refused, naming the letter soup and the likely encoding, and nothing is imported
        message = str(refused.value)
        assert message.startswith("naissances_annexe.csv: 5 of its 5 Arabic columns hold no Arabic letter"), message
        assert "Latin-1 letter soup" in message and "read as latin-1" in message
        assert "declare `encoding: windows-1256` in the mapping's table 'naissances'" in message
        _nothing_in(schema)


def test_a_workbook_of_letter_soup_is_refused_and_a_dry_run_shows_the_names_as_decoded(
    scratch: Callable[[str], str], tmp_path: Path
) -> None:
    # given a deaths workbook whose Arabic cells were once converted through the wrong code page
    from openpyxl import Workbook, load_workbook

    schema = scratch("legacy-f2")
    legacy_synth(acts=300, seed=22, out=tmp_path)
    good = load_workbook(tmp_path / "deces.xlsx")
    soup = Workbook()
    sheet = soup.active
    for row in good.worksheets[0].iter_rows(values_only=True):
        sheet.append([v.encode("cp1256", "replace").decode("latin-1") if isinstance(v, str) else v for v in row])
    (tmp_path / "soup").mkdir()
    soup.save(tmp_path / "soup" / "deces.xlsx")
    # when it is checked
    with pytest.raises(LegacyImportError, match=r"deces\.xlsx: 5 of its 5 Arabic columns hold no Arabic letter"):
        _import("legacy-f2", tmp_path, [tmp_path / "soup" / "deces.xlsx"], tmp_path / "r", dry_run=True)
    _nothing_in(schema)
    # while the right files' dry run shows a sample of the names as decoded, in Arabic
    dry = _import("legacy-f2", tmp_path, export_files(tmp_path), tmp_path / "dry", dry_run=True)
    samples = {f["file"]: f["sample"] for f in dry.report["files"] if "sample" in f}
    assert set(samples) == {"naissances_bc.csv", "naissances_annexe.csv", "deces.xlsx", "mentions_ar.csv"}
    for names in samples.values():
        assert len(names) == 5 and all(any("\u0621" <= c <= "\u064a" for c in n) for n in names), names
    _nothing_in(schema)


# ------------------------------------------------------------------------------------------- impossible years


def test_impossible_years_are_rejected_and_late_registers_flagged_in_csv_and_xlsx(
    scratch: Callable[[str], str], tmp_path: Path
) -> None:
    # given an export with births and deaths dated 2099, before the commune's first register (1920), after the
    # day of the import, and registered years after the event
    schema = scratch("legacy-f3")
    rates = Rates(future_year=0.03, before_first_register=0.03, after_import=0.03, late_register=0.03)
    expected = legacy_synth(acts=600, seed=23, out=tmp_path, rates=rates)
    # when it is imported
    result = _import("legacy-f3", tmp_path, export_files(tmp_path), tmp_path / "r")
    # then each has its reason code, in the CSV and in the workbook, and the counts reconcile
    report = result.report
    assert (report["reasons"], report["totals"]) == (expected["reasons"], expected["totals"])
    assert report["reasons"] == expected["reasons"]
    _reconciles(report)
    rejects = _rows(tmp_path / "r" / "rejects.csv")
    by_file = Counter((r["file"].split(".")[-1], r["reason"]) for r in rejects)
    for kind in ("csv", "xlsx"):
        assert by_file[(kind, "YEAR_IMPOSSIBLE")] > 0 and by_file[(kind, "DATE_AFTER_IMPORT")] > 0, by_file
    messages = {r["message"] for r in rejects if r["reason"] == "YEAR_IMPOSSIBLE"}
    assert any(m.startswith("register year 2099 is after the current year") for m in messages)
    assert any("is before the first register of the bureau (1920)" in m for m in messages)
    # (the report counts flags on every row read: rows keyed under another act's number carry it too)
    assert report["flags"]["register_year_far_from_event"] >= expected["flags"]["register_year_far_from_event"] > 0
    with schema_context(schema):
        assert not Register.objects.filter(year__gt=2026).exists()
        assert not Register.objects.filter(year__lt=1920).exists()
        late = Act.objects.filter(source_values__flags__contains=["register_year_far_from_event"])
        assert late.count() == expected["flags"]["register_year_far_from_event"]


# ---------------------------------------------------------------------------------------------- marginal notes


def test_notes_keyed_by_year_and_number_or_by_legacy_id_import_and_link(
    scratch: Callable[[str], str], tmp_path: Path
) -> None:
    # given the annexe's notes keyed by (year, number) with no bureau column (a constant in the mapping), no
    # authority or document and the French text beside the Arabic, and the deaths' notes keyed by legacy id
    schema = scratch("legacy-f4")
    expected = legacy_synth(acts=800, seed=24, out=tmp_path, note_variants=True)
    mapping = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    assert 'key: {bureau: {value: "2"}, year: annee, number: num_acte}' in mapping
    # when the export is imported
    result = _import("legacy-f4", tmp_path, export_files(tmp_path), tmp_path / "r")
    # then every note is linked to its act, the incomplete ones flagged, the orphans rejected with their reason
    report = result.report
    assert (report["reasons"], report["totals"]) == (expected["reasons"], expected["totals"])
    assert report["reasons"] == expected["reasons"]
    _reconciles(report)
    files = {f["file"]: f for f in report["files"]}
    assert files["mentions_annexe.csv"]["imported"] > 0 and files["mentions_deces.csv"]["imported"] > 0
    assert report["flags"]["note_source_incomplete"] == expected["flags"]["note_source_incomplete"]
    orphans = [r for r in _rows(tmp_path / "r" / "rejects.csv") if r["reason"] == "NOTE_ORPHAN"]
    assert {r["file"] for r in orphans} >= {"mentions_annexe.csv", "mentions_deces.csv"}
    assert any("with legacy id 'X" in r["message"] for r in orphans)
    with schema_context(schema):
        assert MarginalNote.objects.count() == expected["notes_imported"]
        incomplete = MarginalNote.objects.filter(source_incomplete=True)
        assert incomplete.count() == expected["flags"]["note_source_incomplete"]
        for note in incomplete.select_related("act__register__bureau"):
            # linked to the annexe's act of that year and number, with both texts
            assert note.act.register.bureau.code == "AN1" and note.act.kind == "birth"
            assert (note.authority, note.document_number, note.document_date) == ("", "", None)
            assert note.text_fr.endswith(f"acte n° {note.act.number}/{note.act.register.year}")
        deaths = MarginalNote.objects.filter(act__kind="death").select_related("act")
        assert deaths.exists()
        for note in deaths:
            assert note.authority and not note.source_incomplete


# ----------------------------------------------------------------------------------------------- truncation


def test_a_truncated_csv_is_refused_or_imported_only_when_accepted(
    scratch: Callable[[str], str], tmp_path: Path
) -> None:
    # given a UTF-8 births file cut in the middle of a row, inside an Arabic letter
    schema = scratch("legacy-f5")
    legacy_synth(acts=400, seed=25, out=tmp_path, formats=("csv",))
    data = (tmp_path / "naissances_bc.csv").read_bytes()
    cut = data.index(b"\xd9", data.index(b"\n", len(data) // 2)) + 1
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "naissances_bc.csv").write_bytes(data[:cut])
    files = [tmp_path / "cut" / "naissances_bc.csv"]
    # when it is imported: refused, nothing imported
    with pytest.raises(LegacyImportError, match=r"naissances_bc\.csv looks truncated: its last row has \d+ of the"):
        _import("legacy-f5", tmp_path, files, tmp_path / "r1")
    _nothing_in(schema)
    # and a complete file shorter than the mapping declares is refused too
    mapping = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    whole = data.count(b"\n") - 1
    (tmp_path / "declared").mkdir()
    (tmp_path / "declared" / "mapping.yaml").write_text(
        mapping + f"declared_rows: {{naissances_bc.csv: {whole * 2}}}\n", encoding="utf-8"
    )
    with pytest.raises(LegacyImportError, match=rf"holds {whole} rows, the mapping declares {whole * 2}"):
        _import("legacy-f5", tmp_path / "declared", [tmp_path / "naissances_bc.csv"], tmp_path / "r2")
    _nothing_in(schema)
    # when the operator accepts it: imported, the report warns, the cut row is rejected, the counts reconcile
    result = _import("legacy-f5", tmp_path, files, tmp_path / "r3", accept_truncated=True)
    report = result.report
    assert report["warnings"] == [
        f"naissances_bc.csv looks truncated ({report['files'][0]['truncated']}): imported as it is (accepted)"
    ]
    assert report["files"][0]["truncated"].startswith("its last row has")
    assert report["reasons"]["ROW_MALFORMED"] == 1
    _reconciles(report)
    saved = json.loads((tmp_path / "r3" / "report.json").read_text(encoding="utf-8"))
    assert saved["warnings"] == report["warnings"]
    # and a whole file of that name, much shorter than what was imported from it before, is refused
    lines = data.splitlines(keepends=True)
    (tmp_path / "short").mkdir()
    (tmp_path / "short" / "naissances_bc.csv").write_bytes(b"".join(lines[: len(lines) // 4]))
    with schema_context(schema):
        acts = Act.objects.count()
    imported = report["totals"]["imported"]
    with pytest.raises(
        LegacyImportError,
        match=rf"holds {len(lines) // 4 - 1} rows, {imported} acts were imported from a file of that name before",
    ):
        _import("legacy-f5", tmp_path, [tmp_path / "short" / "naissances_bc.csv"], tmp_path / "r4")
    with schema_context(schema):
        assert Act.objects.count() == acts == imported


def test_a_truncated_workbook_is_refused(scratch: Callable[[str], str], tmp_path: Path) -> None:
    schema = scratch("legacy-f6")
    legacy_synth(acts=200, seed=26, out=tmp_path)
    data = (tmp_path / "deces.xlsx").read_bytes()
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "deces.xlsx").write_bytes(data[: len(data) * 2 // 3])
    for accept in (False, True):
        with pytest.raises(LegacyImportError, match=r"deces\.xlsx: not a readable workbook, probably truncated"):
            _import("legacy-f6", tmp_path, [tmp_path / "cut" / "deces.xlsx"], tmp_path / "r", accept_truncated=accept)
    _nothing_in(schema)


# ------------------------------------------------------------------------------------ changed rows, remarks


def test_a_reexport_with_changed_rows_reports_them_for_review_and_remarks_are_kept(
    scratch: Callable[[str], str], tmp_path: Path
) -> None:
    # given an export imported once
    schema = scratch("legacy-f7")
    expected = legacy_synth(acts=300, seed=27, out=tmp_path, formats=("csv",))
    files = [tmp_path / "naissances_bc.csv"]
    first = _import("legacy-f7", tmp_path, files, tmp_path / "r1")
    with schema_context(schema):
        act = Act.objects.filter(source_file="naissances_bc.csv").order_by("source_row").first()
        assert act is not None
        before = (act.given_name_ar, act.source_values)
        # the OBS column is a remark kept with the act's provenance
        remarks = Act.objects.exclude(source_values__remark=None)
        assert remarks.count() > 0
        assert all(a.source_values["remark"] == a.source_values["row"]["obs"] for a in remarks)
    assert sum(1 for _ in remarks) <= expected["acts_with_remark"]
    # when the same file name comes again with one of its imported rows changed
    lines = (tmp_path / "naissances_bc.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = lines[act.source_row - 1]
    assert act.given_name_ar in row
    lines[act.source_row - 1] = row.replace(act.given_name_ar, "تغيير", 1)
    (tmp_path / "again").mkdir()
    (tmp_path / "again" / "naissances_bc.csv").write_text("".join(lines), encoding="utf-8")
    again = _import("legacy-f7", tmp_path, [tmp_path / "again" / "naissances_bc.csv"], tmp_path / "r2")
    # then that row is reported as changed, for review, not as already imported; the act is untouched
    matches = again.report["duplicate_matches"]
    assert matches["changed"] == 1
    assert matches["already_imported"] == first.report["totals"]["imported"] - 1
    assert again.report["totals"]["imported"] == 0
    _reconciles(again.report)
    review = [r for r in _rows(tmp_path / "r2" / "duplicates.csv") if r["match"] == "changed"]
    assert len(review) == 1 and review[0]["action"] == "review" and review[0]["kept_id"] == str(act.pk)
    with schema_context(schema):
        act.refresh_from_db()
        assert (act.given_name_ar, act.source_values) == before


def test_notes_keyed_by_year_and_number_take_the_bureau_of_their_act(
    scratch: Callable[[str], str], tmp_path: Path
) -> None:
    # given the annexe's notes, mapped once with a constant bureau and once by (year, number) alone
    scratch("legacy-f8")
    schema = scratch("legacy-f9")
    legacy_synth(acts=500, seed=28, out=tmp_path, formats=("csv",), note_variants=True)
    mapping = (tmp_path / "mapping.yaml").read_text(encoding="utf-8")
    (tmp_path / "n").mkdir()
    (tmp_path / "n" / "mapping.yaml").write_text(
        mapping.replace(
            'key: {bureau: {value: "2"}, year: annee, number: num_acte}', "key: {year: annee, number: num_acte}"
        ),
        encoding="utf-8",
    )
    files = [tmp_path / "naissances_annexe.csv", tmp_path / "mentions_annexe.csv"]
    # when each is imported with the annexe's births into its own commune
    constant = _import("legacy-f8", tmp_path, files, tmp_path / "r1")
    by_number = _import("legacy-f9", tmp_path / "n", files, tmp_path / "r2")
    # then both link the same notes (the bureau is the act's)
    assert by_number.report["totals"] == constant.report["totals"]
    notes = {f["file"]: f for f in by_number.report["files"]}["mentions_annexe.csv"]
    assert notes["imported"] > 0 and notes["rejected"] == by_number.report["reasons"].get("NOTE_ORPHAN", 0)

    def linked(slug: str) -> set[tuple[str, int, int, str]]:
        with schema_context(slug.replace("-", "_")):
            return {
                (n.act.register.bureau.code, n.act.register.year, n.act.number or 0, n.text_ar)
                for n in MarginalNote.objects.select_related("act__register__bureau")
            }

    assert linked("legacy-f9") == linked("legacy-f8") and len(linked("legacy-f9")) == notes["imported"]
    # when the other bureau's births are in the registry too, the same (year, number) names two acts
    with schema_context(schema):
        before = MarginalNote.objects.count()
    both = _import("legacy-f9", tmp_path / "n", [tmp_path / "naissances_bc.csv", tmp_path / "mentions_annexe.csv"],
                   tmp_path / "r3")  # fmt: skip
    # then such notes are rejected as ambiguous, never linked to a guess
    assert both.report["reasons"]["NOTE_AMBIGUOUS"] > 0
    ambiguous = [r for r in _rows(tmp_path / "r3" / "rejects.csv") if r["reason"] == "NOTE_AMBIGUOUS"]
    assert all(r["message"] == "2 birth acts match the note's key" for r in ambiguous)
    _reconciles(both.report)
    with schema_context(schema):
        assert MarginalNote.objects.count() == before
