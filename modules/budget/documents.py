"""Documents of the budget: already-fetched data → PDF bytes, on the kernel's plumbing (warm WeasyPrint, the
commune masthead, QR). No database access, no permission checks.

- the ordre de paiement (payment order), bilingual, A5, with its number, the amount in figures and words in both
  languages and a QR code to the kernel's public verification page (kind `budget.order`);
- the administrative account (compte administratif): the execution by line at a date, A4 landscape."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, qr_data_uri, render_pdf
from jamaa.platform.kernel.verification import verify_path

from .selectors import ExecutionReport
from .verification import KIND


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    """The masthead of the commune whose site answers the request, for the budget's documents."""
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", ""),
        region_fr=getattr(commune, "region", ""),
        office_fr="Service du budget",
        office_ar="مصلحة الميزانية",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderDocument:
    masthead: CommuneMasthead
    reference: str
    number: int
    year: int
    code: str
    issued_on: dt.date
    beneficiary: str
    subject: str
    amount_dh: Decimal
    line_code: str
    code_eco: str
    line_fr: str
    line_ar: str
    engagement: str
    liquidation: str
    invoice: str
    verify_url: str


def render_order(document: OrderDocument) -> bytes:
    """The payment order as a one-page A5 PDF, French and Arabic side by side."""
    html = get_template("budget/documents/order.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "qr": qr_data_uri(document.verify_url),
            "day_fr": words.date_fr(document.issued_on),
            "day_ar": words.date_ar(document.issued_on),
            "amount": words.format_dh(document.amount_dh),
            "amount_fr": words.amount_fr(document.amount_dh),
            "amount_ar": words.amount_ar(document.amount_dh),
            "beneficiary_rtl": is_arabic(document.beneficiary),
            "subject_rtl": is_arabic(document.subject),
        }
    )
    return render_pdf(html, stylesheets=["budget/documents/order.css"])


def order_for(*, request: HttpRequest, order: Any) -> tuple[bytes, str]:
    """The PDF of a payment order (as the selectors gave it) and its file name; the QR opens the verification
    page on the commune's own host."""
    liquidation = order.liquidation
    engagement = liquidation.engagement
    line = engagement.line
    pdf = render_order(
        OrderDocument(
            masthead=masthead_for(request),
            reference=order.reference,
            number=order.number,
            year=order.year,
            code=order.code,
            issued_on=order.issued_on,
            beneficiary=order.beneficiary,
            subject=engagement.subject,
            amount_dh=order.amount_dh,
            line_code=line.code,
            code_eco=line.code_eco,
            line_fr=line.label_fr,
            line_ar=line.label_ar,
            engagement=engagement.reference,
            liquidation=liquidation.reference,
            invoice=liquidation.invoice_reference,
            verify_url=request.build_absolute_uri(verify_path(kind=KIND, code=order.code)),
        )
    )
    return pdf, f"ordre-paiement-{order.year}-{order.number:06d}.pdf"


def render_account(*, masthead: CommuneMasthead, report: ExecutionReport, as_of: dt.date) -> bytes:
    """The administrative account (execution by line, per direction, with totals) at a date, A4 landscape."""
    html = get_template("budget/documents/account.html").render(
        {
            "masthead": masthead,
            "r": report,
            "year": report.budget.year,
            "day_fr": words.date_fr(as_of),
            "day_ar": words.date_ar(as_of),
            "final": report.budget.status == "closed",
        }
    )
    return render_pdf(html, stylesheets=["budget/documents/account.css"])
