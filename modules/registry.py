"""The modules a commune can enable. Each module registers one ModuleInfo here from its AppConfig.ready()."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModuleInfo:
    code: str  # what Commune.enabled_modules stores, e.g. "etatcivil"
    app: str  # the Django app, e.g. "jamaa.modules.etatcivil"
    name_fr: str
    name_ar: str
    summary_fr: str = ""
    summary_ar: str = ""
    url: str = "/"


_REGISTRY: dict[str, ModuleInfo] = {}


def register(info: ModuleInfo) -> None:
    _REGISTRY[info.code] = info


def available() -> dict[str, ModuleInfo]:
    """Modules this codebase ships, by code."""
    return dict(sorted(_REGISTRY.items()))


def enabled_for(codes: list[str]) -> list[ModuleInfo]:
    """The ModuleInfo of each enabled code this codebase knows, in catalogue order."""
    known = available()
    return [known[c] for c in known if c in codes]
