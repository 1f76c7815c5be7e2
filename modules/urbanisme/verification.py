"""The urbanisme documents' entry in the kernel's verification registry (kind `urbanisme.document`): a code
printed on a récépissé, consultation letter, minutes, arrêté or permit → what the public page may say. A document
replaced by a corrected version verifies as superseded; a permit whose dossier was withdrawn never exists."""

from __future__ import annotations

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import IssuedDocument

KIND = "urbanisme.document"
LABELS = {
    "receipt": ("Récépissé de dépôt (urbanisme)", "وصل إيداع (التعمير)"),
    "consultation": ("Demande d'avis (urbanisme)", "طلب رأي (التعمير)"),
    "minutes": ("Procès-verbal de la commission d'urbanisme", "محضر لجنة التعمير"),
    "arrete": ("Arrêté (urbanisme)", "قرار (التعمير)"),
    "permit": ("Autorisation d'urbanisme", "رخصة التعمير"),
    "register": ("Registre d'affichage des autorisations", "سجل إشهار الرخص"),
}


def document_verified(code: str) -> VerifiedDocument | None:
    """The verdict for a document's code; None when no document of this commune has it."""
    doc = IssuedDocument.objects.filter(code=code.strip().upper()).first()
    if doc is None:
        return None
    superseded = IssuedDocument.objects.filter(replaces=doc).exists()
    digits = "".join(ch for ch in doc.number.rsplit("/", 1)[-1] if ch.isdigit())
    number_fr, number_ar = verification.number_words(int(digits) if digits else 0)
    label_fr, label_ar = LABELS.get(doc.kind, LABELS["permit"])
    return VerifiedDocument(
        kind_fr=label_fr if doc.version == 1 else f"{label_fr} (version {doc.version})",
        kind_ar=label_ar,
        number=doc.number,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=doc.holder,
        date=doc.issued_on,
        office_fr="Service de l'urbanisme",
        office_ar="مصلحة التعمير",
        status="superseded" if superseded else "valid",
    )


def register() -> None:
    verification.register(
        kind=KIND, label_fr="Document d'urbanisme", label_ar="وثيقة التعمير", verify=document_verified
    )
