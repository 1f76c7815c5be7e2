"""The payment order's entry in the kernel's verification registry (kind `budget.order`): the code printed on an
ordre de paiement → what the public page may say. Reads this commune's orders (the schema isolates)."""

from __future__ import annotations

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import PaymentOrder

KIND = "budget.order"


def order_verified(code: str) -> VerifiedDocument | None:
    """The verdict for a payment order's code; None when no order of this commune has it."""
    order = PaymentOrder.objects.filter(code=code.strip().upper()).first()
    if order is None:
        return None
    number_fr, number_ar = verification.number_words(order.number)
    return VerifiedDocument(
        kind_fr="Ordre de paiement",
        kind_ar="أمر بالأداء",
        number=order.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=order.beneficiary,
        date=order.issued_on,
        office_fr="Ordonnateur de la commune",
        office_ar="الآمر بالصرف للجماعة",
        status="valid",
    )


def register() -> None:
    verification.register(kind=KIND, label_fr="Ordre de paiement", label_ar="أمر بالأداء", verify=order_verified)
