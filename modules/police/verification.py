"""The police administrative's documents in the kernel's verification registry: an authorisation
(`police.authorisation`: valid while in force or suspended-then-reinstated; "cancelled" once suspended,
withdrawn or expired) and a PV of control (`police.pv`). Reads this commune's tables (the schema isolates)."""

from __future__ import annotations

from django.utils import timezone

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import Authorisation, AuthorisationStatus, Inspection, Kind

AUTHORISATION = "police.authorisation"
PV = "police.pv"

KIND_AR = {
    Kind.ECONOMIC: "رخصة نشاط اقتصادي",
    Kind.OCCUPATION: "رخصة احتلال الملك العمومي",
    Kind.TRADE: "رخصة مهنة منظمة",
}
KIND_FR = {
    Kind.ECONOMIC: "Autorisation d'activité économique",
    Kind.OCCUPATION: "Autorisation d'occupation du domaine public",
    Kind.TRADE: "Autorisation d'exercice d'un métier réglementé",
}


def authorisation_verified(code: str) -> VerifiedDocument | None:
    """The verdict for an authorisation's code: valid only while in force (a suspended, withdrawn or expired
    one shows as cancelled)."""
    found = Authorisation.objects.filter(code=code.strip().upper()).first()
    if found is None:
        return None
    number_fr, number_ar = verification.number_words(found.number)
    return VerifiedDocument(
        kind_fr=KIND_FR[Kind(found.kind)],
        kind_ar=KIND_AR[Kind(found.kind)],
        number=found.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=found.holder_name,
        date=timezone.localdate(found.granted_at),
        office_fr="Police administrative",
        office_ar="الشرطة الإدارية",
        status="valid" if found.status == AuthorisationStatus.ACTIVE else "cancelled",
    )


def pv_verified(code: str) -> VerifiedDocument | None:
    """The verdict for a PV's code (a PV is never cancelled)."""
    found = Inspection.objects.select_related("establishment").filter(code=code.strip().upper()).first()
    if found is None:
        return None
    number_fr, number_ar = verification.number_words(found.number)
    return VerifiedDocument(
        kind_fr="Procès-verbal de contrôle",
        kind_ar="محضر مراقبة",
        number=found.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=found.establishment.name,
        date=timezone.localdate(found.inspected_at),
        office_fr="Police administrative",
        office_ar="الشرطة الإدارية",
    )


def register() -> None:
    verification.register(kind=AUTHORISATION, label_fr="Autorisation", label_ar="رخصة", verify=authorisation_verified)
    verification.register(kind=PV, label_fr="Procès-verbal de contrôle", label_ar="محضر مراقبة", verify=pv_verified)
