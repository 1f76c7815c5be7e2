"""The verification code of a receipt taken from a block (the scheme of the régie's verification page):

key = HMAC-SHA256(SECRET_KEY, "<schema>:block:<block_id>") hex, handed to the device with its block;
signature = HMAC-SHA256(bytes.fromhex(key), "<exercice>|<series>|<number>|<amount:.2f>") hex[:12];
code = "<exercice>-<series>-<number>-<signature>". The app (static/collecte/app.js) computes the same offline.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal

from django.conf import settings
from django.db import connection


def block_key(*, block_id: int) -> str:
    message = f"{connection.schema_name}:block:{block_id}".encode()  # type: ignore[attr-defined]
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def receipt_code(*, key: str, exercice: int, series: str, number: int, amount_dh: Decimal) -> str:
    message = f"{exercice}|{series}|{number}|{amount_dh:.2f}".encode()
    signature = hmac.new(bytes.fromhex(key), message, hashlib.sha256).hexdigest()[:12]
    return f"{exercice}-{series}-{number}-{signature}"
