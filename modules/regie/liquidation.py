"""Liquidation: amount = base × rate + penalties, every step kept so the computation can be shown and checked.

Penalties (Law 47-06 as amended; confirm the article numbers with the commune):
- late or missing declaration: 15 % of the principal + 0.5 % per month or part of a month of delay, at least 500 DH;
- late payment: 10 % of the principal, + 5 % for the first month or part of it, + 0.5 % for each further month
  or part of a month.
Pure functions: no database, no clock (the step texts are read back in the page's language by `formula_text`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext, gettext_lazy

from jamaa.platform.kernel.words import number_ar, number_fr

CENT = Decimal("0.01")
DECLARATION_BASE_RATE = Decimal("0.15")
DECLARATION_MONTHLY_RATE = Decimal("0.005")
DECLARATION_MINIMUM = Decimal("500")
PAYMENT_BASE_RATE = Decimal("0.10")
PAYMENT_FIRST_MONTH_RATE = Decimal("0.05")
PAYMENT_MONTHLY_RATE = Decimal("0.005")


@dataclass(frozen=True)
class Step:
    label: str
    formula: str
    amount: Decimal


@dataclass(frozen=True)
class Liquidation:
    principal: Decimal
    declaration_penalty: Decimal
    payment_penalty: Decimal
    total: Decimal
    steps: tuple[Step, ...]


def months_started(start: dt.date, end: dt.date) -> int:
    """Months or parts of a month from `start` (exclusive) to `end`: 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day > start.day:
        months += 1
    return max(months, 1)


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def liquidate(
    *,
    base: Decimal,
    rate: Decimal,
    declaration_due: dt.date | None = None,
    declared_on: dt.date | None = None,
    payment_due: dt.date | None = None,
    paid_on: dt.date | None = None,
) -> Liquidation:
    """The amount due on `paid_on`, with its steps. A missing declaration counts as declared on the payment day."""
    if base < 0 or rate < 0:
        raise ValueError("base and rate must not be negative")
    principal = _money(base * rate)
    steps = [Step("principal", f"{base} × {rate}", principal)]
    declaration_penalty = Decimal("0")
    if declaration_due is not None:
        declared = declared_on or paid_on
        late = months_started(declaration_due, declared) if declared else 0
        if late:
            raw = principal * (DECLARATION_BASE_RATE + DECLARATION_MONTHLY_RATE * late)
            declaration_penalty = max(_money(raw), DECLARATION_MINIMUM)
            steps.append(
                Step(
                    "late_declaration",
                    f"{principal} × (15% + 0.5% × {late} month(s)), at least 500 DH",
                    declaration_penalty,
                )
            )
    payment_penalty = Decimal("0")
    if payment_due is not None and paid_on is not None:
        late = months_started(payment_due, paid_on)
        if late:
            rate_total = PAYMENT_BASE_RATE + PAYMENT_FIRST_MONTH_RATE + PAYMENT_MONTHLY_RATE * (late - 1)
            payment_penalty = _money(principal * rate_total)
            steps.append(
                Step("late_payment", f"{principal} × (10% + 5% + 0.5% × {late - 1} further month(s))", payment_penalty)
            )
    total = principal + declaration_penalty + payment_penalty
    steps.append(Step("total", "principal + penalties", total))
    return Liquidation(principal, declaration_penalty, payment_penalty, total, tuple(steps))


def amount_words(amount: Decimal) -> tuple[str, str]:
    """An amount in dirhams written out in French and Arabic, as a receipt states it: 875.50 → ("huit cent
    soixante-quinze dirhams et cinquante centimes", "ثمانمائة وخمسة وسبعون درهما و خمسون سنتيما")."""
    cents = int((amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100).to_integral_value())
    dirhams, centimes = divmod(cents, 100)
    fr = f"{number_fr(dirhams)} dirham{'s' if dirhams > 1 else ''}"
    ar = f"{number_ar(dirhams, limit=999_999_999)} درهما"
    if centimes:
        fr += f" et {number_fr(centimes)} centime{'s' if centimes > 1 else ''}"
        ar += f" و{number_ar(centimes)} سنتيما"
    return fr, ar


# --- The stored steps in the reader's language -------------------------------------------------------------
# A liquidation keeps its steps as computed, in the fixed English wording above (an official record is never
# rewritten); these read a stored formula back in the language of the page.

_UNITS = {
    "m²": gettext_lazy("m²"),
    "quarter(s)": gettext_lazy("quarter(s)"),
    "night(s)": gettext_lazy("night(s)"),
    "act(s)": gettext_lazy("act(s)"),
}
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_FORMULAS: tuple[tuple[re.Pattern[str], Callable[[dict[str, str]], str]], ...] = (
    (
        re.compile(rf"^(?P<base>{_NUMBER}) DH of sales$"),
        lambda m: gettext("%(base)s DH of sales") % m,
    ),
    (
        re.compile(
            rf"^(?P<base>{_NUMBER}) (?P<unit>m²|quarter\(s\)|night\(s\)|act\(s\)) → (?P<rounded>{_NUMBER}): "
            r"a started .+ counts whole$"
        ),
        lambda m: (
            gettext("%(base)s %(unit)s → %(rounded)s: a started %(unit)s counts whole")
            % {**m, "unit": str(_UNITS[m["unit"]])}
        ),
    ),
    (
        re.compile(rf"^(?P<base>{_NUMBER}) (?P<unit>m²|quarter\(s\)|night\(s\)|act\(s\))$"),
        lambda m: f"{m['base']} {_UNITS[m['unit']]}",
    ),
    (
        re.compile(rf"^(?P<principal>{_NUMBER}) × \(15% \+ 0\.5% × (?P<late>[0-9]+) month\(s\)\), at least 500 DH$"),
        lambda m: gettext("%(principal)s × (15%% + 0.5%% × %(late)s month(s)), at least 500 DH") % m,
    ),
    (
        re.compile(rf"^(?P<principal>{_NUMBER}) × \(10% \+ 5% \+ 0\.5% × (?P<late>[0-9]+) further month\(s\)\)$"),
        lambda m: gettext("%(principal)s × (10%% + 5%% + 0.5%% × %(late)s further month(s))") % m,
    ),
    (re.compile(r"^principal \+ penalties$"), lambda m: gettext("principal + penalties")),
)


def formula_text(formula: str) -> str:
    """A stored step's formula in the active language (an unknown wording is shown as stored)."""
    for pattern, render in _FORMULAS:
        match = pattern.match(formula)
        if match:
            return render(match.groupdict())
    return formula
