"""The public-face registry: what each module offers a commune's citizen portal, without the portal importing
the module. A module registers, from its AppConfig.ready() (through a `portal.py` of its own):

- **open datasets** (`Dataset`): aggregated figures only — a documented table schema (`Field`s), a licence, and a
  function giving the rows in the current commune's schema. Never a person's name or CIN: `check_rows` refuses a
  row with a column the schema does not declare, and the portal's tests scan every file for personal data;
- **indicators** for the elected officials' dashboard (`Indicator`: a number, and how many items are late);
- **online request kinds** (`RequestKind`): what a citizen may ask online, which module handles it and, when the
  module keeps requests of its own, a `forward` hook called once the request is registered as incoming mail.

The portal (or any reader) asks `datasets(enabled=…)` etc. for the entries of the modules a commune enabled.
Registering the same code again replaces the entry (tests, reloads).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

FieldType = Literal["string", "integer", "number", "date", "month"]
FIELD_TYPES: tuple[FieldType, ...] = ("string", "integer", "number", "date", "month")
LICENCE_NAME = "Licence ouverte / Open Licence 2.0"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence"

Value = str | int | Decimal | dt.date | None
Row = Mapping[str, Value]
_CODE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """One column of an open dataset (Frictionless Table Schema vocabulary)."""

    name: str
    type: FieldType
    title_fr: str
    title_ar: str
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {self.type!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Chart:
    """How the transparency page draws the dataset: bars of `value` per `label` (summed), optionally one series per
    distinct `series` value."""

    label: str
    value: str
    series: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Dataset:
    code: str  # "<module>.<name>", stable: it is in the files' URLs
    module: str
    title_fr: str
    title_ar: str
    description_fr: str
    description_ar: str
    fields: tuple[Field, ...]
    rows: Callable[[], Iterable[Row]]
    chart: Chart | None = None
    keywords: tuple[str, ...] = ()
    theme: str = ""  # e.g. "finances", "services"

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"invalid dataset code {self.code!r}")
        names = [f.name for f in self.fields]
        if not names or len(set(names)) != len(names):
            raise ValueError(f"dataset {self.code}: fields missing or repeated")
        if self.chart is not None:
            for used in (self.chart.label, self.chart.value, self.chart.series):
                if used and used not in names:
                    raise ValueError(f"dataset {self.code}: chart uses unknown field {used!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class IndicatorValue:
    value: int | Decimal
    late: int = 0
    unit: str = ""  # "DH", "%", "" (a count)
    url: str = ""  # where staff see the items


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    code: str
    module: str
    label_fr: str
    label_ar: str
    compute: Callable[[dt.date], IndicatorValue]  # the day it is computed for (the month of that day)


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestInfo:
    """What a module's `forward` hook receives: ids and the citizen's answers, never a model instance."""

    request_id: int
    kind: str
    reference: str  # the incoming mail's number, e.g. "A-2026/000012"
    details: Mapping[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestKind:
    code: str  # "<module>.<kind>"
    module: str
    label_fr: str
    label_ar: str
    deadline_days: int  # the answer's legal or promised delay
    questions: tuple[Field, ...] = ()  # extra answers asked online (strings, dates)
    forward: Callable[[RequestInfo], str] | None = None  # returns the module's own reference ("" for none)
    order: int = 100

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise ValueError(f"invalid request kind {self.code!r}")
        if self.deadline_days < 1:
            raise ValueError("deadline_days must be positive")


@dataclass
class _Registry:
    datasets: dict[str, Dataset] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    request_kinds: dict[str, RequestKind] = field(default_factory=dict)


_REGISTRY = _Registry()


def register_dataset(dataset: Dataset) -> None:
    """Offer an open dataset (replaces one of the same code)."""
    _REGISTRY.datasets[dataset.code] = dataset


def register_indicator(indicator: Indicator) -> None:
    """Offer an indicator to the elected officials' dashboard."""
    _REGISTRY.indicators[indicator.code] = indicator


def register_request_kind(kind: RequestKind) -> None:
    """Offer a kind of online request."""
    _REGISTRY.request_kinds[kind.code] = kind


def _enabled(entries: Iterable[Dataset | Indicator | RequestKind], enabled: Iterable[str] | None) -> list[str]:
    keep = None if enabled is None else set(enabled)
    return [e.code for e in entries if keep is None or e.module in keep]


def datasets(*, enabled: Iterable[str] | None = None) -> list[Dataset]:
    """The datasets of the enabled modules (all when None), by code."""
    codes = _enabled(_REGISTRY.datasets.values(), enabled)
    return [_REGISTRY.datasets[c] for c in sorted(codes)]


