"""`jamaa legacy synth|import`: generate a legacy civil-registry export, import one into a commune."""

from __future__ import annotations

import dataclasses
import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jamaa.platform.errors import DomainError
from jamaa.provisioning.legacy import runs
from jamaa.provisioning.legacy.importer import LegacyImportError, iter_report_lines, legacy_import
from jamaa.provisioning.legacy.synth import Rates, legacy_synth
from jamaa.provisioning.models import LegacyImportRun


class Command(BaseCommand):
    help = "Legacy civil-registry migration: generate realistic exports, import exports into a commune."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        synth = sub.add_parser("synth", help="Write a synthetic legacy export with its mapping file.")
        synth.add_argument("--acts", type=int, default=10_000)
        synth.add_argument("--seed", type=int, default=1)
        synth.add_argument("--out", required=True, help="folder to write the files into")
        synth.add_argument("--formats", default="csv,xlsx", help="csv,xlsx (default) or csv: deaths as CSV too")
        synth.add_argument(
            "--note-variants",
            action="store_true",
            help="also notes keyed by (year, number) with no bureau, authority or document, and by legacy id",
        )
        synth.add_argument(
            "--rate",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a defect's rate, e.g. duplicate=0.03 (names: "
            + ", ".join(f.name for f in dataclasses.fields(Rates))
            + ")",
        )
        imp = sub.add_parser("import", help="Import legacy files into a commune's civil registry.")
        imp.add_argument("--commune", required=True, help="the commune's slug")
        imp.add_argument("--mapping", required=True, help="the mapping file (YAML, docs/legacy-import.md)")
        imp.add_argument("files", nargs="+", help="the exported files (CSV, XLSX)")
        imp.add_argument("--report", required=True, help="folder for report.json, rejects.csv, duplicates.csv")
        imp.add_argument("--dry-run", action="store_true", help="validate and write the reports, import nothing")
        imp.add_argument(
            "--commit-every",
            type=int,
            default=None,
            metavar="ROWS",
            help="commit per batch of about ROWS acts (whole registers) instead of all at once",
        )
        imp.add_argument(
            "--sessions",
            type=int,
            default=1,
            metavar="N",
            help="insert and seal the acts in N connections side by side, in transactions of whole registers "
            "(all or nothing per register; run the same command again to resume a killed run). Default 1: the "
            "whole import in one transaction",
        )
        imp.add_argument(
            "--workers",
            type=int,
            default=2,
            metavar="N",
            help="processes reading the files at once (default 2)",
        )
        imp.add_argument(
            "--accept-truncated",
            action="store_true",
            help="import a file that looks cut short (its last row, final newline or size) instead of refusing it; "
            "the report warns",
        )
        listing = sub.add_parser("runs", help="The console's imports: status (a dead worker's run shows stalled).")
        listing.add_argument("--commune", default=None, help="only this commune's runs")
        listing.add_argument("--limit", type=int, default=20)
        resume = sub.add_parser("resume", help="Queue a stalled console import again (its worker died).")
        resume.add_argument("run", type=int, help="the run's number (jamaa legacy runs)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "synth":
            self._synth(opts)
        elif opts["action"] == "runs":
            self._runs(opts)
        elif opts["action"] == "resume":
            self._resume(opts)
        else:
            self._import(opts)

    def _runs(self, opts: dict[str, Any]) -> None:
        for run in runs.legacy_import_runs(slug=opts["commune"], limit=opts["limit"]):
            beat = run.heartbeat_at.isoformat(timespec="seconds") if run.heartbeat_at else "-"
            totals = " ".join(f"{k}={v}" for k, v in run.totals.items())
            hint = f"  (resume: jamaa legacy resume {run.id})" if run.stalled else ""
            dry = " dry-run" if run.dry_run else ""
            self.stdout.write(f"#{run.id} {run.slug} {run.status}{dry} phase={run.phase or '-'} heartbeat={beat}"
                              f" attempts={run.attempts} {totals}{hint}".rstrip())  # fmt: skip

    def _resume(self, opts: dict[str, Any]) -> None:
        try:
            run = runs.legacy_import_run_resume(run_id=opts["run"], actor_label="cli")
        except LegacyImportRun.DoesNotExist:
            raise CommandError(f"no legacy import run {opts['run']}") from None
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(f"#{run.id} {run.slug} queued again")

    def _synth(self, opts: dict[str, Any]) -> None:
        rates = Rates()
        names = {f.name for f in dataclasses.fields(Rates)}
        for item in opts["rate"]:
            name, _, value = item.partition("=")
            if name not in names:
                raise CommandError(f"unknown rate {name!r}: one of {', '.join(sorted(names))}")
            try:
                setattr(rates, name, float(value))
            except ValueError:
                raise CommandError(f"--rate {item}: the value must be a number") from None
        formats = tuple(f.strip() for f in opts["formats"].split(",") if f.strip())
        out = Path(opts["out"])
        expected = legacy_synth(
            acts=opts["acts"], seed=opts["seed"], out=out, rates=rates, formats=formats,
            note_variants=opts["note_variants"],
        )  # fmt: skip
        for name in sorted(p.name for p in out.iterdir()):
            self.stdout.write(f"  {out / name}")
        t = expected["totals"]
        self.stdout.write(
            f"{expected['acts']:,} acts written ({t['read']:,} rows with notes and dirt); an import should read "
            f"{t['read']:,}, import {t['imported']:,}, reject {t['rejected']:,}, find {t['duplicates']:,} duplicates."
        )
        self.stdout.write(f"Import it: jamaa legacy import --commune SLUG --mapping {out / 'mapping.yaml'} "
                          f"{out}/*.csv {out}/*.xlsx --report {out / 'report'}")  # fmt: skip

    def _import(self, opts: dict[str, Any]) -> None:
        if opts["workers"] < 1:
            raise CommandError("--workers must be 1 or more")
        if opts["sessions"] < 1:
            raise CommandError("--sessions must be 1 or more")
        if opts["sessions"] > 1 and opts["commit_every"] is not None:
            raise CommandError(
                "choose one commit mode: --sessions N (transactions of whole registers) or --commit-every"
            )
        bars: dict[str, tqdm[Any]] = {}

        def progress(phase: str, done: int, total: int) -> None:
            bar = bars.get(phase)
            if bar is None:
                for other in bars.values():
                    other.close()
                bar = bars[phase] = tqdm(total=total, desc=phase, unit="row" if phase in ("read", "insert") else "step",
                                         disable=None, file=self.stderr._out)  # fmt: skip
            bar.total = max(total, done)
            bar.n = done
            bar.refresh()

        try:
            result = legacy_import(
                slug=opts["commune"],
                mapping_path=opts["mapping"],
                files=[Path(f) for f in opts["files"]],
                report_dir=Path(opts["report"]),
                dry_run=opts["dry_run"],
                progress=progress,
                commit_every=opts["commit_every"],
                workers=opts["workers"],
                sessions=opts["sessions"],
                accept_truncated=opts["accept_truncated"],
            )
        except LegacyImportError as exc:
            raise CommandError(str(exc)) from None
        finally:
            for bar in bars.values():
                bar.close()
        for line in iter_report_lines(result.report):
            self.stdout.write(line)
        rate = result.report["totals"]["read"] / result.seconds if result.seconds else 0
        self.stdout.write(f"in {result.seconds:.1f}s ({rate:,.0f} rows/s); reports in {result.report_dir}/")
        self.stdout.write(json.dumps(result.report["totals"]))
