"""Documents of human resources: already-fetched data → PDF bytes, on the kernel's plumbing (warm WeasyPrint, the
commune masthead, QR). No database access, no permission checks."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import get_template

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import CommuneMasthead, qr_data_uri, render_pdf
from jamaa.platform.kernel.verification import verify_path

from .models import Position
from .selectors import ActRow
from .verification import KIND

POSITION_AR = {
    Position.ACTIVITY: "القيام بالوظيفة",
    Position.SECONDMENT: "الإلحاق",
    Position.AVAILABILITY: "الاستيداع",
    Position.MADE_AVAILABLE: "الوضع رهن الإشارة",
    Position.TRANSFER: "الانتقال",
}
POSITION_FR = {
    Position.ACTIVITY: "Activité",
    Position.SECONDMENT: "Détachement",
    Position.AVAILABILITY: "Disponibilité",
    Position.MADE_AVAILABLE: "Mise à disposition",
    Position.TRANSFER: "Mutation",
}


def masthead_for(request: HttpRequest) -> CommuneMasthead:
    """The masthead of the commune whose site answers the request, for the HR service's documents."""
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


def render_arrete(*, act: ActRow, masthead: CommuneMasthead, verify_url: str) -> bytes:
    """The arrêté (A4, French then Arabic): number in figures and words, the agent, the decision, the QR code to
    the public verification page."""
    html = get_template("rh/documents/arrete.html").render(
        {
            "a": act,
            "masthead": masthead,
            "qr": qr_data_uri(verify_url),
            "number_fr": words.number_fr(act.number),
            "number_ar": words.number_ar(act.number),
            "signed_fr": words.date_fr(act.signed_on),
            "signed_ar": words.date_ar(act.signed_on),
            "effective_fr": words.date_fr(act.effective_date),
            "effective_ar": words.date_ar(act.effective_date),
            "position_fr": POSITION_FR.get(act.position, ""),  # type: ignore[call-overload]
            "position_ar": POSITION_AR.get(act.position, ""),  # type: ignore[call-overload]
        }
    )
    return render_pdf(html, stylesheets=["rh/documents/arrete.css"])


def arrete_for(*, request: HttpRequest, act: ActRow) -> tuple[bytes, str]:
    """The arrêté's PDF and file name; the QR opens the verification page on the commune's own host."""
    pdf = render_arrete(
        act=act,
        masthead=masthead_for(request),
        verify_url=request.build_absolute_uri(verify_path(kind=KIND, code=act.code)),
    )
    return pdf, f"arrete-{act.number}-{act.year}.pdf"
