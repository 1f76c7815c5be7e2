"""Lists every subpackage under its `jamaa.*` name (pyproject.toml's package-dir maps the folders)."""

from pathlib import Path

from setuptools import setup

ROOTS = {
    "platform": "jamaa.platform",
    "tenants": "jamaa.tenants",
    "modules": "jamaa.modules",
    "provisioning": "jamaa.provisioning",
}


def packages() -> list[str]:
    found = []
    for folder, name in ROOTS.items():
        for path in [Path(folder), *sorted(Path(folder).rglob("*"))]:
            if path.is_dir() and "__pycache__" not in path.parts and any(path.glob("*.py")) or path == Path(folder):
                parts = path.relative_to(folder).parts
                found.append(".".join([name, *parts]))
    return found


setup(packages=packages())
