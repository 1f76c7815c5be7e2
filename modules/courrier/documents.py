"""Documents of the bureau d'ordre: already-fetched data → PDF bytes, on the kernel's plumbing (warm WeasyPrint,
the commune masthead, QR). No database access, no permission checks.

- the récépissé (acknowledgement of receipt), bilingual, A5, with the chrono number, the date and a QR code to
  the kernel's public verification page (kind `courrier.receipt`);
- the day's register (A4 landscape listing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, qr_data_uri, render_pdf
from jamaa.platform.kernel.verification import verify_path

from .selectors import MailDetail
from .verification import KIND


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptDocument:
    masthead: CommuneMasthead
    reference: str
    number: int
    year: int
    code: str
    registered_at: dt.datetime
    correspondent: str
    subject: str
    mail_type_fr: str
    mail_type_ar: str
    limit_date: dt.date | None
    verify_url: str


def render_receipt(document: ReceiptDocument) -> bytes:
    """The récépissé as a one-page A5 PDF, French and Arabic side by side."""
    day = document.registered_at.date()
    html = get_template("courrier/documents/receipt.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "qr": qr_data_uri(document.verify_url),
            "day_fr": words.date_fr(day),
            "day_ar": words.date_ar(day),
            "number_fr": words.number_fr(document.number),
            "number_ar": words.number_ar(document.number),
            "subject_rtl": is_arabic(document.subject),
            "correspondent_rtl": is_arabic(document.correspondent),
        }
    )
    return render_pdf(html, stylesheets=["courrier/documents/receipt.css"])


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterLine:
    reference: str
    time: str
    correspondent: str
    subject: str
    service: str


def render_day_register(
    *, masthead: CommuneMasthead, day: dt.date, category_fr: str, category_ar: str, lines: Sequence[RegisterLine]
) -> bytes:
    """The day's register of one category: every letter registered that day, in number order."""
    html = get_template("courrier/documents/register.html").render(
        {
            "masthead": masthead,
            "lines": lines,
            "day_fr": words.date_fr(day),
            "day_ar": words.date_ar(day),
            "category_fr": category_fr,
            "category_ar": category_ar,
            "count": len(lines),
        }
    )
    return render_pdf(html, stylesheets=["courrier/documents/register.css"])


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    """The masthead of the commune whose site answers the request, for the bureau d'ordre's documents."""
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", ""),
        region_fr=getattr(commune, "region", ""),
        office_fr="Bureau d'ordre",
        office_ar="مكتب الضبط",
    )


def receipt_for(*, request: HttpRequest, detail: MailDetail) -> tuple[bytes, str]:
    """The récépissé of a letter (as the selectors gave it to its viewer) and its file name; the QR opens the
    verification page on the commune's own host."""
    row = detail.mail
    pdf = render_receipt(
        ReceiptDocument(
            masthead=masthead_for(request),
            reference=row.reference,
            number=row.number,
            year=row.year,
            code=detail.code,
            registered_at=timezone.localtime(row.registered_at),
            correspondent=row.correspondent,
            subject=row.subject,
            mail_type_fr=detail.mail_type,
            mail_type_ar=detail.mail_type_ar,
            limit_date=row.limit_date,
            verify_url=request.build_absolute_uri(verify_path(kind=KIND, code=detail.code)),
        )
    )
    return pdf, f"recepisse-{row.reference.replace('/', '-')}.pdf"
