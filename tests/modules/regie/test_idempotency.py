"""A retried payment never charges twice: the counter's forms carry a one-time key, the API an Idempotency-Key
header; a retry with the same key gets the first quittance (same number, no new row), the same key for another
payment is refused (409), and the database keeps one key per agent."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from jamaa.modules.regie import services
from jamaa.modules.regie.models import PaymentKey, Quittance

from .factories import installed

pytestmark = pytest.mark.django_db
API = "/regie/api"


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        ref = installed(passwords=False)  # token and force_login: no password hashing
        ref["token"] = Token.objects.create(user=ref["agent"]).key
        ref["liquidation"] = services.liquidation_create(
            actor=ref["agent"],
            data=services.LiquidationInput(
                regie_id=ref["regie"].pk,
                redevable_id=ref["company"].pk,
                tax_id=ref["taxes"]["ODP"].pk,
                base=Decimal("5"),
                period="2026",
                on=timezone.localdate(),
            ),
        )
        yield ref


def quittances() -> list[tuple[int, int]]:
    with schema_context("fes"):
        return list(Quittance.objects.order_by("pk").values_list("pk", "number"))


def cashier(fes, ref) -> Client:
    client = Client(HTTP_HOST=fes.host)
    client.force_login(ref["agent"])
    return client


def form_key(page: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert found, "the payment form carries its one-time key"
    return found.group(1)


def test_the_counter_form_posted_twice_issues_one_quittance(fes, ref) -> None:
    # given the counter's payment form, with its one-time key
    client = cashier(fes, ref)
    url = f"/regie/redevables/{ref['person'].pk}/pay/"
    key = form_key(client.get(url).content.decode())
    assert key != form_key(client.get(url).content.decode())  # each form its own key
    payment = {
        "tax": ref["taxes"]["LEGALISATION"].pk,
        "base": "2",
        "period": "2026",
        "payment_method": "cash",
        "idempotency_key": key,
        "confirm": "1",
    }
    # when the cashier presses "Collect" twice (the first answer was lost)
    first = client.post(url, payment)
    second = client.post(url, payment)
    # then one quittance, and both answers lead to it
    [(quittance_id, number)] = quittances()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/regie/quittances/{quittance_id}/?new=1"
    page = client.get(second["Location"]).content.decode()
    assert f"n° {number}" in page and "déjà enregistré" in page
    # and the same form sent with another amount is refused, nothing collected, with a fresh key to go on
    refused = client.post(url, payment | {"base": "3"})
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "déjà servi" in body and form_key(body) != key
    assert quittances() == [(quittance_id, number)]


def test_the_liquidation_pay_form_posted_twice_issues_one_quittance(fes, ref) -> None:
    client = cashier(fes, ref)
    url = f"/regie/liquidations/{ref['liquidation'].pk}/"
    key = form_key(client.get(url).content.decode())
    # a form without its key (a page kept from before the key existed) collects nothing
    missing = client.post(f"{url}pay/", {"payment_method": "cash"})
    assert missing.status_code == 400 and "expiré" in missing.content.decode() and quittances() == []
    first = client.post(f"{url}pay/", {"payment_method": "cash", "idempotency_key": key})
    second = client.post(f"{url}pay/", {"payment_method": "cash", "idempotency_key": key})
    [(quittance_id, _number)] = quittances()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/regie/quittances/{quittance_id}/?new=1"


def test_api_payments_with_the_same_key_return_the_first_quittance(fes, ref) -> None:
    client = Client(HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Token {ref['token']}")
    body = {"redevable_id": ref["person"].pk, "tax_id": ref["taxes"]["LEGALISATION"].pk, "base": "1",
            "period": "2026", "payment_method": "cash"}  # fmt: skip

    def pay(data: dict, key: str | None = "pos-42/1"):
        headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
        return client.post(f"{API}/quittances/", data, content_type="application/json", **headers)

    # when the same payment is posted twice with one key
    first, second = pay(body), pay(body)
    # then the same quittance twice (same id and number), the second marked as a replay, one row
    assert first.status_code == second.status_code == 201, first.content
    assert first.json() == second.json()
    assert "Idempotent-Replayed" not in first and second["Idempotent-Replayed"] == "true"
    assert quittances() == [(first.json()["id"], first.json()["number"])]
    # the key reused for another payment: 409, nothing collected
    reused = pay(body | {"base": "2"})
    assert reused.status_code == 409 and reused.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert reused.json()["extra"] == {"quittance_id": first.json()["id"]}
    # a key that is not one: 400; without a key, each call is its own payment
    assert pay(body, key="two words").json()["code"] == "INVALID_IDEMPOTENCY_KEY"
    assert pay(body, key=None).status_code == 201 and len(quittances()) == 2
    # paying a liquidation: a retry gets its quittance back instead of "already paid"
    url = f"{API}/liquidations/{ref['liquidation'].pk}/pay/"
    once = client.post(url, {"payment_method": "cash"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="liq-1")
    again = client.post(url, {"payment_method": "cash"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="liq-1")
    assert once.status_code == again.status_code == 201 and once.json()["id"] == again.json()["id"]
    assert len(quittances()) == 3
    other = client.post(url, {"payment_method": "cash"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="liq-2")
    assert other.status_code == 409 and other.json()["code"] == "LIQUIDATION_NOT_PAYABLE"


def test_the_database_keeps_one_key_per_agent(fes, ref) -> None:
    with schema_context("fes"):
        made = services.counter_payment(
            actor=ref["agent"],
            idempotency_key="k-1",
            data=services.CounterPaymentInput(
                regie_id=ref["regie"].pk,
                redevable_id=ref["person"].pk,
                tax_id=ref["taxes"]["LEGALISATION"].pk,
                base=Decimal("1"),
                period="2026",
                payment_method="cash",
                on=timezone.localdate(),
            ),
        )
        other = services.counter_payment(
            actor=ref["agent2"],
            idempotency_key="k-1",
            data=services.CounterPaymentInput(
                regie_id=ref["regie"].pk,
                redevable_id=ref["person"].pk,
                tax_id=ref["taxes"]["LEGALISATION"].pk,
                base=Decimal("1"),
                period="2026",
                payment_method="cash",
                on=timezone.localdate(),
            ),
        )
        assert not made.replayed and not other.replayed and made.quittance.pk != other.quittance.pk
        # a second row for the same (agent, key), written behind the service's back, is refused by the database
        with pytest.raises(IntegrityError), transaction.atomic():
            PaymentKey.objects.create(agent=ref["agent"], key="k-1", fingerprint="x", quittance=other.quittance)
        # and a key, once recorded, is never rewritten
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            PaymentKey.objects.filter(quittance=made.quittance).update(key="k-2")
