"""Settings come from the environment; a bad value stops start-up with one clear sentence."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from jamaa.platform import config

REPO = Path(__file__).resolve().parents[2]


def run_jamaa(env_changes: dict[str, str | None], *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "jamaa.platform.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("mysql://root@localhost/jamaa", "must be a postgresql:// URL"),
        ("postgresql://127.0.0.1:5432", "must name a database"),
        ("not a url", "must be a postgresql:// URL"),
    ],
)
def test_bad_database_url_gives_one_clear_sentence(url: str, fragment: str) -> None:
    # when the CLI starts with a malformed DATABASE_URL
    result = run_jamaa({"DATABASE_URL": url}, "check")
    # then it exits 2 with one line naming the setting, and no traceback
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("jamaa: configuration error: DATABASE_URL")
    assert fragment in lines[0]
    assert "Traceback" not in result.stderr


def test_missing_secret_key_in_production_is_refused() -> None:
    result = run_jamaa({"SECRET_KEY": None, "DEBUG": "0"}, "check")
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_values_are_refused() -> None:
    with pytest.raises(config.ConfigError, match="DEBUG must be one of"):
        config.load({"DEBUG": "maybe", "SECRET_KEY": "x" * 40})
    with pytest.raises(config.ConfigError, match="REDIS_URL must be a redis://"):
        config.load({"SECRET_KEY": "x" * 40, "REDIS_URL": "http://localhost"})
    with pytest.raises(config.ConfigError, match="JAMAA_BASE_DOMAIN"):
        config.load({"SECRET_KEY": "x" * 40, "JAMAA_BASE_DOMAIN": "bad domain!"})
    with pytest.raises(config.ConfigError, match="SENTRY_DSN"):
        config.load({"SECRET_KEY": "x" * 40, "SENTRY_DSN": "nonsense"})


def test_production_defaults_are_safe() -> None:
    cfg = config.load({"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://db.internal/jamaa"})
    assert cfg.debug is False
    assert cfg.https is True  # secure cookies unless told otherwise
    assert cfg.base_domain == "localhost"
    assert cfg.embedded_database is False
    assert cfg.redis_url is None


def test_owner_url_is_optional_checked_and_dropped_when_it_is_the_app_url() -> None:
    base = {"SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://app@db.internal/jamaa"}
    assert config.load(base).database_owner_url == ""
    assert config.load({**base, "DATABASE_OWNER_URL": base["DATABASE_URL"]}).database_owner_url == ""
    owner = "postgresql://owner@db.internal/jamaa"
    assert config.load({**base, "DATABASE_OWNER_URL": owner}).database_owner_url == owner
    with pytest.raises(config.ConfigError, match="DATABASE_OWNER_URL must be a postgresql:// URL"):
        config.load({**base, "DATABASE_OWNER_URL": "mysql://owner@db/jamaa"})
    with pytest.raises(config.ConfigError, match="DATABASE_OWNER_URL needs DATABASE_URL"):
        config.load({"SECRET_KEY": "x" * 40, "DEBUG": "1", "DATABASE_OWNER_URL": owner})


def test_valid_database_url_is_used_as_given() -> None:
    result = run_jamaa(
        {}, "shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    )
    assert result.returncode == 0, result.stderr
    # The URL's path names the database; its query may name a socket folder (the embedded server: ?host=/…/var/pg).
    expected = urlsplit(os.environ["DATABASE_URL"]).path.strip("/") if os.environ.get("DATABASE_URL") else "jamaa"
    assert result.stdout.strip().splitlines()[-1] == expected


def test_embedded_postgres_starts_when_database_url_is_unset(tmp_path: Path) -> None:
    # given no DATABASE_URL and a fresh var folder
    code = (
        "from django.db import connection\n"
        "cur = connection.cursor()\n"
        'cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")\n'
        "cur.execute(\"SELECT current_setting('server_version_num'), show_trgm('فاس')\")\n"
        "version, trigrams = cur.fetchone()\n"
        "print(int(version) // 10000, len(trigrams) > 0)\n"
    )
    env = {"DATABASE_URL": None, "JAMAA_VAR_DIR": str(tmp_path), "DEBUG": "1"}
    try:
        # when the CLI runs, it starts the embedded server (a UTF-8 cluster with pg_trgm) and uses it
        result = run_jamaa(env, "shell", "-c", code)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip().splitlines()[-1] == "18 True"
        # and the next run reuses it
        again = run_jamaa(
            env, "shell", "-c", "from django.db import connection; print(connection.settings_dict['HOST'])"
        )
        assert again.stdout.strip().splitlines()[-1] == str(tmp_path / "pg")
    finally:
        subprocess.run(
            [sys.executable, "-c", "from jamaa.platform import embedded_db; embedded_db.stop()"],
            env={**os.environ, "JAMAA_VAR_DIR": str(tmp_path)},
            cwd=REPO,
            check=False,
            capture_output=True,
        )
