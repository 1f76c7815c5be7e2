"""`jamaa module new`: the module it writes has the shape, registers itself, lints clean, and its generated tests
pass against a real database (in a subprocess with the module added to the apps; nothing lands in the tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from jamaa.platform.kernel import scaffold
from tests.conftest import REPO, database_url

SHAPE = [
    "apps.py", "models.py", "services.py", "selectors.py", "exceptions.py", "permissions.py", "api.py", "views.py",
    "urls.py", "documents.py", "tasks.py", "migrations/0001_initial.py", "templates/demo_x/entry_list.html",
]  # fmt: skip
TESTS = ["factories.py", "services/test_entry.py", "api/test_entry.py", "views/test_entry.py", "test_isolation.py"]


def test_bad_names_and_existing_modules_are_refused(tmp_path: Path) -> None:
    for bad in ("X", "a", "1abc", "class", "demo-x", "test_thing"):
        with pytest.raises(scaffold.InvalidModuleName):
            scaffold.module_create(name=bad, root=tmp_path)
    (tmp_path / "modules" / "taken").mkdir(parents=True)
    with pytest.raises(scaffold.ModuleExists):
        scaffold.module_create(name="taken", root=tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["modules", "taken"]  # nothing written
    with pytest.raises(CommandError, match="INVALID_MODULE_NAME"):
        call_command("module", "new", "Bad", "--root", str(tmp_path))


def test_the_command_writes_the_shape_and_lists_the_app(tmp_path: Path) -> None:
    (tmp_path / "platform").mkdir()
    shutil.copy(REPO / "platform" / "settings.py", tmp_path / "platform" / "settings.py")
    call_command("module", "new", "demo_x", "--root", str(tmp_path), "--name-fr", "Démo", "--name-ar", "تجربة")
    module = tmp_path / "modules" / "demo_x"
    for name in SHAPE:
        assert (module / name).is_file(), name
    for name in TESTS:
        assert (tmp_path / "tests" / "modules" / "demo_x" / name).is_file(), name
    assert (tmp_path / "docs" / "modules" / "demo_x.md").is_file()
    assert not list(tmp_path.rglob("*.tmpl")) and "__module__" not in (module / "apps.py").read_text()
    apps = (module / "apps.py").read_text()
    assert 'name_fr="Démo"' in apps and 'name_ar="تجربة"' in apps and "class DemoXConfig" in apps
    text = (tmp_path / "platform" / "settings.py").read_text()
    # after the last module listed (whichever module that is: the list grows)
    assert '    "jamaa.modules.demo_x",\n]' in text and text.index("jamaa.modules.demo_x") > text.index(
        "jamaa.modules.collecte"
    )
    assert text.count("jamaa.modules.demo_x") == 1
    lint = subprocess.run(
        [str(REPO / ".venv" / "bin" / "ruff"), "check", "--config", str(REPO / "pyproject.toml"), str(module)],
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


RUNNER = """
import sys
import jamaa.modules, tests.modules
jamaa.modules.__path__.append({modules!r})
tests.modules.__path__.append({tests!r})
import pytest
sys.exit(pytest.main(["-q", "--rootdir", {repo!r}, "-c", {pyproject!r}, {target!r}]))
"""


def test_generated_module_imports_registers_migrates_and_its_tests_pass(tmp_path: Path, migrated_template: str) -> None:
    scaffold.module_create(name="demo_x", root=tmp_path, name_fr="Démo", name_ar="تجربة")
    # The suite's shared fixtures (the test database, Fès and Meknès), as tests/conftest.py gives them in the tree.
    (tmp_path / "conftest.py").write_text(
        "from tests.conftest import *  # noqa: F403\n"
        "from tests.conftest import _public_schema_between_tests  # noqa: F401\n"
    )
    assert not (REPO / "modules" / "demo_x").exists()
    # A database of its own, with the module's migration applied.
    base = str(settings.DATABASES["default"]["NAME"]).removeprefix("test_")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(f"{base}_scaffold"),
        "JAMAA_EXTRA_TENANT_APPS": "jamaa.modules.demo_x",
        "JAMAA_LOG_LEVEL": "ERROR",
    }
    if migrated_template:
        # Its test database is then a copy of the suite's migrated one, migrated for the new module alone (the
        # module's migration still runs, on public and the template schema: tests/conftest.py).
        env["JAMAA_MIGRATED_TEMPLATE"] = migrated_template
    code = RUNNER.format(
        modules=str(tmp_path / "modules"),
        tests=str(tmp_path / "tests" / "modules"),
        repo=str(REPO),
        pyproject=str(REPO / "pyproject.toml"),
        target=str(tmp_path / "tests" / "modules" / "demo_x"),
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    assert "8 passed" in run.stdout, run.stdout[-2000:]
