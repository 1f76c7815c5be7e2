"""Citizen sign-in by one-time code: the code is sent (email; SMS through the pluggable sender), used once, five
tries, limited per address and per network address; a phone number is normalised."""

from __future__ import annotations

import random
import re

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context

from jamaa.modules.portail import exceptions, services
from jamaa.modules.portail.models import Citizen, OneTimeCode

from ..factories import unique_email

pytestmark = pytest.mark.django_db

SENT: list[tuple[str, str, str]] = []


class RecordingSender:
    def send(self, *, address: str, channel: str, text: str) -> None:
        SENT.append((address, channel, text))


def _code(mailoutbox, address: str) -> str:
    return re.search(r"\b(\d{6})\b", [m for m in mailoutbox if address in m.to][-1].body).group(1)  # type: ignore[union-attr]


def test_addresses_are_normalised() -> None:
    assert services.address_normalize("  Someone@Example.MA ") == ("someone@example.ma", "email")
    assert services.address_normalize("06 12 34 56 78") == ("+212612345678", "sms")
    assert services.address_normalize("00212712345678") == ("+212712345678", "sms")
    for bad in ("", "12345", "+33612345678", "not an email@"):
        with pytest.raises(exceptions.AddressInvalid):
            services.address_normalize(bad)


def test_a_code_signs_in_once_and_creates_the_account(fes, mailoutbox) -> None:
    address = unique_email()
    with schema_context("fes"):
        services.citizen_code_send(address=address, client_ip="10.9.0.1")
        code = _code(mailoutbox, address)
        assert OneTimeCode.objects.get(address=address).code_hash != code  # only a hash is kept
        citizen = services.citizen_sign_in(address=address.upper(), code=code)
        assert citizen.email == address and Citizen.objects.filter(email=address).count() == 1
        with pytest.raises(exceptions.CodeInvalid):
            services.citizen_sign_in(address=address, code=code)  # used


def test_five_wrong_tries_burn_the_code(fes, mailoutbox) -> None:
    address = unique_email()
    with schema_context("fes"):
        services.citizen_code_send(address=address, client_ip="10.9.0.2")
        code = _code(mailoutbox, address)
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            with pytest.raises(exceptions.CodeInvalid):
                services.citizen_sign_in(address=address, code=wrong)
        with pytest.raises(exceptions.CodeInvalid):
            services.citizen_sign_in(address=address, code=code)  # right, but too late
        assert not Citizen.objects.filter(email=address).exists()


def test_codes_are_limited_per_address_and_per_network_address(fes, mailoutbox) -> None:
    address = unique_email()
    with schema_context("fes"):
        for _ in range(3):
            services.citizen_code_send(address=address, client_ip="10.9.0.3")
        with pytest.raises(exceptions.TooManyAttempts):
            services.citizen_code_send(address=address, client_ip="10.9.0.3")
        ip = f"10.{random.randint(10, 250)}.{random.randint(0, 250)}.99"
        sent = 0
        with pytest.raises(exceptions.TooManyAttempts):
            for _ in range(20):
                services.citizen_code_send(address=unique_email(), client_ip=ip)
                sent += 1
        assert sent == 10


@override_settings(JAMAA_PORTAL_SENDER="tests.modules.portail.services.test_citizens.RecordingSender")
def test_a_phone_gets_its_code_through_the_configured_sender(fes) -> None:
    with schema_context("fes"):
        services.citizen_code_send(address="0661234567", client_ip="10.9.0.4")
        address, channel, text = SENT[-1]
        assert (address, channel) == ("+212661234567", "sms")
        code = re.search(r"\b(\d{6})\b", text).group(1)  # type: ignore[union-attr]
        assert services.citizen_sign_in(address="+212 661 234 567", code=code).phone == "+212661234567"


def test_without_a_gateway_phones_are_refused_in_production(fes) -> None:
    with schema_context("fes"), pytest.raises(exceptions.SenderUnavailable):
        services.citizen_code_send(address="0771234567", client_ip="10.9.0.5")
