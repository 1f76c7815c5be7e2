"""Verification codes of quittances: the receipt's code and QR, checked by the commune's public page.

The scheme (also implemented by the collectors' app, which signs offline with the key handed over with its
block of numbers):

    key        = HMAC-SHA256(SECRET_KEY, f"{schema}:block:{block_id}")   a quittance numbered from a block
               = HMAC-SHA256(SECRET_KEY, f"{schema}:counter")             a quittance numbered at the counter
    signature  = HMAC-SHA256(bytes.fromhex(key), f"{exercice}|{series}|{number}|{amount_dh:.2f}")[:12]  (hex)
    code       = f"{exercice}-{series}-{number}-{signature}"

The schema name in the key ties a code to its commune: a Fès code checked on Meknès' host finds nothing. The code
carries no amount: a receipt the commune has not received yet (signed offline, not synced) can only be checked
when the amount printed on it is given; the page then checks the signature with the key of the block that holds
the number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from django.conf import settings
from django.db import connection

from jamaa.platform.kernel.verification import VerifiedDocument, number_words
from jamaa.platform.kernel.verification import register as register_document_kind

from .models import Quittance, QuittanceBlock

__all__ = [
    "ParsedCode",
    "Verification",
    "block_key",
    "counter_key",
    "parse_code",
    "quittance_code",
    "sign",
    "verify",
]

SIGNATURE_LENGTH = 12
_CODE = re.compile(r"^(?P<exercice>\d{4})-(?P<series>[A-Za-z0-9]{1,10})-(?P<number>\d{1,9})-(?P<sig>[0-9a-f]{12})$")

Status = Literal["valid", "cancelled", "unsynced", "unsynced_unchecked"]


def _schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def _hmac_hex(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def block_key(*, block_id: int, schema_name: str | None = None) -> str:
    """The signing key handed to a collector's device with its block (hex)."""
    schema = schema_name or _schema()
    return _hmac_hex(settings.SECRET_KEY.encode(), f"{schema}:block:{block_id}")


def counter_key(*, schema_name: str | None = None) -> str:
    """The key of the quittances numbered at the counter (hex)."""
    schema = schema_name or _schema()
    return _hmac_hex(settings.SECRET_KEY.encode(), f"{schema}:counter")


def sign(*, key: str, exercice: int, series: str, number: int, amount_dh: Decimal) -> str:
    return _hmac_hex(bytes.fromhex(key), f"{exercice}|{series}|{number}|{amount_dh:.2f}")[:SIGNATURE_LENGTH]


def _key_for(quittance: Quittance) -> str:
    return block_key(block_id=quittance.block_id) if quittance.block_id else counter_key()


def quittance_code(quittance: Quittance) -> str:
    """The code printed on a quittance (and in its QR's URL). Needs `series` loaded (one query otherwise)."""
    series = quittance.series
    signature = sign(
        key=_key_for(quittance),
        exercice=series.exercice,
        series=series.series,
        number=quittance.number,
        amount_dh=quittance.amount_dh,
    )
    return f"{series.exercice}-{series.series}-{quittance.number}-{signature}"


@dataclass(frozen=True)
class ParsedCode:
    exercice: int
    series: str
    number: int
    signature: str


def parse_code(code: str) -> ParsedCode | None:
    match = _CODE.match(code.strip())
    if match is None:
        return None
    return ParsedCode(int(match["exercice"]), match["series"], int(match["number"]), match["sig"])


@dataclass(frozen=True)
class Verification:
    """What the public page may say about a genuine code. `status`: valid, cancelled, unsynced (signed offline
    from a block, amount given and signature right, not received yet), unsynced_unchecked (the number lies in a
    collector's block but is not received yet, and no amount was given to check the signature with)."""

    status: Status
    exercice: int
    series: str
    number: int
    regie_fr: str = ""
    regie_ar: str = ""
    day: dt.date | None = None
    amount_dh: Decimal | None = None
    payer: str = ""
    tax_fr: str = ""
    tax_ar: str = ""
    budget_line: str = ""
    period: str = ""
    cancelled_on: dt.date | None = None
    block_closed: bool = False


