"""`jamaa module new NAME`: a new module with the project's shape (STYLE §(b)), from the template files in
`module_template/`, registered (its AppConfig registers it; TENANT_APPS lists it), migrated (0001) and tested.

    jamaa module new permits --name-fr "Permis" --name-ar "الرخص"

writes modules/permits/, tests/modules/permits/ and docs/modules/permits.md under the repository (or `--root`),
and adds "jamaa.modules.permits" to TENANT_APPS in platform/settings.py.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from pathlib import Path

from jamaa.platform.errors import DomainError

TEMPLATE_DIR = Path(__file__).resolve().parent / "module_template"
REPO_ROOT = Path(__file__).resolve().parents[2]
_NAME = re.compile(r"^[a-z][a-z0-9_]{1,29}$")
_SETTINGS_ANCHOR = re.compile(r'^(    "jamaa\.modules\.[a-z0-9_]+",\n)(?!    "jamaa\.modules\.)', re.M)


class InvalidModuleName(DomainError):
    code = "INVALID_MODULE_NAME"
    message = "A module's name is 2 to 30 lowercase letters, digits or underscores, starting with a letter."


class ModuleExists(DomainError):
    code = "MODULE_EXISTS"
    http_status = 409
    message = "A module with this name already exists."


@dataclass(frozen=True)
class Created:
    files: tuple[Path, ...]
    settings_updated: bool


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _target(relative: Path, name: str) -> Path:
    parts = relative.parts
    if parts[0] == "module":
        return Path("modules", name, *parts[1:])
    if parts[0] == "tests":
        return Path("tests", "modules", name, *parts[1:])
    return Path("docs", "modules", f"{name}.md")


def _register_in_settings(settings_file: Path, name: str) -> bool:
    """Add the app after the last module of TENANT_APPS. False when the file has no such list (or has it)."""
    if not settings_file.exists():
        return False
    text = settings_file.read_text(encoding="utf-8")
    line = f'    "jamaa.modules.{name}",\n'
    if line in text:
        return False
    matches = list(_SETTINGS_ANCHOR.finditer(text))
    if not matches:
        return False
    end = matches[-1].end()
    settings_file.write_text(text[:end] + line + text[end:], encoding="utf-8")
    return True


def module_create(*, name: str, root: Path = REPO_ROOT, name_fr: str = "", name_ar: str = "") -> Created:
    """Write the module's files under `root`. Raises InvalidModuleName, ModuleExists; writes nothing then."""
    if not _NAME.match(name) or keyword.iskeyword(name) or name.startswith("test"):
        raise InvalidModuleName(extra={"name": name})
    if (root / "modules" / name).exists() or (root / "tests" / "modules" / name).exists():
        raise ModuleExists(extra={"name": name})
    replacements = {
        "__module__": name,
        "__Module__": _camel(name),
        "__MODULE__": name.upper(),
        "__label_fr__": name_fr or name.replace("_", " ").capitalize(),
        "__label_ar__": name_ar or name_fr or name,
    }
    written = []
    for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE_DIR).with_suffix("")
        relative = Path(*(p.replace("__module__", name) for p in relative.parts))
        text = source.read_text(encoding="utf-8")
        for placeholder, value in replacements.items():
            text = text.replace(placeholder, value)
        target = root / _target(relative, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    updated = _register_in_settings(root / "platform" / "settings.py", name)
    return Created(files=tuple(written), settings_updated=updated)
