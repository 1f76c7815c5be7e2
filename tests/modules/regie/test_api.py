"""The régie's API on a commune's host: every endpoint once, the error shape, and isolation between communes
(a token or a session of Fès is nobody on Meknès; Fès's objects are 404 there)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from jamaa.modules.regie import permissions

from .factories import installed, staff

pytestmark = pytest.mark.django_db
API = "/regie/api"
DAY = "2026-05-10"


def as_user(host: str, user) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def fes_api(fes):
    with schema_context("fes"):
        ref = installed(passwords=False)
        ref["agent_client"] = as_user(fes.host, ref["agent"])
        ref["regisseur_client"] = as_user(fes.host, ref["regisseur"])
        ref["outsider_client"] = as_user(fes.host, staff("outsider"))
        return ref


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "extra"} and body["code"] == code, body
    return body


def test_every_endpoint_of_the_flow(fes_api) -> None:
    agent, regisseur = fes_api["agent_client"], fes_api["regisseur_client"]
    post = lambda c, url, data: c.post(f"{API}{url}", data, content_type="application/json")  # noqa: E731

    # reference, redevables, biens
    reference = ok(agent.get(f"{API}/reference/", {"on": DAY}))
    tnb = next(t for t in reference["taxes"] if t["code"] == "TNB")
    assert tnb["rate"] == "30.0000" and "401" in [b["code"] for b in reference["budget_lines"]]
    error(post(agent, "/redevables/", {"name": "Sans identifiant"}), 400, "INVALID_REDEVABLE")
    error(post(agent, "/redevables/", {}), 400, "INVALID")
    created = ok(post(agent, "/redevables/", {"name": "Hotel Zalagh", "rc": "5555", "address": "Fès"}), 201)
    assert [r["id"] for r in ok(agent.get(f"{API}/redevables/", {"q": "zalagh"}))] == [created["id"]]
    asset = ok(
        post(
            agent,
            f"/redevables/{created['id']}/assets/",
            {"kind": "parcel", "reference": "TF 1234/07", "surface_m2": "1200.40", "tax_id": tnb["tax_id"]},
        ),
        201,
    )
    assert ok(agent.get(f"{API}/redevables/{created['id']}/"))["assets"][0]["id"] == asset["id"]

    # liquidation → payment → quittance
    liquidation = ok(
        post(
            agent,
            "/liquidations/",
            {
                "redevable_id": created["id"],
                "tax_id": tnb["tax_id"],
                "asset_id": asset["id"],
                "base": "1200.40",
                "period": "2026",
                "on": DAY,
                "declaration_due": "2026-03-01",
                "declared_on": DAY,
                "payment_due": "2026-03-01",
            },
        ),
        201,
    )
    assert liquidation["total_dh"] == "47739.75" and len(liquidation["steps"]) == 5
    assert ok(agent.get(f"{API}/liquidations/{liquidation['id']}/"))["steps"] == liquidation["steps"]
    quittance = ok(post(agent, f"/liquidations/{liquidation['id']}/pay/", {"payment_method": "cheque", "on": DAY}), 201)
    assert (quittance["number"], quittance["amount_dh"], quittance["status"]) == (1, "47739.75", "valid")
    error(
        post(agent, f"/liquidations/{liquidation['id']}/pay/", {"payment_method": "cash", "on": DAY}),
        409,
        "LIQUIDATION_NOT_PAYABLE",
    )
    error(
        post(
            agent,
            "/liquidations/",
            {"redevable_id": created["id"], "tax_id": tnb["tax_id"], "base": "1", "period": "x", "on": "2020-01-01"},
        ),
        400,
        "NO_TARIFF_IN_FORCE",
    )

    # a second quittance, cancelled with four eyes
    small = {"redevable_id": created["id"], "tax_id": tnb["tax_id"], "base": "10", "period": "2026", "on": DAY}
    small_id = ok(post(agent, "/liquidations/", small), 201)["id"]
    second = ok(post(agent, f"/liquidations/{small_id}/pay/", {"payment_method": "cash", "on": DAY}), 201)
    assert [q["number"] for q in ok(agent.get(f"{API}/quittances/", {"day": DAY}))] == [1, 2]
    assert ok(agent.get(f"{API}/quittances/{second['id']}/"))["amount_dh"] == "300.00"
    error(post(agent, f"/quittances/{second['id']}/cancellation/", {"reason": ""}), 400, "INVALID_QUITTANCE")
    request = ok(post(agent, f"/quittances/{second['id']}/cancellation/", {"reason": "erreur de surface"}), 201)
    assert [r["id"] for r in ok(regisseur.get(f"{API}/cancellations/"))] == [request["id"]]
    error(post(agent, f"/cancellations/{request['id']}/decide/", {"approve": True}), 403, "NOT_A_REGISSEUR")
    assert ok(post(regisseur, f"/cancellations/{request['id']}/decide/", {"approve": True}))["status"] == "approved"
    assert ok(agent.get(f"{API}/quittances/{second['id']}/"))["status"] == "cancelled"

    # ordres and bordereau
    odp = next(t for t in reference["taxes"] if t["code"] == "ODP")
    ordre_body = {
        "exercice": 2026,
        "tax_id": odp["tax_id"],
        "subject": "Terrasse T1",
        "period": "T1 2026",
        "lines": [{"redevable_id": created["id"], "amount_dh": "1400.00"}],
    }
    error(post(agent, "/ordres/", ordre_body), 403, "NOT_A_REGISSEUR")
    ordre = ok(post(regisseur, "/ordres/", ordre_body), 201)
    assert (ordre["number"], ordre["kind"], ordre["events"][0]["to_status"]) == (1, "individual", "issued")
    assert [o["id"] for o in ok(regisseur.get(f"{API}/ordres/", {"exercice": 2026}))] == [ordre["id"]]
    error(agent.get(f"{API}/ordres/", {"exercice": 2026}), 403, "NOT_A_REGISSEUR")  # kept for the régisseur
    error(
        post(regisseur, f"/ordres/{ordre['id']}/transition/", {"to_status": "recovered"}),
        409,
        "ORDRE_TRANSITION_REFUSED",
    )
    bordereau = ok(post(regisseur, "/bordereaux/", {"exercice": 2026, "ordre_ids": [ordre["id"]]}), 201)
    assert bordereau["total_dh"] == "1400.00" and bordereau["ordre_ids"] == [ordre["id"]]
    assert ok(regisseur.get(f"{API}/bordereaux/", {"exercice": 2026}))[0]["id"] == bordereau["id"]
    taken = ok(post(regisseur, f"/bordereaux/{bordereau['id']}/take-in-charge/", {"reference": "PEC-1"}))
    assert taken["status"] == "taken_in_charge"
    assert ok(regisseur.get(f"{API}/ordres/{ordre['id']}/"))["status"] == "taken_in_charge"
    error(agent.get(f"{API}/ordres/{ordre['id']}/"), 403, "NOT_A_REGISSEUR")
    error(agent.get(f"{API}/restes/", {"exercice": 2026}), 403, "NOT_A_REGISSEUR")
    restes = ok(regisseur.get(f"{API}/restes/", {"exercice": 2026}))
    assert restes["remaining_dh"] == "1400.00" and restes["rows"][0]["payer_name"] == "Hotel Zalagh"
    recovered = ok(
        post(regisseur, f"/ordres/{ordre['id']}/transition/", {"to_status": "recovered", "reference": "Q-1"})
    )
    assert recovered["recovered_dh"] == "1400.00"

    # the day: summary, agent's close, régie's close, versements
    summary = ok(agent.get(f"{API}/day/", {"day": DAY, "agent_id": fes_api["agent"].pk}))
    assert (summary["expected_dh"], summary["count"], summary["cancelled_count"]) == ("47739.75", 2, 1)
    assert summary["over_ceiling"] is False  # the agent's ceiling check is against the régie's 50,000 DH
    close = {"day": DAY, "counted_dh": "47739.75", "agent_id": fes_api["agent"].pk}
    error(post(agent, "/day/close/", {"day": DAY, "counted_dh": "0"}), 403, "NOT_A_REGISSEUR")
    versement = ok(post(agent, "/day/close/", close), 201)
    assert (versement["level"], versement["difference_dh"], len(versement["items"])) == ("agent", "0.00", 2)
    error(post(agent, "/day/close/", close), 409, "DAY_ALREADY_CLOSED")
    regie_close = ok(post(regisseur, "/day/close/", {"day": DAY, "counted_dh": "47700"}), 201)
    assert regie_close["difference_dh"] == "-39.75"
    assert [v["level"] for v in ok(regisseur.get(f"{API}/versements/"))] == ["regie", "agent"]
    assert [v["id"] for v in ok(agent.get(f"{API}/versements/"))] == [versement["id"]]  # his own closes only
    assert ok(agent.get(f"{API}/versements/{versement['id']}/"))["items"][1]["amount_dh"] == "0.00"
    error(agent.get(f"{API}/versements/{regie_close['id']}/"), 404, "NOT_FOUND")
    treasury = ok(post(regisseur, f"/versements/{regie_close['id']}/treasury-reference/", {"reference": "TGR-9"}))
    assert treasury["treasury_reference"] == "TGR-9"
    # the closed day refuses any further payment
    late = ok(
        post(
            agent,
            "/liquidations/",
            {"redevable_id": created["id"], "tax_id": tnb["tax_id"], "base": "1", "period": "x", "on": DAY},
        ),
        201,
    )
    error(post(agent, f"/liquidations/{late['id']}/pay/", {"payment_method": "cash", "on": DAY}), 409, "DAY_LOCKED")

    # journal and the Treasury export
    journal = ok(regisseur.get(f"{API}/journal/", {"month": "2026-05"}))
    assert (journal["start"], journal["end"], journal["net_dh"]) == ("2026-05-01", "2026-05-31", "47739.75")
    error(regisseur.get(f"{API}/journal/", {"month": "2026-13"}), 400, "INVALID")
    error(agent.get(f"{API}/journal/", {"month": "2026-05"}), 403, "NOT_A_REGISSEUR")
    error(agent.get(f"{API}/exports/receipts.csv", {"year": 2026}), 403, "NOT_A_REGISSEUR")
    export = regisseur.get(f"{API}/exports/receipts.csv", {"year": 2026})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8")), delimiter=";"))
    assert rows[0][0] == "date" and [r[-1] for r in rows[1:]] == ["valid", "cancelled", "counter_entry"]
    assert [r[11] for r in rows[1:]] == ["47739.75", "300.00", "-300.00"]

    # outsiders and anonymous callers
    error(fes_api["outsider_client"].get(f"{API}/quittances/"), 403, "FORBIDDEN")
    error(Client(HTTP_HOST=agent.defaults["HTTP_HOST"]).get(f"{API}/reference/"), 401, "UNAUTHENTICATED")
    error(agent.get(f"{API}/quittances/999999/"), 404, "NOT_FOUND")


def test_identifiers_are_text_never_numbers(fes_api) -> None:
    from jamaa.modules.regie.models import Redevable

    agent = fes_api["agent_client"]
    # given a JSON number as large as 1e999999 (Python reads it as infinity), or any number, as an identifier
    for raw in (b'{"name": "Infini", "cin": 1e999999}', b'{"name": 1e999999, "ice": "001234567000089"}'):
        # then a number no JSON reader can hold is refused as unreadable
        error(agent.post(f"{API}/redevables/", raw, content_type="application/json"), 400, "PARSE_ERROR")
    for raw in (b'{"name": "Nombre", "rc": 12345}', b'{"name": "Vrai", "cin": true}'):
        response = agent.post(f"{API}/redevables/", raw, content_type="application/json")
        # and any other number or boolean is refused with the field named, and nothing is stored
        body = error(response, 400, "INVALID")
        assert set(body["extra"]["fields"]) <= {"name", "cin", "rc", "ice"} and body["extra"]["fields"], body
    with schema_context("fes"):
        assert not Redevable.objects.filter(cin__in=["INF", "TRUE"]).exists()
        assert not Redevable.objects.filter(name__in=["Infini", "Nombre", "Vrai", "inf"]).exists()
    # the service refuses a non-text identifier whoever calls it
    from jamaa.modules.regie import exceptions, services

    with schema_context("fes"), pytest.raises(exceptions.InvalidRedevable):
        services.redevable_create(actor=fes_api["agent"], name="X", cin=float("inf"))  # type: ignore[arg-type]


def test_openapi_schema_lists_the_regie_endpoints(client: Client, fes) -> None:
    response = client.get("/api/schema/", HTTP_HOST=fes.host, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/regie/api/reference/",
        "/regie/api/liquidations/{liquidation_id}/pay/",
        "/regie/api/cancellations/{request_id}/decide/",
        "/regie/api/ordres/{ordre_id}/transition/",
        "/regie/api/bordereaux/{bordereau_id}/take-in-charge/",
        "/regie/api/day/close/",
        "/regie/api/restes/",
        "/regie/api/journal/",
        "/regie/api/exports/receipts.csv",
    ]:
        assert path in paths, path


def test_an_agent_of_fes_cannot_reach_meknes(fes_api, meknes) -> None:
    agent = fes_api["agent_client"]
    redevable = fes_api["person"].pk
    assert agent.get(f"{API}/redevables/{redevable}/").status_code == 200
    # Fès's token on Meknès's host is nobody
    token = agent.defaults["HTTP_AUTHORIZATION"]
    other = Client(HTTP_HOST=meknes.host, HTTP_AUTHORIZATION=token)
    error(other.get(f"{API}/redevables/{redevable}/"), 401, "UNAUTHENTICATED")
    # Fès's session cookie neither
    with schema_context("fes"):
        fes_api["agent"].set_password("Pass-2026-word!")
        fes_api["agent"].save(update_fields=["password"])
    session = Client()
    assert (
        session.post(
            "/login/", {"username": "agent1", "password": "Pass-2026-word!"}, HTTP_HOST=agent.defaults["HTTP_HOST"]
        ).status_code
        == 302
    )
    assert session.get(f"{API}/redevables/{redevable}/", HTTP_HOST=meknes.host).status_code in (401, 403)
    # a Meknès agent sees none of Fès's objects
    with schema_context("meknes"):
        meknes_agent = as_user(meknes.host, staff("agent1", permissions.AGENT))
    error(meknes_agent.get(f"{API}/redevables/{redevable}/"), 404, "NOT_FOUND")
    assert ok(meknes_agent.get(f"{API}/redevables/", {"q": "Bennani"})) == []
