"""Settings read from the environment, with one clear sentence when one is wrong.

Every entry point (the `jamaa` CLI, gunicorn, Celery, pytest) imports the settings module, which calls
:func:`load`. A missing or malformed value raises :class:`ConfigError`; the settings module turns it into a
one-line message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JAMAA_VAR_DIR", REPO_ROOT / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_HOST_RE = re.compile(r"^(?=.{1,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class ConfigError(Exception):
    """A setting from the environment is missing or malformed."""


@dataclass(frozen=True)
class Config:
    debug: bool
    secret_key: str
    database_url: str
    redis_url: str | None
    sentry_dsn: str | None
    base_domain: str
    embedded_database: bool
    https: bool
    # The role that owns the tables, for migrations and provisioning (ADR 0003); "" = DATABASE_URL's role.
    database_owner_url: str = ""


def parse_bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}.")


def parse_database_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in {"postgres", "postgresql", "postgis"}:
        raise ConfigError(
            f"DATABASE_URL must be a postgresql:// URL (for example "
            f"postgresql://user@127.0.0.1:5432/jamaa); got {raw!r}."
        )
    if not parts.path.strip("/"):
        raise ConfigError(f"DATABASE_URL must name a database after the host (…/jamaa); got {raw!r}.")
    if not parts.hostname and "host=" not in parts.query:
        raise ConfigError(f"DATABASE_URL must name a host or a socket folder (?host=/path); got {raw!r}.")
    return raw


def parse_owner_url(raw: str | None, database_url: str) -> str:
    """DATABASE_OWNER_URL: the owner role's URL, "" when unset or the same as DATABASE_URL."""
    if raw is None or not raw.strip() or raw.strip() == database_url:
        return ""
    if not database_url:
        raise ConfigError("DATABASE_OWNER_URL needs DATABASE_URL (the application role's URL) beside it.")
    try:
        return parse_database_url(raw.strip())
    except ConfigError as exc:
        raise ConfigError(str(exc).replace("DATABASE_URL", "DATABASE_OWNER_URL", 1)) from None


def parse_redis_url(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"redis", "rediss", "unix"}:
        raise ConfigError(f"REDIS_URL must be a redis:// URL (for example redis://127.0.0.1:6379/0); got {raw!r}.")
    return raw.strip()


def parse_base_domain(raw: str | None) -> str:
    value = (raw or "localhost").strip().lower()
    if not _HOST_RE.match(value):
        raise ConfigError(f"JAMAA_BASE_DOMAIN must be a host name such as communes.ma; got {raw!r}.")
    return value


def parse_sentry_dsn(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"http", "https"} or not parts.username or not parts.path.strip("/"):
        raise ConfigError(f"SENTRY_DSN must look like https://KEY@sentry.example.org/42; got {raw!r}.")
    return raw.strip()


def _dev_secret_key() -> str:
    """A per-checkout key for DEBUG runs, kept in var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load(environ: os._Environ[str] | dict[str, str] | None = None) -> Config:
    env = os.environ if environ is None else environ
    debug = parse_bool("DEBUG", env.get("DEBUG"), default=False)
    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if not debug:
            raise ConfigError("SECRET_KEY is not set; set it (50 random characters) or run with DEBUG=1.")
        secret_key = _dev_secret_key()
    elif len(secret_key) < 32 and not debug:
        raise ConfigError("SECRET_KEY is too short; use at least 32 random characters.")
    raw_db = env.get("DATABASE_URL")
    embedded = raw_db is None or not raw_db.strip()
    database_url = "" if embedded else parse_database_url(raw_db.strip())  # type: ignore[union-attr]
    return Config(
        debug=debug,
        secret_key=secret_key,
        database_url=database_url,
        redis_url=parse_redis_url(env.get("REDIS_URL")),
        sentry_dsn=parse_sentry_dsn(env.get("SENTRY_DSN")),
        base_domain=parse_base_domain(env.get("JAMAA_BASE_DOMAIN")),
        embedded_database=embedded,
        https=parse_bool("JAMAA_HTTPS", env.get("JAMAA_HTTPS"), default=not debug),
        database_owner_url=parse_owner_url(env.get("DATABASE_OWNER_URL"), database_url),
    )
