"""Documents of the recruitment exams: already-fetched data → PDF bytes, on the kernel's plumbing (warm WeasyPrint,
the commune masthead, QR). No database access, no permission checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, qr_data_uri, render_pdf
from jamaa.platform.kernel.verification import verify_path

from .selectors import CandidatureRow, ConcoursRow
from .verification import KIND


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    commune: Any = getattr(request, "tenant", None)
    return CommuneMasthead(
        commune_fr=getattr(commune, "name_fr", ""),
        commune_ar=getattr(commune, "name_ar", ""),
        province_fr=getattr(commune, "province", ""),
        province_ar=getattr(commune, "province_ar", ""),
        region_fr=getattr(commune, "region", ""),
        region_ar=getattr(commune, "region_ar", ""),
        office_fr="Service des ressources humaines",
        office_ar="مصلحة الموارد البشرية",
    )


def render_convocation(
    *, concours: ConcoursRow, c: CandidatureRow, masthead: CommuneMasthead, verify_url: str
) -> bytes:
    """The convocation (A5, French and Arabic): the concours, the candidate and number, the centre, room and seat,
    the day, the QR code to the public verification page."""
    html = get_template("concours/documents/convocation.html").render(
        {
            "k": concours,
            "c": c,
            "masthead": masthead,
            "qr": qr_data_uri(verify_url),
            "day_fr": words.date_fr(concours.exam_date),
            "day_ar": words.date_ar(concours.exam_date),
        }
    )
    return render_pdf(html, stylesheets=["concours/documents/convocation.css"])


def convocation_for(*, request: HttpRequest, concours: ConcoursRow, c: CandidatureRow) -> tuple[bytes, str]:
    pdf = render_convocation(
        concours=concours,
        c=c,
        masthead=masthead_for(request),
        verify_url=request.build_absolute_uri(verify_path(kind=KIND, code=c.convocation_code)),
    )
    return pdf, f"convocation-{concours.id}-{c.number}.pdf"
