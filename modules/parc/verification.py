"""The parc's entries in the kernel's verification registry: a mission order (`parc.mission`) and a fuel voucher
(`parc.voucher`), by the code printed under their QR. Reads this commune's tables (the schema isolates).

A voucher is "valid" while it can still be used at the pump; once used or cancelled it shows as cancelled (the
holder line says which and when), so that a station never accepts it twice."""

from __future__ import annotations

from django.utils import timezone

from jamaa.platform.kernel import verification
from jamaa.platform.kernel.verification import VerifiedDocument

from .models import MissionOrder, MissionStatus, Voucher, VoucherStatus

MISSION = "parc.mission"
VOUCHER = "parc.voucher"


def mission_verified(code: str) -> VerifiedDocument | None:
    """The verdict for a mission order's code; None when no order of this commune has it."""
    m = MissionOrder.objects.select_related("vehicle").filter(code=code.strip().upper()).first()
    if m is None:
        return None
    number_fr, number_ar = verification.number_words(m.number)
    return VerifiedDocument(
        kind_fr="Ordre de mission",
        kind_ar="أمر بمهمة",
        number=m.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=f"{m.agent_name} · {m.vehicle.plate} · {m.destination} · {m.depart_on:%d/%m/%Y}–{m.return_on:%d/%m/%Y}",
        date=timezone.localdate(m.created_at),
        office_fr="Parc automobile",
        office_ar="حظيرة السيارات",
        status="cancelled" if m.status == MissionStatus.CANCELLED else "valid",
    )


def voucher_verified(code: str) -> VerifiedDocument | None:
    """The verdict for a fuel voucher's code: valid while unused."""
    v = (
        Voucher.objects.select_related("book__vehicle", "book__service", "use")
        .filter(code=code.strip().upper())
        .first()
    )
    if v is None:
        return None
    book = v.book
    holder = book.vehicle.plate if book.vehicle else (book.service.name_fr if book.service else "")
    if v.status == VoucherStatus.USED:
        holder += f" · utilisé le {v.use.used_on:%d/%m/%Y} · استعمل"
    elif v.status == VoucherStatus.CANCELLED:
        holder += " · annulé · ملغى"
    number_fr, number_ar = verification.number_words(v.number)
    return VerifiedDocument(
        kind_fr=f"Bon de carburant ({book.face_value} DH)",
        kind_ar=f"بون الوقود ({book.face_value} درهم)",
        number=v.reference,
        number_fr=number_fr,
        number_ar=number_ar,
        holder=holder,
        date=book.issued_on,
        office_fr="Parc automobile",
        office_ar="حظيرة السيارات",
        status="valid" if v.status == VoucherStatus.ISSUED else "cancelled",
    )


def register() -> None:
    verification.register(kind=MISSION, label_fr="Ordre de mission", label_ar="أمر بمهمة", verify=mission_verified)
    verification.register(kind=VOUCHER, label_fr="Bon de carburant", label_ar="بون الوقود", verify=voucher_verified)
