"""The modules a commune can enable. Each module registers one ModuleInfo here from its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable
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
    # The module's roles: (group name, label in French, label in Arabic). A commune's administrators give
    # them to staff from the Staff page (jamaa.platform.staff); nothing else may be given there.
    roles: tuple[tuple[str, str, str], ...] = ()
    # Who sees the module's card on the home page: these groups, else the module's own roles.
    opened_by: tuple[str, ...] = ()
    # The module's setup page, linked from the home page for the commune's administrators ("" = none).
    setup_url: str = ""
    # The modules this one needs enabled in the same commune (codes): the console and `jamaa commune modules`
    # refuse to enable it without them, and to disable one of them while it is enabled.
    requires: tuple[str, ...] = ()

    def openers(self) -> frozenset[str]:
        """The groups whose members may open the module (its card on the home page)."""
        return frozenset(self.opened_by or tuple(code for code, _fr, _ar in self.roles))


_REGISTRY: dict[str, ModuleInfo] = {}


def register(info: ModuleInfo) -> None:
    """Record a module (from its AppConfig.ready()); its roles become groups administrators may give."""
    from jamaa.platform.core import services as core_services

    _REGISTRY[info.code] = info
    for code, label_fr, label_ar in info.roles:
        core_services.staff_role_register(code=code, label_fr=label_fr, label_ar=label_ar)


def roles() -> list[tuple[str, str, str]]:
    """Every module's roles, (group name, label in French, label in Arabic), in catalogue order."""
    return [role for info in available().values() for role in info.roles]


def available() -> dict[str, ModuleInfo]:
    """Modules this codebase ships, by code."""
    return dict(sorted(_REGISTRY.items()))


def dependency_problems(modules: Iterable[str], *, disabled: Iterable[str] = ()) -> list[str]:
    """What is wrong with this set of enabled modules: a module enabled without one it requires (said as "needed
    by" when that one is being disabled, in `disabled`). Empty when the set holds together."""
    from django.utils.translation import gettext as _

    known, modules, disabled = available(), set(modules), set(disabled)
    problems = []
    for code in sorted(modules):
        info = known.get(code)
        for needed in info.requires if info else ():
            if needed in modules:
                continue
            if needed in disabled:
                problems.append(
                    _("%(needed)s cannot be disabled: %(module)s needs it (disable %(module)s first).")
                    % {"needed": needed, "module": code}
                )
            else:
                problems.append(
                    _("%(module)s cannot be enabled without %(needed)s, which it needs: enable %(needed)s too.")
                    % {"module": code, "needed": needed}
                )
    return problems


def display_names(codes: Iterable[str], *, arabic: bool) -> list[str]:
    """The modules' names in French or Arabic, in catalogue order (a code this codebase does not know: as is)."""
    known, codes = available(), set(codes)
    names = [(info.name_ar if arabic else info.name_fr) for code, info in known.items() if code in codes]
    return names + sorted(codes - set(known))


def enabled_for(codes: list[str]) -> list[ModuleInfo]:
    """The ModuleInfo of each enabled code this codebase knows, in catalogue order."""
    known = available()
    return [known[c] for c in known if c in codes]
