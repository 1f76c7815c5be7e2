"""The newcomer's and operator's commands: `make demo PORT=…`, `jamaa … --help` without a database, and
`make clean-embedded` stopping the embedded PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
JAMAA = Path(sys.executable).parent / "jamaa"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _env_without_database(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DATABASE_OWNER_URL")}
    env.update(DEBUG="1", JAMAA_VAR_DIR=str(var_dir))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def test_make_demo_takes_a_port_and_the_readme_says_so() -> None:
    out = subprocess.run(
        ["make", "-n", "demo", "PORT=8123"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert "jamaa demo --port 8123" in out
    default = subprocess.run(["make", "-n", "demo"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert "jamaa demo" in default and "--port" not in default
    assert "make demo PORT=" in (REPO / "README.md").read_text(encoding="utf-8")


def test_demo_help_does_not_start_the_embedded_database(tmp_path: Path) -> None:
    proc = subprocess.run(
        [str(JAMAA), "demo", "--help"], env=_env_without_database(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "--port" in proc.stdout
    assert not (tmp_path / "pg").exists()  # no cluster made, no server started


def test_clean_embedded_stops_the_embedded_server(tmp_path: Path) -> None:
    env = _env_without_database(tmp_path)
    # started by a process that ends without its exit handlers, as a demo stopped by a kill does
    start = "import os; from jamaa.platform import embedded_db; embedded_db.ensure_running(); os._exit(0)"
    subprocess.run([sys.executable, "-c", start], env=env, check=True, capture_output=True, timeout=300)
    pid_file = tmp_path / "pg" / "postmaster.pid"
    pid = int(pid_file.read_text().split()[0])
    assert _alive(pid)
    try:
        # what `make clean-embedded` runs before removing the folder
        stop = "from jamaa.platform import embedded_db; print(embedded_db.stop())"
        out = subprocess.run([sys.executable, "-c", stop], env=env, check=True, capture_output=True, text=True)
        assert out.stdout.strip() == "True"
        deadline = time.monotonic() + 10  # the postmaster exits just after it removed its pid file
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid)
        assert not pid_file.exists()
    finally:
        if _alive(pid):
            os.kill(pid, 15)
