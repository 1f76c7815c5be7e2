"""The import contracts (pyproject.toml, `lint-imports` in `make lint`) fail on a cross-module models import.

A copy of the source tree (Python files only) is made importable as `jamaa` ahead of the installed one, one
deliberately bad import is added to it, and `lint-imports` runs on it with the project's own contracts: the run
fails and names the contracts the import breaks. The same copy without the bad import passes, so the failure is
the bad import's and nothing else's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
BAD_IMPORT = "from jamaa.modules.regie.models import Quittance  # noqa: F401 (deliberately bad)\n"


def _tree(tmp: Path) -> Path:
    """A copy of the four packages' Python files under tmp/src/jamaa (a namespace package), and pyproject.toml."""
    src = tmp / "src"
    for folder in ("platform", "tenants", "modules", "provisioning"):
        for path in (ROOT / folder).rglob("*.py"):
            target = src / "jamaa" / folder / path.relative_to(ROOT / folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    shutil.copyfile(ROOT / "pyproject.toml", tmp / "pyproject.toml")
    return src


def _lint(tmp: Path, src: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(  # noqa: S603 (our own virtualenv's command)
        [str(LINT_IMPORTS), "--no-cache"], cwd=tmp, env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="lint-imports is installed with the dev extras")
def test_a_cross_module_models_import_breaks_the_contracts(tmp_path: Path) -> None:
    src = _tree(tmp_path)
    clean = _lint(tmp_path, src)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "BROKEN" not in clean.stdout

    services = src / "jamaa" / "modules" / "courrier" / "services" / "__init__.py"
    services.write_text(services.read_text() + "\n" + BAD_IMPORT)
    bad = _lint(tmp_path, src)
    out = " ".join(bad.stdout.split())  # the report wraps long contract names
    assert bad.returncode != 0, out
    assert "The régie's models are imported only by the régie BROKEN" in out
    assert "one reaches another only through its services, selectors, exceptions or permissions BROKEN" in out
    assert "jamaa.modules.courrier.services -> jamaa.modules.regie.models" in out
    assert "Contracts: " in out and "broken" in out
