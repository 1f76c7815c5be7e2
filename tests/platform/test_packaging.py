"""The repo's `platform/` folder must never shadow the standard library's `platform`."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_stdlib_platform_works_from_repo_root() -> None:
    # given the repo root as the working directory (first on sys.path)
    # when a script imports platform
    result = subprocess.run(
        [sys.executable, "-c", "import platform; print(platform.system())"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    # then it is the standard library's module
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Linux"


def test_platform_folder_has_no_init() -> None:
    assert not (REPO / "platform" / "__init__.py").exists()


def test_project_imports_under_jamaa_namespace() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import jamaa.platform.config, jamaa.tenants, jamaa.provisioning, platform;"
            "print(platform.python_version_tuple()[0])",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "3"
