"""Documents of the parc automobile: already-fetched data → PDF bytes, on the kernel's plumbing (warm WeasyPrint,
the commune masthead, QR). No database access, no permission checks.

- the ordre de mission (A4, French and Arabic side by side, number in figures and words, QR to
  `/verify/parc.mission/<code>/`);
- a stub book of fuel vouchers (A4, eight vouchers a page, each with its number, vehicle or service, face value
  and a QR to `/verify/parc.voucher/<code>/`, to be cut along the dashes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, qr_data_uri, render_pdf
from jamaa.platform.kernel.verification import verify_path

from .selectors import BookDetail, MissionRow
from .verification import MISSION, VOUCHER


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    """The masthead of the commune whose site answers the request, for the parc's documents."""
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", "") or "",
        province_ar=getattr(commune, "province_ar", "") or "",
        region_fr=getattr(commune, "region", "") or "",
        region_ar=getattr(commune, "region_ar", "") or "",
        office_fr="Parc automobile",
        office_ar="حظيرة السيارات",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class MissionDocument:
    masthead: CommuneMasthead
    mission: MissionRow
    issued_on: dt.date
    verify_url: str


def render_mission(document: MissionDocument) -> bytes:
    """The ordre de mission as a one-page A4 PDF."""
    m = document.mission
    html = get_template("parc/documents/mission.html").render(
        {
            "d": document,
            "m": m,
            "masthead": document.masthead,
            "qr": qr_data_uri(document.verify_url),
            "day_fr": words.date_fr(document.issued_on),
            "day_ar": words.date_ar(document.issued_on),
            "number_fr": words.number_fr(m.number),
            "number_ar": words.number_ar(m.number),
            "agent_rtl": is_arabic(m.agent_name),
            "destination_rtl": is_arabic(m.destination),
            "purpose_rtl": is_arabic(m.purpose),
        }
    )
    return render_pdf(html, stylesheets=["parc/documents/parc.css"])


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherSlip:
    reference: str
    number: int
    code: str
    status: str
    qr: str


def render_book(
    *, masthead: CommuneMasthead, book: BookDetail, verify_url: Callable[[str], str], face_value: Decimal
) -> bytes:
    """The book's vouchers, eight a page, each with its QR; used or cancelled ones are struck through."""
    slips: Sequence[VoucherSlip] = [
        VoucherSlip(
            reference=v.reference, number=v.number, code=v.code, status=v.status, qr=qr_data_uri(verify_url(v.code))
        )
        for v in book.vouchers
    ]
    html = get_template("parc/documents/book.html").render(
        {
            "masthead": masthead,
            "b": book.book,
            "supplier": book.supplier,
            "slips": slips,
            "face_fr": words.amount_fr(face_value),
            "face_ar": words.amount_ar(face_value),
            "day_fr": words.date_fr(book.book.issued_on),
        }
    )
    return render_pdf(html, stylesheets=["parc/documents/parc.css"])


def mission_for(*, request: HttpRequest, mission: MissionRow, issued_on: dt.date) -> tuple[bytes, str]:
    pdf = render_mission(
        MissionDocument(
            masthead=masthead_for(request),
            mission=mission,
            issued_on=issued_on,
            verify_url=request.build_absolute_uri(verify_path(kind=MISSION, code=mission.code)),
        )
    )
    return pdf, f"ordre-de-mission-{mission.reference.replace('/', '-')}.pdf"


def book_for(*, request: HttpRequest, book: BookDetail) -> tuple[bytes, str]:
    pdf = render_book(
        masthead=masthead_for(request),
        book=book,
        verify_url=lambda code: request.build_absolute_uri(verify_path(kind=VOUCHER, code=code)),
        face_value=book.book.face_value,
    )
    return pdf, f"carnet-{book.book.reference.replace('/', '-')}.pdf"
