"""The collectors' sync API on a commune's host: devices and tokens, blocks, downloads, idempotent uploads,
refusals that spare the rest of a batch, the locked day, cancellations, and another commune's token."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.collecte import signing
from jamaa.modules.collecte.models import Device, RefusedPayment
from jamaa.modules.regie import permissions as regie_permissions
from jamaa.modules.regie import services as regie_services
from jamaa.modules.regie.models import Asset, Quittance, QuittanceBlock, Tariff, Versement
from tests.modules.regie.factories import reference, user_with

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-2026-word!"  # tests/modules/regie/factories.py
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        data = reference()
        data["collector"] = user_with("collector", regie_permissions.AGENT)
        data["other"] = user_with("collector2", regie_permissions.AGENT)
        data["regisseur"] = user_with("regisseur", regie_permissions.REGISSEUR)
        user_with("passer-by")
        yield data


def register(client: Client, host: str, username: str = "collector", name: str = "Phone 1") -> dict:
    response = client.post(
        "/collecte/api/devices/register/",
        {"username": username, "password": PASSWORD, "name": name},
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert response.status_code == 201, response.content
    return response.json()


def call(client: Client, host: str, token: str, method: str, path: str, body: dict | None = None):
    kwargs = {"HTTP_HOST": host, "HTTP_AUTHORIZATION": f"Device {token}"}
    if method == "get":
        return client.get(path, body or {}, **kwargs)
    return client.post(path, body or {}, content_type="application/json", **kwargs)


def draw_block(client: Client, host: str, token: str, regie_id: int, size: int = 10) -> dict:
    response = call(
        client, host, token, "post", "/collecte/api/blocks/", {"regie_id": regie_id, "exercice": 2026, "size": size}
    )
    assert response.status_code == 201, response.content
    return response.json()


def payment(ref, block: dict, number: int, *, base: str = "12.50", day: dt.date = DAY, **kw) -> dict:
    collected = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    body = {
        "uuid": str(uuid.uuid4()),
        "block_id": block["block_id"],
        "number": number,
        "redevable_id": ref["redevable"].pk,
        "tax_id": ref["tax"].pk,
        "base": base,
        "period": "T1 2026",
        "payment_method": "cash",
        "collected_at": collected.isoformat(),
        "amount_dh": str((Decimal(base) * Decimal("70")).quantize(Decimal("0.01"))),
    }
    body.update(kw)
    return body


def upload(client: Client, host: str, token: str, payments: list[dict]) -> dict:
    response = call(client, host, token, "post", "/collecte/api/payments/", {"payments": payments})
    assert response.status_code == 200, response.content
    return response.json()


def test_register_needs_a_collector_and_the_token_works_once_hashed(client: Client, fes, ref) -> None:
    # given wrong credentials, then someone outside the régie
    wrong = client.post(
        "/collecte/api/devices/register/",
        {"username": "collector", "password": "nope", "name": "x"},
        content_type="application/json",
        HTTP_HOST=fes.host,
    )
    assert wrong.status_code == 401 and wrong.json()["code"] == "INVALID_CREDENTIALS"
    outsider = client.post(
        "/collecte/api/devices/register/",
        {"username": "passer-by", "password": PASSWORD, "name": "x"},
        content_type="application/json",
        HTTP_HOST=fes.host,
    )
    assert outsider.status_code == 403 and outsider.json()["code"] == "NOT_A_COLLECTOR"
    # when the collector registers a phone
    device = register(client, fes.host)
    # then its token opens the session, and only its hash is stored
    session = call(client, fes.host, device["token"], "get", "/collecte/api/session/")
    assert session.status_code == 200
    body = session.json()
    assert body["collector"] == "collector" and [r["id"] for r in body["regies"]] == [ref["regie"].pk]
    assert body["commune"]["slug"] == "fes"
    with schema_context("fes"):
        stored = Device.objects.get(pk=device["id"]).tokens.get()
        assert stored.key_hash != device["token"] and len(stored.key_hash) == 64
    # and an unknown token, or none, is refused
    assert call(client, fes.host, "forged", "get", "/collecte/api/session/").status_code == 401
    assert client.get("/collecte/api/session/", HTTP_HOST=fes.host).status_code in (401, 403)


def test_a_revoked_device_is_refused_and_its_blocks_closed(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk)
    # a colleague cannot revoke someone else's device
    other = register(client, fes.host, "collector2", "Phone 2")
    refused = call(client, fes.host, other["token"], "post", f"/collecte/api/devices/{device['id']}/revoke/")
    assert refused.status_code == 404
    # the régisseur revokes it from the web (session)
    client.post("/login/", {"username": "regisseur", "password": PASSWORD}, HTTP_HOST=fes.host)
    listed = client.get("/collecte/api/devices/", HTTP_HOST=fes.host).json()
    assert {d["id"] for d in listed} == {device["id"], other["id"]}
    revoked = client.post(
        f"/collecte/api/devices/{device['id']}/revoke/",
        {"reason": "téléphone perdu"},
        content_type="application/json",
        HTTP_HOST=fes.host,
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    client.logout()
    # then its token stops working at once, and its block is closed (a thief's receipts would be stale)
    response = call(client, fes.host, device["token"], "post", "/collecte/api/payments/", {"payments": []})
    assert response.status_code == 401 and response.json()["code"] == "UNAUTHENTICATED"
    with schema_context("fes"):
        assert QuittanceBlock.objects.get(pk=block["block_id"]).closed_at is not None
    # and the colleague's device still works
    assert call(client, fes.host, other["token"], "get", "/collecte/api/session/").status_code == 200


def test_blocks_are_drawn_from_the_series_with_their_key(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    first = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=10)
    second = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=5)
    assert (first["first_number"], first["last_number"]) == (1, 10)
    assert (second["first_number"], second["last_number"]) == (11, 15)
    with schema_context("fes"):
        assert first["key"] == signing.block_key(block_id=first["block_id"])
    # a third open block is refused until one is returned
    third = call(
        client,
        fes.host,
        device["token"],
        "post",
        "/collecte/api/blocks/",
        {"regie_id": ref["regie"].pk, "exercice": 2026},
    )
    assert third.status_code == 409 and third.json()["code"] == "TOO_MANY_OPEN_BLOCKS"
    listed = call(client, fes.host, device["token"], "get", "/collecte/api/blocks/").json()
    assert [b["block_id"] for b in listed] == [first["block_id"], second["block_id"]]
    returned = call(client, fes.host, device["token"], "post", f"/collecte/api/blocks/{first['block_id']}/return/")
    assert returned.status_code == 200 and returned.json()["closed_at"]
    # keys only over a device's channel: a logged-in collector's session gets no block
    client.post("/login/", {"username": "collector", "password": PASSWORD}, HTTP_HOST=fes.host)
    assert client.get("/collecte/api/blocks/", HTTP_HOST=fes.host).status_code == 403


def test_a_block_is_drawn_only_for_an_open_exercice_and_a_sane_size(client: Client, fes, ref) -> None:
    from django.utils import timezone

    from jamaa.modules.regie.models import QuittanceBlock, QuittanceSeries

    device = register(client, fes.host)
    year = timezone.localdate().year
    # when a device asks for 10,000 numbers of exercice 2200, or too many numbers, or a long-past exercice
    for body in (
        {"exercice": 2200, "size": 10_000},
        {"exercice": year, "size": 1_001},
        {"exercice": year - 2, "size": 10},
        {"exercice": year + 2, "size": 10},
    ):
        response = call(
            client, fes.host, device["token"], "post", "/collecte/api/blocks/", {"regie_id": ref["regie"].pk, **body}
        )
        # then each is refused with a clear error naming the field, and nothing is reserved
        assert response.status_code == 400, (body, response.content)
        # (a size past the schema's bound is refused by the input's validation, the rest by the service)
        assert response.json()["code"] in ("INVALID", "INVALID_QUITTANCE")
        assert set(response.json()["extra"]["fields"]) <= {"exercice", "size"}
    with schema_context("fes"):
        assert not QuittanceBlock.objects.exists() and not QuittanceSeries.objects.filter(last_number__gt=0).exists()
    # last year, this year and next year are open, up to 1,000 numbers
    for exercice in (year - 1, year + 1):
        drawn = call(
            client,
            fes.host,
            device["token"],
            "post",
            "/collecte/api/blocks/",
            {"regie_id": ref["regie"].pk, "exercice": exercice, "size": 1_000},
        )
        assert drawn.status_code == 201 and drawn.json()["last_number"] == 1_000


def test_download_is_incremental(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    with schema_context("fes"):
        Asset.objects.create(
            redevable=ref["redevable"], kind="terrace", reference="ODP-12", surface_m2=Decimal("12.5"), tax=ref["tax"]
        )
    full = call(client, fes.host, device["token"], "get", "/collecte/api/reference/").json()
    assert full["full"] is True
    assert [r["name"] for r in full["redevables"]] == ["Café Atlas"]
    assert [t["code"] for t in full["taxes"]] == ["ODP"]
    assert sorted((t["valid_from"], t["rate"]) for t in full["tariffs"]) == [
        ("2025-01-01", "70.0000"),
        ("2026-07-01", "80.0000"),
    ]
    assert [(a["reference"], a["surface_m2"]) for a in full["assets"]] == [("ODP-12", "12.50")]
    # when a redevable and a tariff version are added
    with schema_context("fes"):
        regie_services.redevable_create(actor=ref["regisseur"], name="Hanout Fatima", cin="AB123456")
        Tariff.objects.create(tax=ref["tax"], rate=Decimal("90"), valid_from=dt.date(2027, 1, 1))
    since = call(client, fes.host, device["token"], "get", "/collecte/api/reference/", {"since": full["cursor"]}).json()
    # then only they come (and recently changed assets, sent again harmlessly)
    assert since["full"] is False
    assert [r["name"] for r in since["redevables"]] == ["Hanout Fatima"]
    assert [t["rate"] for t in since["tariffs"]] == ["90.0000"] and since["taxes"] == []
    bad = call(client, fes.host, device["token"], "get", "/collecte/api/reference/", {"since": "garbage"})
    assert bad.status_code == 400


def test_uploads_are_idempotent_by_uuid(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk)
    batch = [payment(ref, block, n) for n in (1, 2, 3)]
    # when a batch is uploaded
    first = upload(client, fes.host, device["token"], batch)
    assert [r["status"] for r in first["results"]] == ["created"] * 3
    assert [r["number"] for r in first["results"]] == [1, 2, 3]
    assert first["results"][0]["amount_dh"] == "875.00"
    # then the same batch again creates nothing and answers the same quittances
    again = upload(client, fes.host, device["token"], batch)
    assert [r["status"] for r in again["results"]] == ["duplicate"] * 3
    assert [r["quittance_id"] for r in again["results"]] == [r["quittance_id"] for r in first["results"]]
    # and one UUID twice in a batch is one quittance
    twice = payment(ref, block, 4)
    both = upload(client, fes.host, device["token"], [twice, twice])
    assert [r["status"] for r in both["results"]] == ["created", "duplicate"]
    # and the same UUID for another payment is refused, not answered with the old quittance
    changed = dict(batch[0], base="20.00", amount_dh="1400.00")
    refused = upload(client, fes.host, device["token"], [changed])["results"][0]
    assert refused["status"] == "refused" and refused["code"] == "CLIENT_UUID_REUSED"
    with schema_context("fes"):
        quittances = list(Quittance.objects.order_by("number").values_list("number", "client_uuid", "collected_at"))
        assert [q[0] for q in quittances] == [1, 2, 3, 4]
        assert str(quittances[0][1]) == batch[0]["uuid"] and quittances[0][2] is not None
        assert RefusedPayment.objects.get().code == "CLIENT_UUID_REUSED"


def test_a_bad_number_is_refused_and_the_rest_of_the_batch_kept(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=10)
    other = register(client, fes.host, "collector2", "Phone 2")
    other_block = draw_block(client, fes.host, other["token"], ref["regie"].pk, size=10)
    items = [
        payment(ref, block, 1),
        payment(ref, block, 11),  # past the block's end
        payment(ref, block, 1),  # used twice in this batch
        payment(ref, other_block, 12),  # a colleague's block
        payment(ref, block, 2, amount_dh="1.00"),  # the receipt says another amount than the tariff
        {"uuid": "not-a-uuid", "number": 3},  # unreadable
        payment(ref, block, 3),
    ]
    results = upload(client, fes.host, device["token"], items)["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("created", None),
        ("refused", "NUMBER_OUTSIDE_BLOCK"),
        ("refused", "NUMBER_ALREADY_USED"),
        ("refused", "NUMBER_OUTSIDE_BLOCK"),
        ("refused", "AMOUNT_MISMATCH"),
        ("refused", "INVALID_PAYMENT"),
        ("created", None),
    ]
    assert results[1]["message"] == "Ce numéro ne fait pas partie du bloc de quittances ouvert du percepteur."
    # and across batches: a number already used
    later = upload(client, fes.host, device["token"], [payment(ref, block, 3)])["results"][0]
    assert later["code"] == "NUMBER_ALREADY_USED"
    with schema_context("fes"):
        assert list(Quittance.objects.order_by("number").values_list("number", flat=True)) == [1, 3]
        assert RefusedPayment.objects.count() == 6
    # the gaps report shows number 2 missing below 3
    gaps = call(client, fes.host, device["token"], "get", "/collecte/api/gaps/").json()
    mine = [g for g in gaps if g["block_id"] == block["block_id"]][0]
    assert (mine["used"], mine["highest_used"], mine["gaps"], mine["returned"]) == (2, 3, [2], None)


def test_a_stale_block_is_refused(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    old = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=5)
    upload(client, fes.host, device["token"], [payment(ref, old, 1)])
    new = draw_block(client, fes.host, device["token"], ref["regie"].pk, size=5)
    call(client, fes.host, device["token"], "post", f"/collecte/api/blocks/{old['block_id']}/return/")
    results = upload(client, fes.host, device["token"], [payment(ref, old, 2), payment(ref, new, 6)])["results"]
    assert [(r["status"], r["code"]) for r in results] == [("refused", "NUMBER_OUTSIDE_BLOCK"), ("created", None)]
    assert results[0]["extra"]["stale_block"] is True
    gaps = {g["block_id"]: g for g in call(client, fes.host, device["token"], "get", "/collecte/api/gaps/").json()}
    assert gaps[old["block_id"]]["returned"] == [2, 5] and gaps[old["block_id"]]["gaps"] == []


def test_a_payment_of_a_closed_day_is_booked_into_the_next_open_day(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk)
    upload(client, fes.host, device["token"], [payment(ref, block, 1)])
    # given the collector's day closed (the versement exists: the régie's lock)
    with schema_context("fes"):
        Versement.objects.create(
            regie=ref["regie"],
            exercice=2026,
            number=1,
            level="agent",
            agent=ref["collector"],
            day=DAY,
            expected_dh=Decimal("875.00"),
            counted_dh=Decimal("875.00"),
            difference_dh=Decimal("0"),
            quittance_count=1,
            closed_by=ref["collector"],
        )
    # when a late payment of that day and one of the next day come
    results = upload(
        client, fes.host, device["token"], [payment(ref, block, 2), payment(ref, block, 3, day=DAY + dt.timedelta(1))]
    )["results"]
    # then neither is refused: the closed day's is booked into the next open day, its real time kept
    assert [(r["status"], r["code"]) for r in results] == [("created", None), ("created", None)]
    next_day = (DAY + dt.timedelta(1)).isoformat()
    assert results[0]["extra"] == {"late": True, "taken_on": DAY.isoformat(), "day": next_day}
    assert results[1]["extra"] == {}
    with schema_context("fes"):
        late = Quittance.objects.get(pk=results[0]["quittance_id"])
        assert (late.day.isoformat(), timezone.localtime(late.collected_at).time()) == (next_day, dt.time(10, 30))


def test_the_day_close_through_the_api(client: Client, fes, ref) -> None:
    if not hasattr(regie_services, "day_close"):
        pytest.skip("regie.services.day_close is not written yet")
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk)
    upload(client, fes.host, device["token"], [payment(ref, block, 1), payment(ref, block, 2)])
    closed = call(
        client,
        fes.host,
        device["token"],
        "post",
        "/collecte/api/close/",
        {"regie_id": ref["regie"].pk, "day": DAY.isoformat(), "counted_dh": "1700.00"},
    )
    assert closed.status_code == 201, closed.content
    body = closed.json()
    assert (body["expected_dh"], body["counted_dh"], body["difference_dh"], body["quittance_count"]) == (
        "1750.00",
        "1700.00",
        "-50.00",
        2,
    )
    late = upload(client, fes.host, device["token"], [payment(ref, block, 3)])["results"][0]
    assert (late["status"], late["extra"].get("day")) == ("created", (DAY + dt.timedelta(1)).isoformat())


def test_cancellation_request_for_ones_own_quittance(client: Client, fes, ref) -> None:
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk)
    item = payment(ref, block, 1)
    created = upload(client, fes.host, device["token"], [item])["results"][0]
    other = register(client, fes.host, "collector2", "Phone 2")
    # a colleague cannot ask for it
    theirs = call(
        client, fes.host, other["token"], "post", "/collecte/api/cancellations/", {"uuid": item["uuid"], "reason": "x"}
    )
    assert theirs.status_code == 404
    no_reason = call(client, fes.host, device["token"], "post", "/collecte/api/cancellations/", {"uuid": item["uuid"]})
    assert no_reason.status_code == 400
    asked = call(
        client,
        fes.host,
        device["token"],
        "post",
        "/collecte/api/cancellations/",
        {"uuid": item["uuid"], "reason": "erreur de redevable"},
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["quittance_id"] == created["quittance_id"] and asked.json()["status"] == "pending"


def test_another_communes_device_is_a_stranger(client: Client, fes, meknes, ref) -> None:
    # given a Fès device with a block and a quittance
    device = register(client, fes.host)
    block = draw_block(client, fes.host, device["token"], ref["regie"].pk)
    upload(client, fes.host, device["token"], [payment(ref, block, 1)])
    # when it calls Meknès' endpoints with its token
    for method, path, body in [
        ("get", "/collecte/api/session/", None),
        ("get", "/collecte/api/blocks/", None),
        ("post", "/collecte/api/blocks/", {"regie_id": ref["regie"].pk, "exercice": 2026}),
        ("get", "/collecte/api/reference/", None),
        ("post", "/collecte/api/payments/", {"payments": [payment(ref, block, 2)]}),
        ("post", "/collecte/api/close/", {"regie_id": ref["regie"].pk, "day": DAY.isoformat(), "counted_dh": "1"}),
        ("post", "/collecte/api/cancellations/", {"quittance_id": 1, "reason": "x"}),
        ("get", "/collecte/api/gaps/", None),
    ]:
        response = call(client, meknes.host, device["token"], method, path, body)
        # then it is unknown there
        assert response.status_code == 401, (path, response.content)
    # and Fès' collector cannot register on Meknès with Fès' password
    elsewhere = client.post(
        "/collecte/api/devices/register/",
        {"username": "collector", "password": PASSWORD, "name": "x"},
        content_type="application/json",
        HTTP_HOST=meknes.host,
    )
    assert elsewhere.status_code == 401
    with schema_context("fes"):
        assert Quittance.objects.count() == 1


def test_the_api_is_in_the_openapi_schema(client: Client, fes) -> None:
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_HOST=fes.host)
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/collecte/api/devices/register/", "/collecte/api/payments/", "/collecte/api/blocks/"):
        assert path in paths
    assert "deviceToken" in schema.json()["components"]["securitySchemes"]


def test_a_collector_with_a_second_factor_registers_a_device_only_with_its_code(client: Client, fes, ref) -> None:
    from jamaa.platform.core import twofactor

    # given a collector who turned the second factor on
    with schema_context("fes"):
        device = twofactor.enrolment_start(user=ref["collector"])
        device.confirmed = True
        device.save()
        code = twofactor.current_code(device=device)
    body = {"username": "collector", "password": PASSWORD, "name": "Phone 1"}
    # when the phone registers with the password alone, it is refused in the error shape, and nothing is made
    refused = client.post("/collecte/api/devices/register/", body, content_type="application/json", HTTP_HOST=fes.host)
    assert refused.status_code == 401 and refused.json()["code"] == "SECOND_FACTOR_REQUIRED"
    with schema_context("fes"):
        assert not Device.objects.exists()
    # with the code, the device is registered
    accepted = client.post(
        "/collecte/api/devices/register/", {**body, "otp": code}, content_type="application/json", HTTP_HOST=fes.host
    )
    assert accepted.status_code == 201 and accepted.json()["token"]
