"""Payments at the counter and through the API, idempotent by key."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from .. import exceptions
from ..models import (
    PaymentKey,
    Quittance,
)
from .incidents import _advisory_xact_lock
from .liquidations import liquidation_pay
from .quittances import CENT, QuittanceInput, quittance_issue

# --- Payments at the counter and through the API, idempotent by key ---------------------------------------------
# A cashier who presses "Collect" again after a timeout, a browser that resends the form, an API client that
# retries: each carries the key of the first attempt (the form's one-time token, the API's Idempotency-Key header)
# and gets the quittance that attempt issued — same number, nothing charged twice. The key is stored with the
# quittance, unique per agent in the database; the same key for another payment is refused (409).

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,100}$")


@dataclass(frozen=True)
class Payment:
    quittance: Quittance
    replayed: bool  # True: a retry, answered with the quittance the key's first attempt issued (nothing charged)


def _fingerprint(**what: Any) -> str:
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()


def _once(*, agent: Any, key: str | None, fingerprint: str, pay: Callable[[], Quittance]) -> Payment:
    """Run `pay` once per (agent, key): under a lock on the key, a key already recorded answers its quittance
    (the same payment) or IdempotencyKeyReused (another one); otherwise pay and record the key with it."""
    if key is None:
        return Payment(pay(), replayed=False)
    if not IDEMPOTENCY_KEY.match(key):
        raise exceptions.InvalidIdempotencyKey(extra={"fields": {"idempotency_key": ["1..100 visible characters."]}})
    # Concurrent retries wait here for the first one, then find its key (read committed: a fresh snapshot).
    _advisory_xact_lock(f"regie-payment-key:{agent.pk}:{key}")
    found = PaymentKey.objects.select_related("quittance").filter(agent_id=agent.pk, key=key).first()
    if found is not None:
        if found.fingerprint != fingerprint:
            raise exceptions.IdempotencyKeyReused(extra={"quittance_id": found.quittance_id})
        return Payment(found.quittance, replayed=True)
    quittance = pay()
    PaymentKey.objects.create(agent=agent, key=key, fingerprint=fingerprint, quittance=quittance)
    return Payment(quittance, replayed=False)


@dataclass(frozen=True)
class CounterPaymentInput:
    """A payment at the counter: a fixed fee or tariff (base × rate in force `on`); a cheque carries its number
    and bank."""

    regie_id: int
    redevable_id: int
    tax_id: int
    base: Decimal
    period: str
    payment_method: str
    on: dt.date
    cheque_number: str = ""
    cheque_bank: str = ""


@transaction.atomic
def counter_payment(*, actor: Any, idempotency_key: str | None, data: CounterPaymentInput) -> Payment:
    """A payment at the counter, once per idempotency key: a retry returns the first quittance. Raises
    InvalidIdempotencyKey, IdempotencyKeyReused, and quittance_issue's errors."""
    cheque_number, cheque_bank = data.cheque_number, data.cheque_bank
    fingerprint = _fingerprint(
        kind="counter",
        regie=data.regie_id,
        redevable=data.redevable_id,
        tax=data.tax_id,
        base=str(Decimal(data.base).quantize(CENT)),
        period=data.period.strip(),
        method=data.payment_method,
        **({"cheque": [cheque_number.strip(), cheque_bank.strip()]} if cheque_number or cheque_bank else {}),
    )
    issue = QuittanceInput(
        regie_id=data.regie_id,
        exercice=data.on.year,
        redevable_id=data.redevable_id,
        tax_id=data.tax_id,
        base=data.base,
        period=data.period,
        payment_method=data.payment_method,
        on=data.on,
        cheque_number=cheque_number,
        cheque_bank=cheque_bank,
    )
    return _once(
        agent=actor, key=idempotency_key, fingerprint=fingerprint, pay=lambda: quittance_issue(actor=actor, data=issue)
    )


@transaction.atomic
def liquidation_payment(
    *, actor: Any, idempotency_key: str | None, liquidation_id: int, payment_method: str, on: dt.date | None = None
) -> Payment:
    """Pay a liquidation (liquidation_pay) once per idempotency key: a retry returns the first quittance instead
    of "already paid". Raises InvalidIdempotencyKey, IdempotencyKeyReused, and liquidation_pay's errors."""
    fingerprint = _fingerprint(kind="liquidation", liquidation=liquidation_id, method=payment_method)
    return _once(
        agent=actor,
        key=idempotency_key,
        fingerprint=fingerprint,
        pay=lambda: liquidation_pay(actor=actor, liquidation_id=liquidation_id, payment_method=payment_method, on=on),
    )
