"""The récépissé's entry in the kernel's verification registry (kind `courrier.receipt`): a code printed on a
récépissé → what the public page may say. Reads this commune's letters (the schema isolates)."""

from __future__ import annotations

from django.utils import timezone

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import Mail, Status

KIND = "courrier.receipt"


def receipt_verified(code: str) -> VerifiedDocument | None:
    """The verdict for a récépissé's code; None when no letter of this commune has it. A confidential letter's
    correspondent is not shown; a letter marked deleted is "cancelled"."""
    mail = Mail.objects.select_related("correspondent").filter(code=code.strip().upper()).first()
    if mail is None:
        return None
    number_fr, number_ar = verification.number_words(mail.number)
    return VerifiedDocument(
        kind_fr="Récépissé de courrier",
        kind_ar="وصل إيداع مراسلة",
        number=mail.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder="—" if mail.confidential else mail.correspondent.name,
        date=timezone.localdate(mail.registered_at),
        office_fr="Bureau d'ordre",
        office_ar="مكتب الضبط",
        status="cancelled" if mail.status == Status.DELETED else "valid",
    )


def register() -> None:
    verification.register(
        kind=KIND, label_fr="Récépissé de courrier", label_ar="وصل إيداع مراسلة", verify=receipt_verified
    )
