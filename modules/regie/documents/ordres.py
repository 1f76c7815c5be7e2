"""Ordre de recette, bordereau d'émission and the état des restes à recouvrer."""

from __future__ import annotations

from django.template.loader import get_template

from jamaa.platform.kernel.documents import (
    is_arabic,
)
from jamaa.platform.kernel.words import amount_ar, amount_fr, format_dh

from .common import ORDRE_STATUS, _d, _local, _pdf
from .data import BordereauData, Masthead, OrdreData, RestesData

# ------------------------------------------------------------------------------------ ordre and bordereau


def render_ordre(*, masthead: Masthead, ordre: OrdreData) -> bytes:
    status_fr, status_ar = ORDRE_STATUS.get(ordre.status, (ordre.status, ordre.status))
    context = {
        "m": masthead,
        "o": ordre,
        "collective": ordre.kind == "collective",
        "status_fr": status_fr,
        "status_ar": status_ar,
        "issued": _d(_local(ordre.issued_at).date()),
        "lines": [
            {
                "payer": ln.payer,
                "ar": is_arabic(ln.payer),
                "identifier": ln.identifier,
                "asset": ln.asset,
                "amount": format_dh(ln.amount_dh),
            }
            for ln in ordre.lines
        ],
        "amount": format_dh(ordre.amount_dh),
        "recovered": format_dh(ordre.recovered_dh),
        "amount_fr": amount_fr(ordre.amount_dh),
        "amount_ar": amount_ar(ordre.amount_dh),
    }
    return _pdf(get_template("regie/documents/ordre.html").render(context), "base.css", "listing.css")


def render_bordereau(*, masthead: Masthead, bordereau: BordereauData) -> bytes:
    context = {
        "m": masthead,
        "b": bordereau,
        "taken": bordereau.status == "taken_in_charge",
        "created": _d(_local(bordereau.created_at).date()),
        "ordres": [
            {
                "o": o,
                "amount": format_dh(o.amount_dh),
                "kind_fr": "Collectif" if o.kind == "collective" else "Individuel",
                "kind_ar": "جماعي" if o.kind == "collective" else "فردي",
                "status_fr": ORDRE_STATUS.get(o.status, (o.status, ""))[0],
            }
            for o in bordereau.ordres
        ],
        "by_line": [(code, format_dh(total)) for code, total in bordereau.by_line],
        "total": format_dh(bordereau.total_dh),
        "total_fr": amount_fr(bordereau.total_dh),
        "total_ar": amount_ar(bordereau.total_dh),
    }
    return _pdf(get_template("regie/documents/bordereau.html").render(context), "base.css", "listing.css")


def render_restes(*, masthead: Masthead, restes: RestesData) -> bytes:
    context = {
        "m": masthead,
        "r": restes,
        "as_of": _d(restes.as_of),
        "lines": [
            {
                "ln": ln,
                "ar": is_arabic(ln.payer),
                "amount": format_dh(ln.amount_dh),
                "recovered": format_dh(ln.recovered_dh),
                "remaining": format_dh(ln.remaining_dh),
            }
            for ln in restes.lines
        ],
        "by_line": [(code, format_dh(total)) for code, total in restes.by_line],
        "total": format_dh(restes.total_dh),
        "remaining": format_dh(restes.remaining_dh),
        "remaining_fr": amount_fr(restes.remaining_dh),
        "remaining_ar": amount_ar(restes.remaining_dh),
    }
    return _pdf(get_template("regie/documents/restes.html").render(context), "base.css", "listing.css")
