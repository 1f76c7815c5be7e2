"""Issue 13.7: the TOTP second factor, required on the console and optional for a commune's staff."""

from __future__ import annotations

import re
import time
from base64 import b32decode
from binascii import hexlify

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django_otp.oath import TOTP
from django_tenants.utils import schema_context

from jamaa.platform.core import twofactor
from jamaa.platform.core.models import AuditEvent
from tests.conftest import SharedCommune
from tests.console.test_console_views import CONSOLE, make_user

pytestmark = pytest.mark.django_db


def code_from_secret(secret: str, *, ahead: int = 0) -> str:
    """What an authenticator app shows for the base32 key printed on the enrolment page."""
    totp = TOTP(b32decode(secret))
    totp.time = time.time() + 30 * ahead
    return str(totp.token()).zfill(6)


def test_an_operator_without_a_device_enrols_at_the_first_login_and_then_needs_a_code() -> None:
    make_user("totp-operator", operator=True)
    client = Client(HTTP_HOST=CONSOLE)
    # when the operator gives the right password
    first = client.post("/login/", {"username": "totp-operator", "password": "Console-pass-2026!"})
    # then no session yet: the enrolment step, with a QR code and the key
    assert first.status_code == 302 and first["Location"] == "/login/enrol/"
    assert client.get("/").status_code == 302  # the fleet still sends them to the login page
    page = client.get("/login/enrol/").content.decode()
    assert "<svg" in page
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)  # type: ignore[union-attr]
    # a wrong code is refused
    wrong = client.post("/login/enrol/", {"code": "000000" if code_from_secret(secret) != "000000" else "111111"})
    assert wrong.status_code == 400 and 'id="code-error"' in wrong.content.decode()
    # the code of the app signs them in (after django-otp's back-off: a second after one wrong code)
    time.sleep(1.1)
    done = client.post("/login/enrol/", {"code": code_from_secret(secret)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    user = get_user_model().objects.get(username="totp-operator")
    assert AuditEvent.objects.filter(action="auth.second_factor.enrolled", actor_id=user.pk).count() == 1
    # next time: the password, then a code
    other = Client(HTTP_HOST=CONSOLE)
    again = other.post("/login/", {"username": "totp-operator", "password": "Console-pass-2026!"})
    assert again["Location"] == "/login/verify/"
    assert other.post("/login/verify/", {"code": "12345x"}).status_code == 400
    assert other.get("/").status_code == 302
    time.sleep(1.1)
    assert other.post("/login/verify/", {"code": code_from_secret(secret, ahead=1)}).status_code == 302
    assert other.get("/").status_code == 200


def test_the_code_step_expires_with_the_pending_sign_in() -> None:
    client = Client(HTTP_HOST=CONSOLE)
    response = client.post("/login/verify/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_operator_tokens_need_the_second_factor() -> None:
    make_user("totp-api", operator=True)
    api = Client(HTTP_HOST=CONSOLE)
    # without a device: enrol in a browser first
    refused = api.post("/api/auth/token/", {"username": "totp-api", "password": "Console-pass-2026!"})
    assert refused.status_code == 403 and refused.json()["code"] == "SECOND_FACTOR_NOT_ENROLLED"
    user = get_user_model().objects.get(username="totp-api")
    device = twofactor.enrolment_start(user=user)
    device.confirmed = True
    device.save()
    # with a device: the code is required, and must be right
    missing = api.post("/api/auth/token/", {"username": "totp-api", "password": "Console-pass-2026!"})
    assert missing.status_code == 401 and missing.json()["code"] == "SECOND_FACTOR_REQUIRED"
    assert set(missing.json()) == {"code", "message", "extra"}
    ok = api.post(
        "/api/auth/token/",
        {"username": "totp-api", "password": "Console-pass-2026!", "otp": twofactor.current_code(device=device)},
    )
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40


def test_commune_staff_may_turn_on_the_second_factor(fes: SharedCommune) -> None:
    client = Client(HTTP_HOST=fes.host)
    with schema_context("fes"):
        get_user_model().objects.create_user(username="officer-2fa", password="Officer-pass-2026!")
    # without it, the password alone signs in (and a token comes without a code)
    assert client.post("/login/", {"username": "officer-2fa", "password": "Officer-pass-2026!"})["Location"] == "/"
    page = client.get("/account/security/").content.decode()
    assert 'data-enrolled="0"' in page
    # when the officer turns it on with their app
    start = client.post("/account/security/", {"start": "1"}).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', start).group(1)  # type: ignore[union-attr]
    done = client.post("/account/security/", {"code": code_from_secret(secret)})
    assert done.status_code == 302
    assert 'data-enrolled="1"' in client.get("/account/security/").content.decode()
    # then the next sign-in asks for a code
    other = Client(HTTP_HOST=fes.host)
    assert other.post("/login/", {"username": "officer-2fa", "password": "Officer-pass-2026!"})["Location"] == (
        "/login/verify/"
    )
    assert other.get("/").status_code == 302
    assert other.post("/login/verify/", {"code": code_from_secret(secret, ahead=1)})["Location"] == "/"
    assert other.get("/").status_code == 200
    # and the commune's token endpoint wants the code too
    token = Client(HTTP_HOST=fes.host).post(
        "/api/auth/token/", {"username": "officer-2fa", "password": "Officer-pass-2026!"}
    )
    assert token.status_code == 401 and token.json()["code"] == "SECOND_FACTOR_REQUIRED"
    # the device lives in Fès only: Meknès knows nothing of it
    with schema_context("meknes"):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        assert not TOTPDevice.objects.exists()


def test_the_totp_command_is_refused_without_debug() -> None:
    assert settings.DEBUG is False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("totp", "operator")


def test_the_enrolment_secret_is_the_devices_key() -> None:
    user = make_user("totp-key")
    device = twofactor.enrolment_start(user=user)
    assert hexlify(b32decode(twofactor.secret_base32(device=device))).decode() == device.key
