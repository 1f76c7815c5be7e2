"""The arrêté's entry in the kernel's verification registry (kind `rh.arrete`): a code printed on an arrêté → what
the public page may say (kind, number, the agent's name, the date). Reads this commune's acts (the schema
isolates); an act that a later correction rectifies shows as superseded."""

from __future__ import annotations

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import Act

KIND = "rh.arrete"


def arrete_verified(code: str) -> VerifiedDocument | None:
    act = Act.objects.select_related("agent").filter(code=code.strip().upper()).first()
    if act is None:
        return None
    number_fr, number_ar = verification.number_words(act.number)
    superseded = Act.objects.filter(corrects=act).exists()
    return VerifiedDocument(
        kind_fr=f"Arrêté ({act.get_kind_display()})",
        kind_ar="قرار",
        number=act.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=f"{act.agent.name_fr} — {act.agent.name_ar}",
        date=act.signed_on,
        office_fr="Service des ressources humaines",
        office_ar="مصلحة الموارد البشرية",
        status="superseded" if superseded else "valid",
    )


def register() -> None:
    verification.register(kind=KIND, label_fr="Arrêté", label_ar="قرار", verify=arrete_verified)
