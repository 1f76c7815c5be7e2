"""What the régie's documents share: labels in both languages, dates, rates, the WeasyPrint call."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Final

from django.utils import timezone

from jamaa.platform.kernel.documents import (
    render_pdf,
)

ZERO: Final = Decimal("0")

PAYMENT_METHODS: Final[dict[str, tuple[str, str]]] = {
    "cash": ("Espèces", "نقدا"),
    "cheque": ("Chèque", "شيك"),
    "transfer": ("Virement", "تحويل"),
}
BASE_KINDS: Final[dict[str, tuple[str, str]]] = {
    "m2": ("m²", "م²"),
    "percent": ("DH de chiffre d'affaires", "درهم من رقم المعاملات"),
    "night": ("nuitées", "ليلة"),
    "quarter": ("trimestres", "فصل"),
    "fixed": ("acte(s)", "وثيقة"),
}
ORDRE_STATUS: Final[dict[str, tuple[str, str]]] = {
    "issued": ("Émis", "صادر"),
    "taken_in_charge": ("Pris en charge", "متكفل به"),
    "recovered": ("Recouvré", "مستخلص"),
    "cancelled": ("Annulé", "ملغى"),
    "written_off": ("Admis en non-valeur", "مقبول في عدم القيمة"),
    "remitted": ("Remis", "معفى"),
}


def _d(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else "—"


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _rate(rate: Decimal) -> str:
    text = f"{rate.normalize():f}"
    return text.replace(".", ",")


# ------------------------------------------------------------------------------------------- WeasyPrint


def _pdf(markup: str, *stylesheets: str, fit_height: bool = False) -> bytes:
    """PDF bytes of the markup with these stylesheets of templates/regie/documents/ (parsed once per process)."""
    return render_pdf(markup, stylesheets=[f"regie/documents/{n}" for n in stylesheets], fit_height=fit_height)