def dataset(*, code: str, enabled: Iterable[str] | None = None) -> Dataset | None:
    """One dataset, or None when unknown or its module is not enabled."""
    found = _REGISTRY.datasets.get(code)
    if found is None or (enabled is not None and found.module not in set(enabled)):
        return None
    return found


def indicators(*, enabled: Iterable[str] | None = None) -> list[Indicator]:
    codes = _enabled(_REGISTRY.indicators.values(), enabled)
    return [_REGISTRY.indicators[c] for c in sorted(codes)]


def request_kinds(*, enabled: Iterable[str] | None = None) -> list[RequestKind]:
    codes = _enabled(_REGISTRY.request_kinds.values(), enabled)
    return sorted((_REGISTRY.request_kinds[c] for c in codes), key=lambda k: (k.order, k.code))


def request_kind(*, code: str, enabled: Iterable[str] | None = None) -> RequestKind | None:
    found = _REGISTRY.request_kinds.get(code)
    if found is None or (enabled is not None and found.module not in set(enabled)):
        return None
    return found


def _check_value(f: Field, value: Value) -> bool:
    if value is None:
        return True
    if f.type == "string":
        return isinstance(value, str)
    if f.type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if f.type == "number":
        return isinstance(value, (int, Decimal)) and not isinstance(value, bool)
    if f.type == "date":
        return isinstance(value, dt.date)
    return isinstance(value, str) and bool(_MONTH.match(value))


def check_rows(ds: Dataset, rows: Iterable[Row]) -> list[dict[str, Value]]:
    """The rows as plain dicts in the schema's column order. Raises ValueError on a column the schema does not
    declare (nothing leaves the module that its documentation does not describe) or a value of the wrong type."""
    by_name = {f.name: f for f in ds.fields}
    out = []
    for row in rows:
        extra = set(row) - set(by_name)
        if extra:
            raise ValueError(f"dataset {ds.code}: undeclared columns {sorted(extra)}")
        clean: dict[str, Value] = {}
        for f in ds.fields:
            value = row.get(f.name)
            if not _check_value(f, value):
                raise ValueError(f"dataset {ds.code}: {f.name}={value!r} is not a {f.type}")
            clean[f.name] = value
        out.append(clean)
    return out


def table_schema(ds: Dataset) -> dict[str, object]:
    """The dataset's Frictionless Table Schema (a "month" is a string with a YYYY-MM pattern)."""
    fields: list[dict[str, object]] = []
    for f in ds.fields:
        entry: dict[str, object] = {
            "name": f.name,
            "type": "string" if f.type == "month" else f.type,
            "title": f.title_fr,
            "title_ar": f.title_ar,
        }
        if f.description:
            entry["description"] = f.description
        if f.type == "month":
            entry["constraints"] = {"pattern": _MONTH.pattern}
        fields.append(entry)
    return {"fields": fields}


def json_schema(ds: Dataset) -> dict[str, object]:
    """A JSON Schema of the dataset's JSON file (an object with `rows`), to validate it."""
    props: dict[str, object] = {}
    for f in ds.fields:
        kind: dict[str, object]
        if f.type == "integer":
            kind = {"type": ["integer", "null"]}
        elif f.type == "number":
            kind = {"type": ["number", "null"]}
        elif f.type == "date":
            kind = {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        elif f.type == "month":
            kind = {"type": ["string", "null"], "pattern": _MONTH.pattern}
        else:
            kind = {"type": ["string", "null"]}
        props[f.name] = kind
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["dataset", "licence", "fields", "rows"],
        "properties": {
            "dataset": {"const": ds.code},
            "licence": {"type": "object"},
            "fields": {"type": "array"},
            "rows": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [f.name for f in ds.fields],
                    "properties": props,
                },
            },
        },
    }


_PUBLIC_HOMES: dict[str, str] = {}


def register_public_home(*, module: str, path: str) -> None:
    """The page anonymous visitors of a commune's site get at `/` when `module` is enabled there (the portal)."""
    if not path.startswith("/"):
        raise ValueError("a public home is a path")
    _PUBLIC_HOMES[module] = path


def public_home(*, enabled: Iterable[str]) -> str | None:
    """The public home of the first enabled module that offers one, or None (then `/` is the staff's home)."""
    keep = set(enabled)
    for module in sorted(_PUBLIC_HOMES):
        if module in keep:
            return _PUBLIC_HOMES[module]
    return None
