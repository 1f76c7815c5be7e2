"""What every page of the régie shares: the role guard, the page shape, a refusal turned into a form error, the régie
of the commune, choice lists."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import formats, timezone, translation

from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.roles import role_required

from .. import permissions, selectors
from ..forms import (
    RegieForm,
)
from ..models import (
    Quittance,
    Regie,
)

P = ParamSpec("P")
T = TypeVar("T")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


# Early guards; the rule itself is the selectors' (selectors.may_read / may_supervise), which every read re-checks.
staff_required = role_required(lambda user: selectors.may_read(viewer=user))
"""Anonymous → the login page; signed in outside the régie's groups → 403."""
regisseur_required = role_required(lambda user: selectors.may_supervise(viewer=user))
setup_required = role_required(permissions.can_set_up)


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """A page of the module, with what its navigation needs."""
    regisseur = selectors.may_supervise(viewer=request.user)
    context.setdefault("regie", None)
    context["is_regisseur"] = regisseur
    context["may_set_up"] = permissions.can_set_up(request.user)
    context["arabic"] = _arabic()
    return render(request, f"regie/{template}", context, status=status)


def _arabic() -> bool:
    return (translation.get_language() or "").startswith("ar")


def _name(obj: Any) -> str:
    """The Arabic or French name of a régie, tax or budget line, in the page's language."""
    for fr, ar in (("name_fr", "name_ar"), ("label_fr", "label_ar")):
        if hasattr(obj, fr):
            return str(getattr(obj, ar) if _arabic() and getattr(obj, ar) else getattr(obj, fr))
    return str(obj)


def _dh(amount: Decimal) -> str:
    """An amount as the page's language writes it (20 775,00)."""
    return formats.number_format(amount, 2, use_l10n=True, force_grouping=True)


def _today() -> dt.date:
    return timezone.localdate()


# Service field names → this module's form field names.
FIELD_ALIASES = {
    "asset_id": "asset",
    "tax_id": "tax",
    "ordre_ids": "ordres",
    "user_id": "user",
    "budget_line_codes": "budget_lines",
}


def _attempt(form: RegieForm, call: Callable[[], T]) -> T | None:
    """Run a service; a refusal the user can fix goes on the form (None), a 403/404 becomes its error page
    (the kernel's run_in_form, with this module's field names)."""
    return run_in_form(form, call, aliases=FIELD_ALIASES)


def _regie_or_none() -> Regie | None:
    regie: Regie | None = selectors.regie_default()
    return regie


def _no_regie(request: HttpRequest) -> HttpResponse:
    return _page(request, "no_regie.html", {}, status=200)


def with_regie(view: Callable[Concatenate[HttpRequest, Regie, P], HttpResponseBase]) -> View[P]:
    """The commune's régie (one per commune for now); before it is set up, a page that says so."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        regie = _regie_or_none()
        if regie is None:
            return _no_regie(request)
        return view(request, regie, *args, **kwargs)

    return wrapped


# ------------------------------------------------------------------------------------ choice lists and helpers
# (every read goes through selectors.py: no query is written in this file)


def _tax_choices() -> list[tuple[int, str]]:
    return [(t.tax_id, f"{t.code} — {_name(t)}") for t in selectors.taxes_in_force(on=_today())]


def _user_label(user: Any) -> str:
    full = user.get_full_name()
    return f"{full} ({user.get_username()})" if full else str(user.get_username())


def _cancellation_of(quittance: Quittance) -> Any:
    return getattr(quittance, "cancellation", None) if hasattr(quittance, "cancellation") else None
