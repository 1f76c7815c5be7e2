"""The quittance: A5 (or A4) and a 58 mm ticket."""

from __future__ import annotations

from typing import Any, Literal

from django.template.loader import get_template

from jamaa.platform.kernel.documents import (
    is_arabic,
    qr_data_uri,
)
from jamaa.platform.kernel.words import amount_ar, amount_fr, format_dh

from .common import BASE_KINDS, PAYMENT_METHODS, _d, _local, _pdf, _rate
from .data import Masthead, QuittanceData

# ------------------------------------------------------------------------------------------------ quittance

Layout = Literal["a4", "a5", "ticket"]


def quittance_context(*, masthead: Masthead, q: QuittanceData) -> dict[str, Any]:
    base_fr, base_ar = BASE_KINDS.get(q.base_kind, ("", ""))
    method_fr, method_ar = PAYMENT_METHODS.get(q.payment_method, (q.payment_method, q.payment_method))
    issued = _local(q.issued_at)
    identifiers = [f"CIN {q.cin}" if q.cin else "", f"RC {q.rc}" if q.rc else "", f"ICE {q.ice}" if q.ice else ""]
    return {
        "m": masthead,
        "q": q,
        "identifier": " · ".join(i for i in identifiers if i) or "—",
        "payer_is_arabic": is_arabic(q.payer),
        "day": _d(q.day),
        "time": f"{issued:%H:%M}",
        "base": format_dh(q.base).removesuffix(",00") if q.base_kind != "percent" else format_dh(q.base),
        "base_fr": base_fr,
        "base_ar": base_ar,
        "rate": _rate(q.rate),
        "principal": format_dh(q.principal_dh),
        "penalties": format_dh(q.penalties_dh),
        "amount": format_dh(q.amount_dh),
        "amount_fr": amount_fr(q.amount_dh),
        "amount_ar": amount_ar(q.amount_dh),
        "method_fr": method_fr,
        "method_ar": method_ar,
        "qr": qr_data_uri(q.verify_url),
        "cancelled_on": _d(q.cancelled_on),
    }


def render_quittance(*, masthead: Masthead, q: QuittanceData, layout: Layout = "a5") -> bytes:
    """The quittance as PDF: an A4 page (the A5 layout on A4 paper, for office printers), an A5 page, or a 58 mm
    wide ticket (thermal printers)."""
    template = "a5" if layout == "a4" else layout
    markup = get_template(f"regie/documents/quittance_{template}.html").render(
        quittance_context(masthead=masthead, q=q)
    )
    sheets = (
        ["base.css", "quittance_a5.css", "quittance_a4.css"]
        if layout == "a4"
        else ["base.css", f"quittance_{layout}.css"]
    )
    return _pdf(markup, *sheets, fit_height=layout == "ticket")
