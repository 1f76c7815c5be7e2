"""The TOTP second factor (django-otp), in the current schema: required for the console's staff, optional for a
commune's staff. A device is confirmed only once a code from it was accepted. Codes are checked by django-otp,
which also slows down repeated wrong codes (exponential back-off per device).
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jamaa.platform.errors import DomainError

from .services import audit_record

DEVICE_NAME = "authenticator"


class SecondFactorRequired(DomainError):
    code = "SECOND_FACTOR_REQUIRED"
    message = _("This account signs in in two steps: send the code of its authenticator app as `otp`.")
    http_status = 401


class SecondFactorNotEnrolled(DomainError):
    code = "SECOND_FACTOR_NOT_ENROLLED"
    message = _("This account has no authenticator yet: sign in to the console once in a browser to set it up.")
    http_status = 403


def second_factor_required(*, user: AbstractBaseUser) -> bool:
    """Everyone signing in to the console (the public schema); elsewhere whoever enrolled a device."""
    if getattr(connection, "schema_name", "public") == "public":
        return True
    return confirmed_device(user=user) is not None


def confirmed_device(*, user: AbstractBaseUser) -> TOTPDevice | None:
    device: TOTPDevice | None = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("-pk").first()
    return device


@transaction.atomic
def enrolment_start(*, user: AbstractBaseUser) -> TOTPDevice:
    """A new unconfirmed device with a fresh secret (earlier unconfirmed ones are dropped: never used)."""
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def enrolment_confirm(*, user: AbstractBaseUser, device_id: int, code: str) -> TOTPDevice | None:
    """Confirm the unconfirmed device `device_id` of `user` with a code it shows; it replaces any earlier device.
    Returns None for a wrong code (nothing changes). Audited."""
    device = TOTPDevice.objects.select_for_update().filter(pk=device_id, user_id=user.pk, confirmed=False).first()
    if device is None or not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(actor=user, action="auth.second_factor.enrolled", data={"device": device.pk})
    return device


def code_verify(*, user: AbstractBaseUser, code: str) -> TOTPDevice | None:
    """The user's confirmed device if `code` is its current code, else None (counted by django-otp's back-off)."""
    device = confirmed_device(user=user)
    if device is None or not device.verify_token(code.strip()):
        return None
    return device


def token_second_factor_check(*, user: AbstractBaseUser, code: str) -> None:
    """For the token endpoints: a user who signs in in two steps must send a valid code. Raises
    SecondFactorNotEnrolled (console user without a device), SecondFactorRequired (no or a wrong code)."""
    if not second_factor_required(user=user):
        return
    if confirmed_device(user=user) is None:
        raise SecondFactorNotEnrolled()
    if not code or code_verify(user=user, code=code) is None:
        raise SecondFactorRequired()


def qr_svg(*, device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (no style attribute: the CSP forbids them)."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)
    return svg


def secret_base32(*, device: TOTPDevice) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def current_code(*, device: TOTPDevice, at: float | None = None) -> str:
    """The code the device shows now (for the DEBUG-only `jamaa totp` command and the tests)."""
    totp: Any = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return str(totp.token()).zfill(device.digits)
