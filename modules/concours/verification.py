"""The convocation's entry in the kernel's verification registry (kind `concours.convocation`): the code printed
on a convocation → the candidate's name, number and the exam's date. Reads this commune's applications."""

from __future__ import annotations

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import Candidature

KIND = "concours.convocation"


def convocation_verified(code: str) -> VerifiedDocument | None:
    c = Candidature.objects.select_related("concours").filter(convocation_code=code.strip().upper()).first()
    if c is None or not c.convocation_code:
        return None
    number_fr, number_ar = verification.number_words(c.number)
    return VerifiedDocument(
        kind_fr=f"Convocation au concours {c.concours.reference}",
        kind_ar=f"استدعاء لاجتياز المباراة {c.concours.reference}",
        number=str(c.number),
        number_fr=number_fr,
        number_ar=number_ar,
        holder=f"{c.name_fr} — {c.name_ar}",
        date=c.concours.exam_date,
        office_fr="Service des ressources humaines",
        office_ar="مصلحة الموارد البشرية",
    )


def register() -> None:
    verification.register(kind=KIND, label_fr="Convocation", label_ar="استدعاء", verify=convocation_verified)
