"""The régie's reference through the API: the régie's arrêté, budget lines, appointments, taxes and tariff
versions — reads and writes, errors in the {code, message, extra: {fields}} shape, who may, the audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from jamaa.modules.regie import permissions, services
from jamaa.platform.core.models import AuditEvent

from .factories import staff

pytestmark = pytest.mark.django_db
API = "/regie/api"
TODAY = timezone.localdate()


def as_user(host: str, user) -> Client:
    token = Token.objects.create(user=user)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def api(fes):
    with schema_context("fes"):
        regie = services.reference_install_defaults()
        candidate = staff("nouveau")
        return {
            "regie": regie,
            "candidate": candidate,
            "regisseur": as_user(fes.host, staff("regisseur", permissions.REGISSEUR)),
            "agent": as_user(fes.host, staff("agent1", permissions.AGENT)),
            "admin": as_user(fes.host, staff("maire", "administrators")),
            "outsider": as_user(fes.host, staff("outsider")),
        }


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "extra"} and body["code"] == code, body
    return body


def send(client: Client, method: str, url: str, data: dict) -> object:
    return getattr(client, method)(f"{API}{url}", data, content_type="application/json")


def actions() -> list[str]:
    with schema_context("fes"):
        return list(
            AuditEvent.objects.filter(action__startswith="regie.").order_by("id").values_list("action", flat=True)
        )


def test_the_regie_and_its_budget_lines(api) -> None:
    regisseur = api["regisseur"]
    regie = ok(regisseur.get(f"{API}/regie/"))
    assert regie["arrete_number"] == "1/2026" and "10.20.31" in regie["budget_lines"]
    body = {
        "name_fr": "Régie des recettes de Fès",
        "name_ar": "وكالة المداخيل بفاس",
        "arrete_number": "",
        "arrete_date": (TODAY + dt.timedelta(days=1)).isoformat(),
        "cash_ceiling_dh": "-5",
        "budget_line_codes": ["401", "00.00"],
    }
    refused = error(send(regisseur, "put", "/regie/", body), 400, "INVALID_REGIE")
    assert set(refused["extra"]["fields"]) == {"arrete_number", "arrete_date", "cash_ceiling_dh", "budget_line_codes"}
    error(send(api["agent"], "put", "/regie/", body), 403, "NOT_ALLOWED_TO_SET_UP")
    error(send(api["outsider"], "put", "/regie/", body), 403, "FORBIDDEN")
    good = body | {"arrete_number": "77/2026", "arrete_date": "2026-02-01", "cash_ceiling_dh": "80000"}
    updated = ok(send(regisseur, "put", "/regie/", good | {"budget_line_codes": ["401", "10.20.31"]}))
    assert (updated["arrete_number"], updated["cash_ceiling_dh"], updated["budget_lines"]) == (
        "77/2026",
        "80000.00",
        ["10.20.31", "401"],
    )
    # budget lines: all, or the authorised ones; a new one; a duplicate
    assert len(ok(regisseur.get(f"{API}/budget-lines/"))) == len(services.DEFAULT_BUDGET_LINES)
    authorised = ok(regisseur.get(f"{API}/budget-lines/", {"regie_id": updated["id"]}))
    assert [b["code"] for b in authorised] == ["10.20.31", "401"]
    line = {"code": "10.30.11", "label_fr": "Droits de fourrière", "label_ar": "رسوم المحجز"}
    assert ok(send(api["admin"], "post", "/budget-lines/", line), 201)["code"] == "10.30.11"
    refused = error(send(regisseur, "post", "/budget-lines/", line), 400, "INVALID_BUDGET_LINE")
    assert "code" in refused["extra"]["fields"]
    assert actions()[-2:] == ["regie.regie.updated", "regie.budget_line.created"]


def test_appointments(api) -> None:
    regisseur, candidate = api["regisseur"], api["candidate"]
    appoint = {
        "user_id": candidate.pk,
        "role": "regisseur",
        "arrete_number": "5/2026",
        "arrete_date": "2026-01-10",
        "valid_from": (TODAY + dt.timedelta(days=3)).isoformat(),
    }
    refused = error(send(regisseur, "post", "/staff/", appoint), 400, "INVALID_APPOINTMENT")
    assert list(refused["extra"]["fields"]) == ["valid_from"]
    error(send(regisseur, "post", "/staff/", appoint | {"user_id": 999999}), 404, "STAFF_USER_NOT_FOUND")
    error(send(regisseur, "post", "/staff/", appoint | {"role": "maire"}), 400, "INVALID")
    error(send(api["agent"], "post", "/staff/", appoint), 403, "NOT_ALLOWED_TO_SET_UP")
    appoint["valid_from"] = "2026-01-15"
    created = ok(send(regisseur, "post", "/staff/", appoint), 201)
    assert (created["username"], created["role"], created["in_force"], created["valid_until"]) == (
        "nouveau",
        "regisseur",
        True,
        None,
    )
    with schema_context("fes"):
        assert permissions.is_regisseur(candidate)
    error(send(regisseur, "post", "/staff/", appoint | {"valid_from": "2026-03-01"}), 409, "APPOINTMENT_OVERLAPS")
    # an agent reads the appointments; current ones only on request
    assert [s["id"] for s in ok(api["agent"].get(f"{API}/staff/"))] == [created["id"]]
    end = f"/staff/{created['id']}/end/"
    refused = error(send(regisseur, "post", end, {"valid_until": "2025-12-31"}), 400, "INVALID_APPOINTMENT")
    assert list(refused["extra"]["fields"]) == ["valid_until"]
    ended = ok(send(regisseur, "post", end, {"valid_until": TODAY.isoformat()}))
    assert ended["valid_until"] == TODAY.isoformat()
    error(send(regisseur, "post", end, {"valid_until": TODAY.isoformat()}), 400, "INVALID_APPOINTMENT")
    with schema_context("fes"):
        assert not permissions.is_regisseur(candidate)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert ok(regisseur.get(f"{API}/staff/", {"current_on": tomorrow})) == []
    assert len(ok(regisseur.get(f"{API}/staff/"))) == 1  # ended, never deleted
    error(
        send(regisseur, "post", "/staff/999999/end/", {"valid_until": TODAY.isoformat()}), 404, "APPOINTMENT_NOT_FOUND"
    )
    assert actions()[-2:] == ["regie.staff.appointed", "regie.staff.ended"]


def test_taxes_and_tariff_versions(api) -> None:
    regisseur = api["regisseur"]
    taxes = ok(api["agent"].get(f"{API}/taxes/"))
    tnb = next(t for t in taxes if t["code"] == "TNB")
    assert [v["rate"] for v in tnb["versions"]] == ["30.0000", "20.0000"] and tnb["in_force"]["rate"] == "30.0000"
    tax = {"code": "fourriere", "name_fr": "Droits de fourrière", "name_ar": "", "base_kind": "fixed"}
    refused = error(send(regisseur, "post", "/taxes/", tax | {"budget_line": "9.9"}), 400, "INVALID_TAX")
    assert set(refused["extra"]["fields"]) == {"name_ar", "budget_line"}
    created = ok(send(regisseur, "post", "/taxes/", tax | {"name_ar": "رسوم المحجز", "budget_line": "401"}), 201)
    assert (created["code"], created["in_force"], created["versions"]) == ("FOURRIERE", None, [])
    error(send(regisseur, "post", "/taxes/", tax | {"name_ar": "x", "budget_line": "401"}), 400, "INVALID_TAX")
    url = f"/taxes/{created['id']}/tariffs/"
    first = ok(send(regisseur, "post", url, {"rate": "50", "valid_from": "2026-01-01", "arrete_reference": "AF"}), 201)
    refused = error(
        send(regisseur, "post", url, {"rate": "60", "valid_from": "2026-01-01"}), 409, "TARIFF_VERSION_EXISTS"
    )
    assert "2026-01-01" in refused["extra"]["fields"]["valid_from"][0] and refused["extra"]["tariff_id"] == first["id"]
    error(send(regisseur, "post", url, {"rate": None, "valid_from": None}), 400, "INVALID_TARIFF")
    error(send(api["agent"], "post", url, {"rate": "1", "valid_from": "2026-02-01"}), 403, "NOT_ALLOWED_TO_SET_UP")
    later = (TODAY + dt.timedelta(days=10)).isoformat()
    ok(send(regisseur, "post", url, {"rate": "75", "valid_from": later}), 201)
    versions = ok(regisseur.get(f"{API}{url}"))
    assert [(v["rate"], v["valid_from"]) for v in versions] == [("75.0000", later), ("50.0000", "2026-01-01")]
    fourriere = next(t for t in ok(regisseur.get(f"{API}/taxes/")) if t["code"] == "FOURRIERE")
    assert fourriere["in_force"]["id"] == first["id"]  # the later version is scheduled, not in force yet
    error(regisseur.get(f"{API}/taxes/999999/tariffs/"), 404, "NOT_FOUND")
    error(
        send(regisseur, "post", "/taxes/999999/tariffs/", {"rate": "1", "valid_from": "2026-01-01"}),
        404,
        "TAX_NOT_FOUND",
    )
    assert actions()[-3:] == ["regie.tax.created", "regie.tariff.added", "regie.tariff.added"]


def test_the_schema_lists_the_reference_endpoints(client: Client, fes) -> None:
    response = client.get("/api/schema/", HTTP_HOST=fes.host, HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert set(paths["/regie/api/regie/"]) >= {"get", "put"}
    for path in (
        "/regie/api/budget-lines/",
        "/regie/api/staff/",
        "/regie/api/taxes/",
        "/regie/api/taxes/{tax_id}/tariffs/",
    ):
        assert set(paths[path]) >= {"get", "post"}, path
    assert "post" in paths["/regie/api/staff/{staff_id}/end/"]


def test_a_bien_taken_off_by_the_regisseur(api) -> None:
    with schema_context("fes"):
        agent = api["agent"]
        owner = services.redevable_create(actor=staff("agent9", permissions.AGENT), name="Café", rc="77")
    created = ok(
        send(
            agent,
            "post",
            f"/redevables/{owner.pk}/assets/",
            {"kind": "terrace", "reference": "AOT 1", "surface_m2": "12"},
        ),
        201,
    )
    url = f"/assets/{created['id']}/deactivate/"
    error(send(agent, "post", url, {"reason": "retirée"}), 403, "NOT_A_REGISSEUR")
    refused = error(send(api["regisseur"], "post", url, {"reason": ""}), 400, "INVALID_ASSET")
    assert list(refused["extra"]["fields"]) == ["reason"]
    assert ok(send(api["regisseur"], "post", url, {"reason": "terrasse retirée"}))["active"] is False
    error(send(api["regisseur"], "post", url, {"reason": "encore"}), 400, "INVALID_ASSET")
    error(send(api["regisseur"], "post", "/assets/999999/deactivate/", {"reason": "x"}), 404, "ASSET_NOT_FOUND")
    assert actions()[-1] == "regie.asset.deactivated"
