"""Documents of the police administrative: already-fetched data → PDF bytes, on the kernel's plumbing (warm
WeasyPrint, the commune masthead, QR). No database access, no permission checks.

- the authorisation (A4, French and Arabic, number in figures and words, holder, activity, surface, validity,
  conditions, a QR to the kernel's verification page, kind `police.authorisation`);
- the PV of a control (A4, findings, surface measured, GPS point, sanctions, QR `police.pv`);
- the commission's minutes (each member's avis) and the inquiry's notice (to post: dates, place, objections)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, qr_data_uri, render_pdf

STYLESHEET = "police/documents/document.css"


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    """The masthead of the commune whose site answers the request, for the police's documents."""
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", ""),
        region_fr=getattr(commune, "region", ""),
        office_fr="Police administrative",
        office_ar="الشرطة الإدارية",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class AuthorisationDocument:
    masthead: CommuneMasthead
    kind_fr: str
    kind_ar: str
    reference: str
    number: int
    year: int
    holder: str
    holder_identifier: str
    establishment: str
    address: str
    activity: str
    occupation_fr: str
    occupation_ar: str
    surface_m2: Decimal | None
    valid_from: dt.date
    valid_until: dt.date
    conditions: str
    request_reference: str
    mail_reference: str
    granted_on: dt.date
    status_fr: str
    status_ar: str
    in_force: bool
    verify_url: str


def render_authorisation(document: AuthorisationDocument) -> bytes:
    """The authorisation as an A4 PDF, French and Arabic, with its QR code."""
    html = get_template("police/documents/authorisation.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "qr": qr_data_uri(document.verify_url),
            "number_fr": words.number_fr(document.number),
            "number_ar": words.number_ar(document.number),
            "from_fr": words.date_fr(document.valid_from),
            "from_ar": words.date_ar(document.valid_from),
            "until_fr": words.date_fr(document.valid_until),
            "until_ar": words.date_ar(document.valid_until),
            "granted_fr": words.date_fr(document.granted_on),
            "granted_ar": words.date_ar(document.granted_on),
            "holder_rtl": is_arabic(document.holder),
            "conditions_rtl": is_arabic(document.conditions),
        }
    )
    return render_pdf(html, stylesheets=[STYLESHEET])


@dataclass(frozen=True, slots=True, kw_only=True)
class SanctionLine:
    kind_fr: str
    kind_ar: str
    reason: str
    deadline: dt.date
    amount_dh: Decimal | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PvDocument:
    masthead: CommuneMasthead
    reference: str
    number: int
    inspected_at: dt.datetime
    inspector: str
    establishment: str
    address: str
    holder: str
    authorisation: str
    surface_granted: Decimal | None
    surface_measured: Decimal | None
    latitude: Decimal | None
    longitude: Decimal | None
    findings: str
    compliant: bool
    photos: int
    sanctions: tuple[SanctionLine, ...] = field(default_factory=tuple)
    verify_url: str


def render_pv(document: PvDocument) -> bytes:
    """The PV of a control as an A4 PDF, French and Arabic, with its QR code."""
    day = document.inspected_at.date()
    html = get_template("police/documents/pv.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "qr": qr_data_uri(document.verify_url),
            "number_fr": words.number_fr(document.number),
            "number_ar": words.number_ar(document.number),
            "day_fr": words.date_fr(day),
            "day_ar": words.date_ar(day),
            "findings_rtl": is_arabic(document.findings),
        }
    )
    return render_pdf(html, stylesheets=[STYLESHEET])


@dataclass(frozen=True, slots=True, kw_only=True)
class AvisLine:
    member: str
    service: str
    opinion_fr: str
    opinion_ar: str
    remarks: str


@dataclass(frozen=True, slots=True, kw_only=True)
class MinutesDocument:
    masthead: CommuneMasthead
    request_reference: str
    establishment: str
    holder: str
    activity: str
    object_fr: str
    object_ar: str
    avis: tuple[AvisLine, ...]
    day: dt.date


def render_minutes(document: MinutesDocument) -> bytes:
    """The technical commission's minutes: the request and every member's avis, French and Arabic."""
    html = get_template("police/documents/minutes.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "day_fr": words.date_fr(document.day),
            "day_ar": words.date_ar(document.day),
        }
    )
    return render_pdf(html, stylesheets=[STYLESHEET])


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticeDocument:
    masthead: CommuneMasthead
    request_reference: str
    establishment: str
    holder: str
    address: str
    activity: str
    class_fr: str
    opened_on: dt.date
    closes_on: dt.date


def render_inquiry_notice(document: NoticeDocument) -> bytes:
    """The notice of a commodo-incommodo inquiry, to post: the activity, the place, the dates, where to object."""
    html = get_template("police/documents/inquiry_notice.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "from_fr": words.date_fr(document.opened_on),
            "from_ar": words.date_ar(document.opened_on),
            "until_fr": words.date_fr(document.closes_on),
            "until_ar": words.date_ar(document.closes_on),
        }
    )
    return render_pdf(html, stylesheets=[STYLESHEET])


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptDocument:
    masthead: CommuneMasthead
    reference: str
    number: int
    kind_fr: str
    kind_ar: str
    mail_reference: str
    submitted_at: dt.datetime
    holder: str
    establishment: str
    address: str
    object_fr: str
    verify_url: str


def render_receipt(document: ReceiptDocument) -> bytes:
    """The récépissé of a request (A4, French and Arabic): the request's and the letter's numbers, the date, and
    a QR code to the bureau d'ordre's verification of the letter (kind `courrier.receipt`)."""
    day = document.submitted_at.date()
    html = get_template("police/documents/receipt.html").render(
        {
            "d": document,
            "masthead": document.masthead,
            "qr": qr_data_uri(document.verify_url),
            "number_fr": words.number_fr(document.number),
            "number_ar": words.number_ar(document.number),
            "day_fr": words.date_fr(day),
            "day_ar": words.date_ar(day),
            "holder_rtl": is_arabic(document.holder),
        }
    )
    return render_pdf(html, stylesheets=[STYLESHEET])
