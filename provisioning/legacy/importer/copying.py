"""COPY into the staging tables from a writer thread, in chunks."""

from __future__ import annotations

import io
import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg2
from django.db import connection

from .common import COPY_CHUNK_ROWS, COPY_READ_SIZE


def _timed_chunks(rows: Iterator[tuple[int, list[str]]], clock: list[float]) -> Iterator[list[tuple[int, list[str]]]]:
    """The rows in COPY-sized chunks, the time spent reading them (decoding, CSV parsing) added to clock[0]."""
    while True:
        t = time.perf_counter()
        chunk = list(itertools.islice(rows, COPY_CHUNK_ROWS))
        clock[0] += time.perf_counter() - t
        if not chunk:
            return
        yield chunk


class CopyWriter:
    """Streams text-format COPY chunks into one table from a second connection, in a thread: the caller
    prepares the next chunk while PostgreSQL parses the previous one."""

    def __init__(self, dsn: dict[str, Any], table: str, columns: Iterable[str], options: str = "") -> None:
        self.conn = psycopg2.connect(**dsn)
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN {options}"
        self.queue: queue.Queue[str | None] = queue.Queue(maxsize=4)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            with self.conn.cursor() as cursor:
                while (chunk := self.queue.get()) is not None:
                    if self.error is None:
                        cursor.copy_expert(self.sql, io.StringIO(chunk), size=COPY_READ_SIZE)
            self.conn.commit()
        except BaseException as exc:  # reported to the caller by close()
            self.error = exc
            while self.queue.get() is not None:
                pass

    def write(self, chunk: str) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(chunk)

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self.conn.close()
        if self.error is not None:
            raise self.error


def dsn() -> dict[str, Any]:
    params = dict(connection.get_connection_params())
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return params


class SessionPool:
    """Connections of their own working side by side, one transaction per item. Each session gets `settings`
    (name, value) and runs the `setup` statements once; then `work(cursor, *item)` runs in a session's
    transaction, which commits when it returns, and `done(n, item, result)` runs in the calling thread (n counts
    the commits from 1). An error in a session or in `done` (a killed run) cancels every session's running
    statement, rolls back their open transactions and is raised: what committed stays, each item whole."""

    def __init__(
        self, dsn: dict[str, Any], size: int, settings: list[tuple[str, str]], setup: list[str] | None = None
    ) -> None:
        self.dsn, self.size, self.settings, self.setup = dsn, size, settings, setup or []

    def run(
        self, work: Callable[..., int], items: list[tuple[Any, ...]], done: Callable[[int, tuple[Any, ...], int], None]
    ) -> None:
        pending_items: queue.Queue[tuple[Any, ...]] = queue.Queue()
        for item in items:
            pending_items.put(item)
        results: queue.Queue[tuple[str, tuple[Any, ...], Any]] = queue.Queue()
        stop = threading.Event()
        conns = []
        try:
            for _ in range(min(self.size, len(items))):
                conn = psycopg2.connect(**self.dsn)
                conns.append(conn)
                with conn.cursor() as cursor:
                    for name, value in self.settings:
                        cursor.execute("SELECT set_config(%s, %s, false)", [name, value])
                    for statement in self.setup:
                        cursor.execute(statement)
                conn.commit()
        except BaseException:
            for conn in conns:
                conn.close()
            raise

        def session(conn: Any) -> None:
            try:
                with conn.cursor() as cursor:
                    while not stop.is_set():
                        try:
                            item = pending_items.get_nowait()
                        except queue.Empty:
                            return
                        try:
                            result = work(cursor, *item)
                            conn.commit()
                        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, which raises it
                            conn.rollback()
                            results.put(("error", item, exc))
                            return
                        results.put(("ok", item, result))
            finally:
                results.put(("end", (), None))

        threads = [threading.Thread(target=session, args=(c,), daemon=True) for c in conns]
        for thread in threads:
            thread.start()
        try:
            ended, number = 0, 0
            while ended < len(threads):
                kind, item, value = results.get()
                if kind == "end":
                    ended += 1
                elif kind == "error":
                    raise value
                else:
                    number += 1
                    done(number, item, value)
        except BaseException:
            stop.set()
            for conn in conns:
                conn.cancel()  # the sessions' running statements fail, their transactions roll back
            raise
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            for conn in conns:
                conn.close()
