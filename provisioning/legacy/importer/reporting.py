"""The run's report: report.json, rejects.csv and duplicates.csv, all from the staging table."""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from django.utils import timezone

from jamaa.modules.etatcivil.models import Act
from jamaa.platform.core import spreadsheet

from .base import _RunBase
from .common import REASONS, _json, encoding_label
from .rows import _NOTE_INCOMPLETE


class _ReportSteps(_RunBase):
    # ----------------------------------------------------------------------------------------------- report

    def report(self, started_at: dt.datetime) -> dict[str, Any]:
        started = time.perf_counter()
        names = {i: s.name for i, (s, _t) in enumerate(self.sources, start=1)}
        groups: dict[int, dict[tuple[Any, Any, Any], Counter[str]]] = {i: {} for i in names}
        registers: dict[tuple[str, str, int | None], Counter[str]] = {}
        reasons: Counter[str] = Counter()
        dup_matches: Counter[str] = Counter()
        flag_counts: Counter[str] = Counter()
        probable = 0
        # One scan per staging table: every count of the report is a sum over these groups.
        queries = [
            f"""SELECT file_no, bureau_code, kind, year, reason, dup_kind, probable_file IS NOT NULL, flags, count(*)
            FROM {self.acts} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8""",
            f"""SELECT file_no, bureau_code, act_kind, year, reason, dup_kind, false,
                CASE WHEN reason IS NULL AND dup_kind IS NULL AND {_NOTE_INCOMPLETE} THEN 'note_source_incomplete'
                     ELSE '' END, count(*)
            FROM {self.notes} n GROUP BY 1, 2, 3, 4, 5, 6, 8""",
            f"""SELECT file_no, NULL, NULL, NULL::int, reason, dup_kind, false, '', count(*)
            FROM {self.texts} GROUP BY 1, 5, 6""",
        ]
        for sql in queries:
            for file_no, bureau, kind, year, reason, dup_kind, is_probable, flags, n in self._rows(sql):
                outcome = "rejected" if reason is not None else "duplicates" if dup_kind is not None else "imported"
                groups[file_no].setdefault((bureau, kind, year), Counter()).update({"read": n, outcome: n})
                if reason is not None:
                    reasons[str(reason)] += n
                elif dup_kind is not None:
                    dup_matches[str(dup_kind)] += n
                elif is_probable:
                    probable += n
                for flag in flags.split(",") if flags else ():
                    flag_counts[flag] += n
        files = []
        totals: Counter[str] = Counter()
        outcomes = ("read", "imported", "rejected", "duplicates")
        for file_no, (source, table) in enumerate(self.sources, start=1):
            regs = sorted(
                [{"bureau": b, "kind": k, "year": y, **{o: c[o] for o in outcomes}}
                 for (b, k, y), c in groups[file_no].items()],
                key=lambda r: (str(r["kind"]), r["year"] or 0, str(r["bureau"])),
            )  # fmt: skip
            sums = Counter({k: sum(r[k] for r in regs) for k in outcomes})
            totals.update(sums)
            if table.record == "act":
                for r in regs:
                    registers.setdefault((str(r["bureau"]), str(r["kind"]), r["year"]), Counter()).update(
                        {k: r[k] for k in outcomes}
                    )
            facts = self.file_facts.get(file_no, {})
            entry: dict[str, Any] = {"file": source.name, "table": table.name, "record": table.record,
                                     "encoding": encoding_label(source.encoding), **sums,
                                     "registers": regs}  # fmt: skip
            entry.update({k: facts[k] for k in ("sample", "truncated") if k in facts})
            files.append(entry)
        report: dict[str, Any] = {
            "format": "jamaa-legacy-report/1",
            "commune": self.slug,
            "dry_run": self.dry_run,
            "mapping": Path(self.mapping.path).name,
            "started_at": started_at.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "files": files,
            "registers": [
                {"bureau": b, "kind": k, "year": y, **dict(c)}
                for (b, k, y), c in sorted(registers.items(), key=lambda i: (i[0][1], i[0][2] or 0, i[0][0]))
            ],
            "reasons": dict(sorted(reasons.items())),
            "duplicate_matches": dict(sorted(dup_matches.items())),
            "probable_duplicates": int(probable),
            "flags": dict(sorted(flag_counts.items())),
            "warnings": list(self.warnings),
            "totals": {k: int(totals[k]) for k in ("read", "imported", "rejected", "duplicates")},
        }
        assert report["totals"]["read"] == sum(report["totals"][k] for k in ("imported", "rejected", "duplicates"))
        self.write_files(report, names)
        self._timed("report", started)
        report["phases_s"] = self.phases
        (self.report_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
        return report

    def write_files(self, report: dict[str, Any], names: dict[int, str]) -> None:
        self.report_dir.mkdir(parents=True, exist_ok=True)
        act = Act._meta.db_table
        # The act rows the two files list (rejected, duplicate, probable duplicate), in one scan of the staging.
        acts = self._rows(
            f"""SELECT s.file_no, s.line, s.legacy_id, s.reason, s.message, s.dup_kind, s.dup_file, s.dup_line,
                   s.dup_id, s.probable_file, s.probable_line, s.raw, k2.source_file, k2.source_row
            FROM {self.acts} s LEFT JOIN {act} k2 ON k2.id = s.dup_id
            WHERE s.reason IS NOT NULL OR s.dup_kind IS NOT NULL OR s.probable_file IS NOT NULL
            ORDER BY s.file_no, s.line"""
        )
        with (self.report_dir / "rejects.csv").open("w", encoding="utf-8", newline="") as handle:
            out = spreadsheet.writer(handle)  # the operator opens it in a spreadsheet
            out.writerow(["file", "line", "legacy_id", "reason", "message", "row"])
            rejected = [(r[0], r[1], r[2], r[3], r[4], r[11]) for r in acts if r[3] is not None]
            for table in (self.notes, self.texts):
                rejected += self._rows(
                    f"SELECT s.file_no, s.line, s.legacy_id, s.reason, s.message, s.raw FROM {table} s"
                    " WHERE s.reason IS NOT NULL ORDER BY s.file_no, s.line"
                )
            for file_no, line, legacy_id, reason, message, raw in rejected:
                row = self._ordered(file_no, _json(raw)["row"])
                out.writerow([names[file_no], line, legacy_id, reason, message or REASONS.get(reason, ""),
                              json.dumps(row, ensure_ascii=False)])  # fmt: skip
        with (self.report_dir / "duplicates.csv").open("w", encoding="utf-8", newline="") as handle:
            out = spreadsheet.writer(handle)  # the operator opens it in a spreadsheet
            out.writerow(["file", "line", "legacy_id", "match", "action", "kept_file", "kept_line", "kept_id",
                          "row"])  # fmt: skip
            dups: list[tuple[Any, ...]] = [
                (r[0], r[1], r[2], r[5], "review" if r[5] == "changed" else "skipped", r[6], r[7], r[8], r[11],
                 r[12], r[13])
                for r in acts if r[3] is None and r[5] is not None
            ]  # fmt: skip
            dups += [
                (r[0], r[1], r[2], "probable", "imported_flagged", r[9], r[10], None, r[11], None, None)
                for r in acts if r[3] is None and r[5] is None and r[9] is not None
            ]  # fmt: skip
            for table, dup_id in ((self.notes, "s.dup_id"), (self.texts, "NULL::bigint")):
                dups += self._rows(
                    f"""SELECT s.file_no, s.line, s.legacy_id, s.dup_kind, 'skipped', s.dup_file, s.dup_line, {dup_id},
                           s.raw, NULL, NULL
                    FROM {table} s WHERE s.reason IS NULL AND s.dup_kind IS NOT NULL ORDER BY s.file_no, s.line"""
                )
            for file_no, line, legacy_id, match, action, kf, kl, kid, raw, src_file, src_row in dups:
                kept_file = names.get(kf, "") if kf else (src_file or "")
                as_read = json.dumps(self._ordered(file_no, _json(raw)["row"]), ensure_ascii=False)
                kept_id = kid if kid and kid > 0 else ""
                out.writerow([names[file_no], line, legacy_id, match, action, kept_file, kl or src_row or "",
                              kept_id, as_read])  # fmt: skip
        self._fill_kept_ids()

    def _ordered(self, file_no: int, row: dict[str, Any]) -> dict[str, Any]:
        """A raw row with its columns in the file's order (jsonb keeps its own)."""
        header = self.sources[file_no - 1][0].header
        return {**{h: row[h] for h in header if h in row}, **{k: v for k, v in row.items() if k not in header}}

    def _fill_kept_ids(self) -> None:
        """duplicates.csv names the kept act's id when it is in the registry (after a real run)."""
        if self.dry_run:
            return
        path = self.report_dir / "duplicates.csv"
        rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
        wanted = {(r[5], r[6]) for r in rows[1:] if not r[7] and r[5] and r[6]}
        if not wanted:
            return
        found = dict(
            ((str(f), str(line)), int(i))
            for f, line, i in self._rows(
                f"SELECT source_file, source_row, id FROM {Act._meta.db_table}"
                " WHERE (source_file, source_row::text) IN (SELECT * FROM unnest(%s::text[], %s::text[]))",
                [[w[0] for w in wanted], [w[1] for w in wanted]],
            )
        )
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = spreadsheet.writer(handle)  # the operator opens it in a spreadsheet
            out.writerow(rows[0])
            for r in rows[1:]:
                if not r[7] and (r[5], r[6]) in found:
                    r[7] = str(found[(r[5], r[6])])
                out.writerow(r)
