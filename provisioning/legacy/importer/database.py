"""The run's steps in the database: validation, registers, the acts inserted sealed, notes."""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jamaa.modules.etatcivil.models import Act, Bureau, MarginalNote, Register
from jamaa.platform import db_guards
from jamaa.platform.db import is_citus

from ..mapping import ACT_HIJRI_TEXT_FIELDS, ACT_TEXT_FIELDS
from . import common
from .base import _RunBase
from .common import _LINE_MASK, SEALING_TABLE, _row_order, _sql_str
from .copying import SessionPool
from .rows import _NOTE_INCOMPLETE


class _DbSteps(_RunBase):
    # --------------------------------------------------------------------------------------------- validate

    def validate_acts(self) -> None:
        started = time.perf_counter()
        # octet_length() reads the value's header, length() counts its characters: a value cannot have more
        # characters than bytes, so the count only runs for the few values long in bytes.
        longest = " ".join(
            f"WHEN octet_length({f}) > {n} AND length({f}) > {n} THEN 'FIELD_TOO_LONG:{f}'"
            for f, n in {**ACT_TEXT_FIELDS, **ACT_HIJRI_TEXT_FIELDS}.items()
        )
        # Impossible years and dates: after the day of the import, or before the bureau's first register.
        today = timezone.localdate()
        first = self._first_register_year()
        # Each WHEN is a predicate that is TRUE for a bad row; NULLs are folded with coalesce or IS NOT TRUE, so
        # a row never escapes both the import and the rejects.
        verdict = f"""CASE
            WHEN pre_reason IS NOT NULL THEN pre_reason
            WHEN bureau_code IS NULL THEN 'UNKNOWN_BUREAU'
            WHEN kind IS NULL THEN 'UNKNOWN_KIND'
            WHEN (year BETWEEN 1900 AND 2200) IS NOT TRUE THEN 'BAD_YEAR'
            WHEN year > {today.year} OR year < {first} THEN 'YEAR_IMPOSSIBLE'
            WHEN (number >= 1) IS NOT TRUE THEN 'BAD_NUMBER'
            WHEN mojibake IS NOT NULL THEN 'MOJIBAKE'
            WHEN (btrim(given_name_ar) <> '' AND btrim(family_name_ar) <> '') IS NOT TRUE THEN 'MISSING_ARABIC_NAME'
            WHEN sex IS NULL THEN 'UNKNOWN_CODE:sex'
            WHEN 'bad' IN (coalesce(event_status, 'bad'), coalesce(drawn_status, 'bad')) THEN 'BAD_DATE'
            WHEN 'hijri_range' IN (event_status, drawn_status) THEN 'HIJRI_OUT_OF_RANGE'
            WHEN 'conflict' IN (event_status, drawn_status) THEN 'DATE_CONFLICT'
            WHEN (event_date > DATE '{today}') IS TRUE OR (drawn_up_on > DATE '{today}') IS TRUE
                THEN 'DATE_AFTER_IMPORT'
            WHEN (event_date > drawn_up_on) IS TRUE THEN 'EVENT_AFTER_DRAWN_UP'
            {longest}
        END"""
        # Reason and message in one pass (the message's expressions run for the rejected rows only).
        code = f"split_part({verdict}, ':', 1)"
        self._exec(
            f"""UPDATE {self.acts} SET reason = {code},
                message = CASE {code}
                    WHEN 'ROW_MALFORMED' THEN pre_message
                    WHEN 'UNKNOWN_BUREAU' THEN 'bureau ' || quote_literal(bureau_src) || ' is not in the mapping'
                    WHEN 'MOJIBAKE' THEN mojibake
                    WHEN 'UNKNOWN_CODE' THEN 'sex: unknown code'
                    WHEN 'FIELD_TOO_LONG' THEN split_part({verdict}, ':', 2) || ' is longer than the registry allows'
                    WHEN 'BAD_DATE' THEN concat_ws('; ',
                        CASE WHEN event_status = 'bad' THEN 'event date: ' || event_detail END,
                        CASE WHEN drawn_status = 'bad' THEN 'drawn up on: ' || drawn_detail END)
                    WHEN 'HIJRI_OUT_OF_RANGE' THEN concat_ws('; ',
                        CASE WHEN event_status = 'hijri_range' THEN 'event date: ' || event_detail END,
                        CASE WHEN drawn_status = 'hijri_range' THEN 'drawn up on: ' || drawn_detail END)
                    WHEN 'DATE_CONFLICT' THEN concat_ws('; ',
                        CASE WHEN event_status = 'conflict' THEN 'event date: ' || event_detail END,
                        CASE WHEN drawn_status = 'conflict' THEN 'drawn up on: ' || drawn_detail END)
                    WHEN 'EVENT_AFTER_DRAWN_UP' THEN 'event ' || event_date || ' after drawn up ' || drawn_up_on
                    WHEN 'YEAR_IMPOSSIBLE' THEN 'register year ' || year || CASE WHEN year > {today.year}
                        THEN ' is after the current year ({today.year})'
                        ELSE ' is before the first register of the bureau (' || {first} || ')' END
                    WHEN 'DATE_AFTER_IMPORT' THEN concat_ws('; ',
                        CASE WHEN event_date > DATE '{today}' THEN 'event ' || event_date END,
                        CASE WHEN drawn_up_on > DATE '{today}' THEN 'drawn up ' || drawn_up_on END)
                        || ' after the day of the import ({today})'
                    ELSE NULL END
            WHERE ({verdict}) IS NOT NULL"""
        )
        # Rows keyed twice in this run: the first by file and line is kept. Grouped by hash aggregate, not sorted
        # (a window over a million rows sorts them all); the keys of accepted rows are never NULL.
        # min() of "file|line|hash" (fixed widths) is the first row's place and fingerprint in one aggregate.
        first = "lpad(file_no::text, 10, '0') || lpad(line::text, 10, '0') || hash"
        self._exec_hashed(
            f"""UPDATE {self.acts} s SET dup_file = g.kf, dup_line = g.kl,
                dup_kind = CASE WHEN s.hash = g.kh THEN 'exact' ELSE 'same_number' END
            FROM (SELECT *, substr(first, 1, 10)::int AS kf, substr(first, 11, 10)::int AS kl, substr(first, 21) AS kh
                  FROM (SELECT bureau_code, kind, year, number, min({first} COLLATE "C") AS first FROM {self.acts}
                        WHERE reason IS NULL GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) x) g
            WHERE s.reason IS NULL AND s.bureau_code = g.bureau_code AND s.kind = g.kind AND s.year = g.year
              AND s.number = g.number AND (s.file_no, s.line) <> (g.kf, g.kl)"""
        )
        # Rows whose (bureau, kind, year, number) is already in the registry. From the same file and line: the
        # same row again (already imported) unless its content changed since (acts imported before the row hash
        # existed compare by their fingerprint).
        self._exec(
            f"""UPDATE {self.acts} s SET dup_id = a.id,
                dup_kind = CASE WHEN a.source_file = f.name AND a.source_row = s.line THEN
                                    CASE WHEN coalesce(a.source_values ->> 'row_hash' = s.row_hash,
                                                       a.source_values ->> 'hash' = s.hash) IS TRUE
                                         THEN 'already_imported' ELSE 'changed' END
                                WHEN a.source_values ->> 'hash' = s.hash THEN 'exact' ELSE 'same_number' END
            FROM {Act._meta.db_table} a
            JOIN {Register._meta.db_table} r ON r.id = a.register_id
            JOIN {Bureau._meta.db_table} b ON b.id = r.bureau_id,
            (SELECT * FROM unnest(%s::int[], %s::text[]) AS u(file_no, name)) f
            WHERE f.file_no = s.file_no AND s.reason IS NULL AND s.dup_kind IS NULL
              AND b.code = s.bureau_code AND r.kind = s.kind AND r.year = s.year AND a.number = s.number""",
            self._file_names(),
        )
        self._timed("validate", started)

    def _first_register_year(self) -> str:
        """SQL: the first register year of a staged row's bureau (the mapping's, else 1900: no bound)."""
        default = self.mapping.first_register_year or 1900
        whens = " ".join(
            f"WHEN {_sql_str(b.code)} THEN {b.first_register_year}"
            for b in self.mapping.bureaux.values()
            if b.first_register_year
        )
        return f"(CASE bureau_code {whens} ELSE {default} END)" if whens else str(default)

    def _file_names(self) -> list[list[Any]]:
        return [list(range(1, len(self.sources) + 1)), [s.name for s, _t in self.sources]]

    def registers(self) -> None:
        """The registers the accepted rows go into (created unless dry-run); closed ones reject their rows."""
        started = time.perf_counter()
        wanted = self._rows(
            f"SELECT DISTINCT bureau_code, kind, year FROM {self.acts} WHERE reason IS NULL AND dup_kind IS NULL"
        )
        bureaux = {b.code: b for b in Bureau.objects.all()}
        specs = {b.code: b for b in self.mapping.bureaux.values()}
        for code in sorted({str(w[0]) for w in wanted} - set(bureaux)):
            if not self.dry_run:
                spec = specs[code]
                bureaux[code] = Bureau.objects.create(
                    code=code, name_fr=spec.name_fr, name_ar=spec.name_ar or spec.name_fr
                )
        reg, bur = Register._meta.db_table, Bureau._meta.db_table
        if not self.dry_run and wanted:
            # One statement for the few hundred registers (a register is only its key and counter).
            self._exec(
                f"""INSERT INTO {reg} (bureau_id, kind, year, last_number)
                SELECT b.id, w.kind, w.year, 0 FROM unnest(%s::text[], %s::text[], %s::int[]) AS w(code, kind, year)
                JOIN {bur} b ON b.code = w.code
                ON CONFLICT (bureau_id, kind, year) DO NOTHING""",
                [list(c) for c in zip(*wanted, strict=True)],
            )
        # Fresh statistics: the registers were often just created, and every join below goes through them.
        self._exec(f"ANALYZE {reg}, {bur}")
        # A closed register rejects its rows (an UPDATE of those rows only: the staging table is wide).
        self._exec(
            f"""UPDATE {self.acts} s SET reason = 'REGISTER_CLOSED',
                message = 'register ' || s.bureau_code || '/' || s.kind || '/' || s.year || ' is closed'
            FROM {reg} r JOIN {bur} b ON b.id = r.bureau_id
            WHERE r.closed_at IS NOT NULL AND s.reason IS NULL AND s.dup_kind IS NULL AND b.code = s.bureau_code
              AND r.kind = s.kind AND r.year = s.year"""
        )
        # Probable duplicates: same person, same day, same parents, another number. Imported, flagged. (Keys are
        # never NULL: the name keys are written as '' when empty.)
        person = ("kind", "given_key_ar", "family_key_ar", "event_date", "father_key", "mother_key")
        self._exec_hashed(
            f"""UPDATE {self.acts} s SET probable_file = g.first >> 32, probable_line = g.first & {_LINE_MASK}
            FROM (SELECT {", ".join(person)}, min({_row_order()}) AS first FROM {self.acts}
                  WHERE reason IS NULL AND dup_kind IS NULL AND event_date IS NOT NULL
                  GROUP BY {", ".join(person)} HAVING count(*) > 1) g
            WHERE s.reason IS NULL AND s.dup_kind IS NULL AND {" AND ".join(f"s.{c} = g.{c}" for c in person)}
              AND {_row_order("s")} <> g.first"""
        )
        self._timed("registers", started)

    # ---------------------------------------------------------------------------------------------- insert

    def _secondary_indexes(self) -> list[tuple[str, str]]:
        rows = self._rows(
            """SELECT ic.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
              -- the chain's index stays: the seal finds each register's last link by it
              AND pg_get_indexdef(i.indexrelid) NOT LIKE '%%chain_seq%%'""",
            [Act._meta.db_table],
        )
        return [(str(a), str(b)) for a, b in rows]

    def _foreign_keys(self) -> list[tuple[str, str]]:
        """The act table's own foreign keys (name, definition), dropped during a bulk load and re-added after."""
        rows = self._rows(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
            " AND contype = 'f' ORDER BY conname",
            [Act._meta.db_table],
        )
        return [(str(a), str(b)) for a, b in rows]

    def insert_acts(self, user_id: int) -> int:
        started = time.perf_counter()
        accepted = self._rows(
            f"SELECT year, count(*) FROM {self.acts} WHERE reason IS NULL AND dup_kind IS NULL GROUP BY year ORDER BY 1"
        )
        total = sum(int(n) for _y, n in accepted)
        if self.dry_run or not total:
            return 0
        if self.sessions > 1:
            return self._insert_in_sessions(user_id, total)
        existing = Act.objects.count()
        # On Citus the indexes stay: each DDL on a distributed schema's table is a distributed command of its own
        # (metadata sync to every node), and the tests cover the insert path with them kept.
        bulk = self.commit_every is None and total >= max(common.BULK_MIN_ROWS, existing) and not is_citus()
        batches: list[tuple[int, int]] = []
        size = self.commit_every or total
        lo, count = None, 0
        for year, n in accepted:
            lo = year if lo is None else lo
            count += int(n)
            if count >= size:
                batches.append((lo, year))
                lo, count = None, 0
        if lo is not None:
            batches.append((lo, accepted[-1][0]))
        now = timezone.now()
        # The acts are first written to a session-local table of the act table's columns (ids drawn from the act
        # table's sequence), then inserted once, each already sealed into its register's chain in number order.
        act_table = Act._meta.db_table
        insert = self._sealing_insert(
            "m.id",
            f"JOIN ({self._register_map()}) m ON m.code = s.bureau_code AND m.kind = s.kind AND m.year = s.year",
            "s.year BETWEEN %s AND %s",
            "m.id, s.number",
        )
        # The registers' counters rise to the highest number inserted (from the staging rows: no RETURNING of a
        # million rows).
        raise_counters = f"""UPDATE {Register._meta.db_table} r SET last_number = t.top
            FROM (SELECT m.id, max(s.number) AS top FROM {self.acts} s
                  JOIN ({self._register_map()}) m ON m.code = s.bureau_code AND m.kind = s.kind AND m.year = s.year
                  WHERE s.reason IS NULL AND s.dup_kind IS NULL AND s.year BETWEEN %s AND %s GROUP BY m.id) t
            WHERE r.id = t.id AND r.last_number < t.top"""
        done = 0
        self.progress("insert", 0, total)

        def batch(number: int, lo_year: int, hi_year: int) -> int:
            # Historical numbers and counters raised in jumps: the guards' bulk-import exemption, which holds only
            # for the owner role (ADR 0003); the acts are then sealed into their registers' chains at once.
            db_guards.bulk_import_begin()
            self._exec(f"CREATE TEMPORARY TABLE {SEALING_TABLE} (LIKE {act_table} INCLUDING DEFAULTS) ON COMMIT DROP")
            self._exec(insert, [user_id, now, now, *self._file_names(), lo_year, hi_year])
            t_seal = time.perf_counter()
            inserted = db_guards.chain_insert_sealed(act_table, SEALING_TABLE, "s.number")
            self._timed("seal_chains", t_seal)
            self._exec(f"DROP TABLE {SEALING_TABLE}")
            self._exec(raise_counters, [lo_year, hi_year])
            return inserted

        if self.commit_every is not None:
            # One transaction per batch of registers: a killed run keeps what it committed; the next run counts
            # those rows as already imported (their provenance matches) and goes on with the rest.
            for number, (lo_year, hi_year) in enumerate(batches, start=1):
                with transaction.atomic():
                    done += batch(number, lo_year, hi_year)
                self.progress("insert", done, total)
                if self.after_batch is not None:
                    self.after_batch(number)
        else:
            # All or nothing. In bulk, the secondary indexes are dropped and rebuilt in the same transaction (DDL
            # is transactional: a killed run leaves them as they were).
            with transaction.atomic():
                dropped = self._secondary_indexes() if bulk else []
                foreign = self._foreign_keys() if bulk else []
                if dropped or foreign:
                    # the registers and bureaux created above, in the same transaction, have deferred foreign-key
                    # checks pending: a table with pending trigger events cannot be altered
                    self._exec("SET CONSTRAINTS ALL IMMEDIATE")
                for name, _ddl in foreign:
                    self._exec(f'ALTER TABLE {Act._meta.db_table} DROP CONSTRAINT "{name}"')
                for name, _ddl in dropped:
                    self._exec(f'DROP INDEX "{name}"')
                for number, (lo_year, hi_year) in enumerate(batches, start=1):
                    done += batch(number, lo_year, hi_year)
                    self.progress("insert", done, total)
                    if self.after_batch is not None:
                        self.after_batch(number)
                t_index = time.perf_counter()
                if dropped or foreign:
                    # Django's foreign keys are deferred: check any pending ones now, an index cannot be built over
                    # pending trigger events.
                    self._exec("SET CONSTRAINTS ALL IMMEDIATE")
                    self._exec("SET LOCAL maintenance_work_mem = '256MB'")
                    for _name, ddl in dropped:
                        self._exec(ddl)
                    # Re-adding a foreign key checks every row in one anti-join, instead of one trigger per row.
                    for name, ddl in foreign:
                        self._exec(f'ALTER TABLE {Act._meta.db_table} ADD CONSTRAINT "{name}" {ddl}')
                    self._timed("rebuild_indexes", t_index)
        self._timed("insert_acts", started)
        return done

    def _sealing_insert(self, register: str, join: str, where: str, order: str) -> str:
        """SQL: the accepted staging rows of `where` into the session's sealing table, as acts of the register
        `register` (SQL) found through `join`, ids drawn from the act table's sequence. Parameters: the user, the
        time twice, the files' numbers and names, then those of `join` and `where`."""
        text_cols = list(ACT_TEXT_FIELDS) + list(ACT_HIJRI_TEXT_FIELDS)
        act_table = Act._meta.db_table
        return f"""
            INSERT INTO {SEALING_TABLE} (id, register_id, kind, number, status, drawn_up_on, event_date, sex,
                {", ".join(text_cols)}, declarant_age, declaration_type, drafted_by_id, drafted_at, signed_at,
                legacy_id, source_file, source_row, source_values,
                given_key_ar, family_key_ar, given_key_lat, family_key_lat)
            SELECT nextval(pg_get_serial_sequence('{act_table}', 'id')), {register}, s.kind, s.number, 'signed',
                s.drawn_up_on, s.event_date, coalesce(s.sex, ''),
                {", ".join(f"coalesce(s.{c}, '')" for c in text_cols)}, s.declarant_age, 'on_time', %s, %s,
                coalesce(s.drawn_up_on::timestamp + interval '12 hours', %s), left(s.legacy_id, 60), f.name, s.line,
                s.raw, s.given_key_ar, s.family_key_ar, s.given_key_lat, s.family_key_lat
            FROM {self.acts} s JOIN unnest(%s::int[], %s::text[]) AS f(file_no, name) ON f.file_no = s.file_no
            {join}
            WHERE s.reason IS NULL AND s.dup_kind IS NULL AND {where}
            ORDER BY {order}"""

    def _insert_in_sessions(self, user_id: int, total: int) -> int:
        """The acts inserted and sealed by `sessions` connections side by side, in transactions of whole
        registers: a register is all in or not at all, a killed run keeps the registers it committed (a re-run
        counts their rows as already imported and does the rest). Batches of registers (largest first, a few per
        session) go to whichever session is free; the sessions share the schema's chain lock (each seals its own
        registers' chains); the act table's indexes stay (a killed run must not leave them dropped)."""
        act_table, reg = Act._meta.db_table, Register._meta.db_table
        # Each register's rows are found by an index on the staging table, not by a scan of all of it.
        self._exec(f"CREATE INDEX ON {self.acts} (bureau_code, kind, year) WHERE reason IS NULL AND dup_kind IS NULL")
        registers = self._rows(
            f"""SELECT m.id, m.code, m.kind, m.year, count(*) FROM {self.acts} s
            JOIN ({self._register_map()}) m ON m.code = s.bureau_code AND m.kind = s.kind AND m.year = s.year
            WHERE s.reason IS NULL AND s.dup_kind IS NULL GROUP BY 1, 2, 3, 4 ORDER BY 5 DESC, 1"""
        )
        # A transaction's fixed costs (the temporary table emptied, the fold's functions, the lock) are paid per
        # batch; several batches per session keep the sessions evenly loaded to the end.
        size = max(common.SESSION_BATCH_MIN_ROWS, total // (self.sessions * 8))
        batches: list[list[tuple[Any, ...]]] = []
        count = 0
        for register in registers:
            if not batches or count >= size:
                batches.append([])
                count = 0
            batches[-1].append(register[:4])
            count += int(register[4])
        now = timezone.now()
        args = [user_id, now, now, *self._file_names()]
        insert = self._sealing_insert("%s", "", "s.bureau_code = %s AND s.kind = %s AND s.year = %s", "s.number")
        raise_counters = f"""UPDATE {reg} r SET last_number = t.top
            FROM (SELECT register_id, max(number) AS top FROM {SEALING_TABLE} GROUP BY 1) t
            WHERE r.id = t.register_id AND r.last_number < t.top"""
        spec = {t.table: t for t in db_guards.chained_tables()}[act_table]
        citus = is_citus()
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('search_path'), current_setting('default_toast_compression')")
            search_path, compression = cursor.fetchone()
        clock = [0.0, 0.0]  # seconds staging the acts, sealing them in: summed over the sessions

        def work(cur: Any, *batch: tuple[Any, ...]) -> int:
            t = time.perf_counter()
            db_guards.bulk_import_begin(cur, citus=citus)
            for register_id, code, kind, year in batch:
                cur.execute(insert, [register_id, *args, code, kind, year])
            t_seal = time.perf_counter()
            inserted = db_guards.chain_insert_sealed(
                act_table, SEALING_TABLE, "s.number", cursor=cur, series_lock=True, spec=spec
            )
            cur.execute(raise_counters)
            clock[0] += t_seal - t
            clock[1] += time.perf_counter() - t_seal
            return inserted

        settings = [("search_path", search_path), ("work_mem", "256MB"), ("default_toast_compression", compression)]
        # the sealing table lives as long as its session and is emptied at each commit
        setup = [f"CREATE TEMPORARY TABLE {SEALING_TABLE} (LIKE {act_table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"]
        done = 0
        self.progress("insert", 0, total)
        started = time.perf_counter()

        def committed(number: int, _batch: tuple[Any, ...], inserted: int) -> None:
            nonlocal done
            done += inserted
            self.progress("insert", done, total)
            if self.after_batch is not None:
                self.after_batch(number)

        try:
            SessionPool(self.dsn, self.sessions, settings, setup).run(work, [tuple(b) for b in batches], committed)
        finally:
            self.phases["insert_session_s"] = round(clock[0], 3)
            self.phases["seal_session_s"] = round(clock[1], 3)
        self._timed("insert_acts", started)
        return done

    @staticmethod
    def _register_map() -> str:
        return (
            f"SELECT r.id, b.code, r.kind, r.year FROM {Register._meta.db_table} r"
            f" JOIN {Bureau._meta.db_table} b ON b.id = r.bureau_id"
        )

    # ------------------------------------------------------------------------------------------------ notes

    def notes_and_texts(self, user_id: int) -> int:
        started = time.perf_counter()
        act, reg, bur = Act._meta.db_table, Register._meta.db_table, Bureau._meta.db_table
        # A note is keyed by its act's register (bureau, year, number), by (year, number) with the act's bureau,
        # or by the act's legacy id (key_mode). Its authority and document may be missing: imported, flagged.
        verdict = """CASE
            WHEN pre_reason IS NOT NULL THEN pre_reason
            WHEN key_mode = 'register' AND bureau_code IS NULL THEN 'UNKNOWN_BUREAU'
            WHEN key_mode <> 'legacy_id' AND (year BETWEEN 1900 AND 2200) IS NOT TRUE THEN 'BAD_YEAR'
            WHEN key_mode <> 'legacy_id' AND (number >= 1) IS NOT TRUE THEN 'BAD_NUMBER'
            WHEN mojibake IS NOT NULL THEN 'MOJIBAKE'
            WHEN kind IS NULL THEN 'UNKNOWN_CODE'
            WHEN (btrim(text_ar) <> '') IS NOT TRUE THEN 'NOTE_INCOMPLETE'
            WHEN (dd_status IN ('ok', 'empty') AND no_status = 'ok') IS NOT TRUE THEN 'BAD_DATE'
            WHEN (length(authority) <= 200 AND length(document_number) <= 60) IS NOT TRUE THEN 'FIELD_TOO_LONG'
        END"""
        self._exec(f"UPDATE {self.notes} SET reason = {verdict} WHERE ({verdict}) IS NOT NULL")
        self._exec(
            f"""UPDATE {self.notes} SET message = CASE reason
                WHEN 'ROW_MALFORMED' THEN pre_message WHEN 'MOJIBAKE' THEN mojibake
                WHEN 'UNKNOWN_BUREAU' THEN 'bureau ' || quote_literal(bureau_src) || ' is not in the mapping'
                WHEN 'UNKNOWN_CODE' THEN 'note kind: unknown code'
                WHEN 'BAD_DATE' THEN concat_ws('; ',
                    CASE WHEN dd_status <> 'ok'
                         THEN 'document date: ' || coalesce(nullif(dd_detail, ''), dd_status) END,
                    CASE WHEN no_status <> 'ok' THEN 'noted on: ' || coalesce(nullif(no_detail, ''), no_status) END)
                END WHERE reason IS NOT NULL"""
        )
        # The act each note annotates: in the registry (imported now or before); in a dry run, also the rows this
        # run would import (negative ids). One statement per key mode, each a plain equi-join; a key matching
        # several acts is ambiguous (rejected), none an orphan.
        candidates = f"""SELECT a.id, b.code AS bureau_code, r.kind, r.year, a.number, a.legacy_id,
                coalesce(a.source_values ->> 'table', '') AS tbl
            FROM {act} a JOIN {reg} r ON r.id = a.register_id JOIN {bur} b ON b.id = r.bureau_id
            WHERE a.status = 'signed'"""
        if self.dry_run:
            candidates += f""" UNION ALL SELECT -{_row_order("s")}, s.bureau_code, s.kind, s.year, s.number,
                left(s.legacy_id, 60), s.raw ->> 'table' FROM {self.acts} s
                WHERE s.reason IS NULL AND s.dup_kind IS NULL"""
        matches = {
            "register": "c.bureau_code = n.bureau_code AND c.year = n.year AND c.number = n.number",
            "number": "c.year = n.year AND c.number = n.number",
            "legacy_id": "c.legacy_id = n.act_legacy_id AND (n.act_table = '' OR c.tbl = n.act_table)",
        }
        modes = {str(m) for (m,) in self._rows(f"SELECT DISTINCT key_mode FROM {self.notes} WHERE reason IS NULL")}
        # On Citus the staging table is a coordinator table and the acts live on a worker: OFFSET 0 makes the
        # matches a subquery planned apart (an intermediate result), so the UPDATE itself stays local.
        apart = " OFFSET 0" if is_citus() else ""
        for mode in sorted(modes):
            self._exec_hashed(
                f"""UPDATE {self.notes} t SET target_id = m.id,
                    reason = CASE WHEN m.n > 1 THEN 'NOTE_AMBIGUOUS' END,
                    message = CASE WHEN m.n > 1 THEN m.n || ' ' || t.act_kind || ' acts match the note''s key' END
                FROM (SELECT n.file_no, n.line, min(c.id) AS id, count(*) AS n
                      FROM {self.notes} n JOIN ({candidates}) c ON c.kind = n.act_kind AND {matches[mode]}
                      WHERE n.reason IS NULL AND n.key_mode = %s GROUP BY 1, 2{apart}) m
                WHERE t.file_no = m.file_no AND t.line = m.line""",
                [mode],
            )
        self._exec(
            f"""UPDATE {self.notes} SET reason = 'NOTE_ORPHAN',
                message = 'no ' || act_kind || ' act ' || CASE key_mode
                    WHEN 'legacy_id' THEN 'with legacy id ' || quote_literal(act_legacy_id)
                    WHEN 'number' THEN number || '/' || year || ' in any bureau'
                    ELSE number || '/' || year || ' in bureau ' || bureau_code END
            WHERE reason IS NULL AND target_id IS NULL"""
        )
        # The same note twice in the run, or already in the registry.
        self._exec(
            f"""UPDATE {self.notes} s SET dup_kind = 'exact', dup_file = d.kf, dup_line = d.kl
            FROM (SELECT file_no, line, row_number() OVER w AS rn,
                         first_value(file_no) OVER w AS kf, first_value(line) OVER w AS kl
                  FROM {self.notes} WHERE reason IS NULL
                  WINDOW w AS (PARTITION BY target_id, kind, text_ar, document_number, noted_on
                               ORDER BY file_no, line)) d
            WHERE d.rn > 1 AND s.file_no = d.file_no AND s.line = d.line"""
        )
        self._exec(
            f"""UPDATE {self.notes} s SET dup_kind = 'already_imported', dup_id = m.id
            FROM {MarginalNote._meta.db_table} m
            WHERE s.reason IS NULL AND s.dup_kind IS NULL AND m.act_id = s.target_id AND m.kind = s.kind
              AND m.text_ar = s.text_ar AND m.document_number = s.document_number AND m.noted_on = s.noted_on
              AND m.document_date IS NOT DISTINCT FROM s.document_date"""
        )
        # French texts follow their Arabic note (first row of each legacy id).
        self._exec(
            f"""UPDATE {self.texts} SET reason = pre_reason, message = pre_message WHERE pre_reason IS NOT NULL;
            UPDATE {self.texts} t SET dup_kind = 'exact', dup_file = d.kf, dup_line = d.kl
            FROM (SELECT file_no, line, row_number() OVER w AS rn,
                         first_value(file_no) OVER w AS kf, first_value(line) OVER w AS kl
                  FROM {self.texts} WHERE reason IS NULL
                  WINDOW w AS (PARTITION BY legacy_id ORDER BY file_no, line)) d
            WHERE d.rn > 1 AND t.file_no = d.file_no AND t.line = d.line;
            UPDATE {self.texts} t SET target_id = 1,
                reason = CASE WHEN n.reason IS NOT NULL THEN 'NOTE_REJECTED' END,
                message = CASE WHEN n.reason IS NOT NULL THEN 'its note (file ' || n.file_no || ' line ' || n.line
                                                             || ') was rejected: ' || n.reason END,
                dup_kind = CASE WHEN n.reason IS NULL THEN n.dup_kind END,
                dup_file = CASE WHEN n.reason IS NULL AND n.dup_kind IS NOT NULL THEN n.dup_file END,
                dup_line = CASE WHEN n.reason IS NULL AND n.dup_kind IS NOT NULL THEN n.dup_line END
            FROM (SELECT DISTINCT ON (legacy_id) * FROM {self.notes} WHERE legacy_id <> ''
                  ORDER BY legacy_id, file_no, line) n
            WHERE t.reason IS NULL AND t.dup_kind IS NULL AND n.legacy_id = t.legacy_id;
            UPDATE {self.texts} SET reason = 'NOTE_TEXT_ORPHAN',
                message = 'no note with legacy id ' || quote_literal(legacy_id)
            WHERE reason IS NULL AND dup_kind IS NULL AND target_id IS NULL"""
        )
        inserted = 0
        if not self.dry_run:
            inserted = self._exec(
                f"""INSERT INTO {MarginalNote._meta.db_table} (act_id, kind, text_ar, text_fr, authority,
                    document_number, document_date, officer_id, noted_on, created_at, source_incomplete)
                SELECT n.target_id, n.kind, n.text_ar, coalesce(nullif(btrim(n.text_fr), ''), t.text_fr, ''),
                       n.authority, n.document_number, n.document_date, %s, n.noted_on, now(), {_NOTE_INCOMPLETE}
                FROM {self.notes} n
                LEFT JOIN (SELECT DISTINCT ON (legacy_id) legacy_id, text_fr FROM {self.texts}
                           WHERE reason IS NULL AND dup_kind IS NULL ORDER BY legacy_id, file_no, line) t
                       ON n.legacy_id <> '' AND t.legacy_id = n.legacy_id
                WHERE n.reason IS NULL AND n.dup_kind IS NULL
                ORDER BY n.file_no, n.line""",
                [user_id],
            )
        self._timed("notes", started)
        return inserted
