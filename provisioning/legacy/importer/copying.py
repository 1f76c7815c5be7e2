"""COPY into the staging tables from a writer thread, in chunks."""

from __future__ import annotations

import io
import itertools
import queue
import threading
import time
from collections.abc import Iterable, Iterator
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

    def __init__(self, dsn: dict[str, Any], table: str, columns: Iterable[str]) -> None:
        self.conn = psycopg2.connect(**dsn)
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
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
