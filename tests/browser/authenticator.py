"""The console asks every operator for a second factor: in a browser test, the first login goes through the
enrolment step, whose page prints the key an authenticator app would read from the QR code."""

from __future__ import annotations

import time
from base64 import b32decode
from typing import Any

from django_otp.oath import TOTP


def code_for(secret: str) -> str:
    totp = TOTP(b32decode(secret))
    totp.time = time.time()
    return str(totp.token()).zfill(6)


def enrol_on_first_login(page: Any) -> None:
    """On the enrolment step: read the key, type the code the app would show, submit."""
    page.wait_for_selector("#totp-qr svg")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#id_code", code_for(secret))
    page.click("#code-submit")