def _amount(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.strip().replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value > 0 else None


def verify(*, code: str, amount: str | None = None) -> Verification | None:
    """The verdict on a code in the current commune's schema, or None when no receipt of this commune has it.
    `amount` (as printed on the receipt) lets a receipt signed offline and not yet received be checked."""
    parsed = parse_code(code)
    if parsed is None:
        return None
    candidates = (
        Quittance.objects.filter(series__exercice=parsed.exercice, series__series=parsed.series, number=parsed.number)
        .select_related("series__regie", "tax", "cancellation")
        .order_by("pk")
    )
    for q in candidates:
        expected = sign(
            key=_key_for(q),
            exercice=parsed.exercice,
            series=parsed.series,
            number=parsed.number,
            amount_dh=q.amount_dh,
        )
        if hmac.compare_digest(expected, parsed.signature):
            cancellation = getattr(q, "cancellation", None)
            return Verification(
                status="cancelled" if cancellation is not None else "valid",
                exercice=parsed.exercice,
                series=parsed.series,
                number=parsed.number,
                regie_fr=q.series.regie.name_fr,
                regie_ar=q.series.regie.name_ar,
                day=q.day,
                amount_dh=q.amount_dh,
                payer=q.payer_name,
                tax_fr=q.tax.name_fr,
                tax_ar=q.tax.name_ar,
                budget_line=q.budget_line,
                period=q.period,
                cancelled_on=cancellation.cancelled_at.date() if cancellation is not None else None,
            )
    if candidates:
        return None  # the number was received with another amount (or from another commune): a forgery
    blocks = QuittanceBlock.objects.filter(
        series__exercice=parsed.exercice,
        series__series=parsed.series,
        first_number__lte=parsed.number,
        last_number__gte=parsed.number,
    ).select_related("series__regie")
    given = _amount(amount)
    for block in blocks:
        base = {
            "exercice": parsed.exercice,
            "series": parsed.series,
            "number": parsed.number,
            "regie_fr": block.series.regie.name_fr,
            "regie_ar": block.series.regie.name_ar,
            "block_closed": block.closed_at is not None,
        }
        if given is None:
            return Verification(status="unsynced_unchecked", **base)  # type: ignore[arg-type]
        expected = sign(
            key=block_key(block_id=block.pk),
            exercice=parsed.exercice,
            series=parsed.series,
            number=parsed.number,
            amount_dh=given,
        )
        if hmac.compare_digest(expected, parsed.signature):
            return Verification(status="unsynced", amount_dh=given, **base)  # type: ignore[arg-type]
    return None


# ------------------------------------------------------------------------ the kernel's verification registry

KERNEL_KIND = "regie.quittance"


def quittance_verified(code: str) -> VerifiedDocument | None:
    """The kernel page's answer (`/verify/regie.quittance/<code>/`) for a quittance received by the commune.
    A receipt signed offline and not received yet needs the printed amount to be checked: only the régie's own
    page (`/regie/verify/<code>/?amount=…`) can say so, the kernel page answers None. Reads only."""
    found = verify(code=code)
    if found is None or found.status not in ("valid", "cancelled") or found.day is None:
        return None
    number_fr, number_ar = number_words(found.number)
    return VerifiedDocument(
        kind_fr="Quittance",
        kind_ar="وصل أداء",
        number=f"{found.exercice}/{found.series}/{found.number:06d}",
        number_fr=number_fr,
        number_ar=number_ar,
        holder=found.payer,
        date=found.day,
        office_fr=found.regie_fr,
        office_ar=found.regie_ar,
        status="cancelled" if found.status == "cancelled" else "valid",
    )


def register_kernel_verification() -> None:
    """Called from the AppConfig's ready()."""
    register_document_kind(kind=KERNEL_KIND, label_fr="Quittance", label_ar="وصل أداء", verify=quittance_verified)
