"""The verification registry: every kind of document registers how a code printed on it is checked, and one
public page (`/verify/<kind>/<code>/`, `views.document_verify`) shows what a verifier compares with the paper:
the kind and the number (in figures and in words, French and Arabic), the holder's name, the date, the issuing
office and whether the document is valid, cancelled or superseded, and nothing more.

A module registers from its AppConfig.ready(), through a small adapter of its own:

    verification.register(kind="regie.quittance", label_fr="Quittance", label_ar="وصل أداء",
                          verify=quittance_verified)        # code -> VerifiedDocument | None
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .words import number_ar, number_fr

Status = Literal["valid", "cancelled", "superseded"]
STATUSES: tuple[Status, ...] = ("valid", "cancelled", "superseded")


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifiedDocument:
    """What the public page may say about a genuine code. `number`: as printed (e.g. "2026/A/000012");
    `number_fr` / `number_ar`: the number written out; `holder`: the name on the document as printed."""

    kind_fr: str
    kind_ar: str
    number: str
    number_fr: str
    number_ar: str
    holder: str
    date: dt.date
    office_fr: str
    office_ar: str
    status: Status = "valid"

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


Verifier = Callable[[str], "VerifiedDocument | None"]


@dataclass(frozen=True, slots=True)
class DocumentKind:
    kind: str
    label_fr: str
    label_ar: str
    verify: Verifier


_REGISTRY: dict[str, DocumentKind] = {}


def register(*, kind: str, label_fr: str, label_ar: str, verify: Verifier) -> None:
    """Record how documents of `kind` ("<module>.<document>") are verified. Registering a kind again replaces it."""
    if not kind or "/" in kind:
        raise ValueError(f"invalid document kind {kind!r}")
    _REGISTRY[kind] = DocumentKind(kind, label_fr, label_ar, verify)


def kinds() -> dict[str, DocumentKind]:
    """The registered kinds, by kind."""
    return dict(sorted(_REGISTRY.items()))


def verify(*, kind: str, code: str) -> VerifiedDocument | None:
    """The verdict of the kind's verifier, or None when the kind is unknown or no document of this commune has
    the code. Reads the current schema through the module's adapter."""
    entry = _REGISTRY.get(kind)
    if entry is None or not code.strip():
        return None
    return entry.verify(code.strip())


def verify_path(*, kind: str, code: str) -> str:
    """The public page's path for a code (what a QR code may point to)."""
    return f"/verify/{kind}/{code}/"


def number_words(number: int) -> tuple[str, str]:
    """A document's number written out, (French, Arabic), for a VerifiedDocument."""
    return number_fr(number), number_ar(number)
