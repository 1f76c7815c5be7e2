"""The civil registry's documents in the kernel's verification registry (`/verify/etatcivil.document/<code>/`).

The adapter answers what a verifier compares with the paper: the document's title, the act's number and year,
the person the act is about, the day it was issued, the bureau, and whether it still reflects the register: a
marginal note added after the document was issued supersedes it (ask for a new copy). The module's own page
`/etatcivil/verify/<code>/` keeps answering for the QR codes already printed.
"""

from __future__ import annotations

from django.utils import timezone

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.words import number_ar

from .documents import document_title
from .models import IssuedDocument

KIND = "etatcivil.document"


def document_verified(code: str) -> verification.VerifiedDocument | None:
    """The issued document with this verification code in this commune, or None. Reads only."""
    document = (
        IssuedDocument.objects.select_related("act__register__bureau")
        .filter(verification_code=code.strip().upper())
        .first()
    )
    if document is None:
        return None
    act = document.act
    register = act.register
    title_fr, title_ar = document_title(document.kind, act.kind)
    number_fr, number_ar_ = verification.number_words(act.number or 0)
    holder_fr = " ".join(p for p in (act.given_name_fr, act.family_name_fr) if p)
    holder_ar = f"{act.given_name_ar} {act.family_name_ar}".strip()
    superseded = act.notes.filter(created_at__gt=document.issued_at).exists()
    return verification.VerifiedDocument(
        kind_fr=title_fr,
        kind_ar=title_ar,
        number=f"{act.number}/{register.year}",
        number_fr=f"{number_fr} — année {verification.number_words(register.year)[0]}",
        number_ar=f"{number_ar_} — سنة {number_ar(register.year, case='genitive')}",
        holder=f"{holder_fr} — {holder_ar}" if holder_fr else holder_ar,
        date=timezone.localtime(document.issued_at).date(),
        office_fr=f"Bureau d'état civil : {register.bureau.name_fr}",
        office_ar=f"مكتب الحالة المدنية: {register.bureau.name_ar}",
        status="superseded" if superseded else "valid",
    )


def register() -> None:
    """Called from the AppConfig's ready()."""
    verification.register(
        kind=KIND, label_fr="Document d'état civil", label_ar="وثيقة الحالة المدنية", verify=document_verified
    )
