"""Documents of the urbanisme module: already-fetched content (selectors.DocumentContent) → PDF bytes, on the
kernel's plumbing (warm WeasyPrint, the commune masthead, QR to the verification page). No database access, no
permission checks. One bilingual A4 layout serves the récépissé, the consultation letters, the commission's
minutes, the arrêté, the permit and the display register: French labels left, Arabic labels right."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, qr_data_uri, render_pdf

OFFICE_FR = "Service de l'urbanisme"
OFFICE_AR = "مصلحة التعمير"


def render_document(
    *, content: Any, masthead: CommuneMasthead, code: str, verify_url: str, version: int = 1, correction: str = ""
) -> bytes:
    """The document as an A4 PDF with the masthead, its rows and table, and a QR code to its verification page;
    a corrected version says which version it replaces and why."""
    today = timezone.localdate()
    html = get_template("urbanisme/documents/document.html").render(
        {
            "c": content,
            "masthead": masthead,
            "code": code,
            "qr": qr_data_uri(verify_url) if verify_url else "",
            "version": version,
            "correction": correction,
            "day_fr": words.date_fr(today),
            "day_ar": words.date_ar(today),
            "rows": [(fr, value, ar, is_arabic(value)) for fr, value, ar in content.rows],
        }
    )
    return render_pdf(html, stylesheets=["urbanisme/documents/document.css"])


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    """The masthead of the commune whose site answers the request."""
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", ""),
        region_fr=getattr(commune, "region", ""),
        office_fr=OFFICE_FR,
        office_ar=OFFICE_AR,
    )
