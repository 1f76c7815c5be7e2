"""The API: deposit (201 with the dossier), the desk, a step refused in the {code, message, extra} shape, the
signatory's arrêté, the late board, the portal's status, the Rokhas export; 400 and 403 as everywhere."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.urbanisme.models import Dossier

from ..factories import agent, signatory, signed_in, user_with

pytestmark = pytest.mark.django_db

BODY = {
    "kind": "refection",
    "subject": "Réfection de façade",
    "petitioner_kind": "company",
    "petitioner_name": "Atlas Immobilier SARL",
    "petitioner_ice": "001234567000089",
    "petitioner_rc": "12345",
    "parcels": [{"title_number": "555/07", "latitude": "34.05", "longitude": "-4.99", "area_m2": "120"}],
    "pieces": ["demande", "propriete", "travaux", "photos"],
}


def test_deposit_instruct_decide_sign_through_the_api(fes) -> None:
    with schema_context("fes"):
        a, s = agent("urb_a1"), signatory("urb_s1")
    api = signed_in(fes.host, a)
    created = api.post("/urbanisme/api/dossiers/new/", BODY, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    dossier_id = body["row"]["id"]
    assert body["row"]["reference"].startswith("RF-") and body["row"]["status"] == "deposited"
    assert (body["delay_days"], body["size"], body["missing"]) == (10, "small", [])
    assert (
        api.post(
            f"/urbanisme/api/dossiers/{dossier_id}/step/", {"step": "instruct"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert [r["id"] for r in api.get("/urbanisme/api/dossiers/desk/").json()] == [dossier_id]
    refused = api.post(
        f"/urbanisme/api/dossiers/{dossier_id}/step/", {"step": "deliver"}, content_type="application/json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "URBANISME_TRANSITION_REFUSED"
    assert (
        api.post(
            f"/urbanisme/api/dossiers/{dossier_id}/step/", {"step": "favourable"}, content_type="application/json"
        ).json()["row"]["status"]
        == "favourable"
    )
    # an agent may not sign; the signatory does
    assert (
        api.post(
            f"/urbanisme/api/dossiers/{dossier_id}/sign/", {"signatory": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
    signed = signed_in(fes.host, s).post(
        f"/urbanisme/api/dossiers/{dossier_id}/sign/", {"signatory": "Le Président"}, content_type="application/json"
    )
    assert signed.status_code == 200 and signed.json()["decision"].startswith("AR-")
    with schema_context("fes"):
        d = Dossier.objects.get(pk=dossier_id)
    status = api.get(
        "/urbanisme/api/dossiers/status/", {"kind": "refection", "number": d.number, "year": d.year, "code": d.code}
    )
    assert status.status_code == 200 and status.json()["status"] == "signed"
    assert "petitioner" not in str(status.json())
    wrong = api.get(
        "/urbanisme/api/dossiers/status/", {"kind": "refection", "number": d.number, "year": d.year, "code": "WRONG"}
    )
    assert wrong.status_code == 404
    exported = api.get("/urbanisme/api/dossiers/export/", {"year": d.year}).json()
    assert exported["format"] == "jamaa-urbanisme/1"
    assert [r["reference"] for r in exported["dossiers"]] == [d.reference]
    assert exported["dossiers"][0]["parcels"][0]["title_number"] == "555/07"
    board = api.get("/urbanisme/api/dossiers/late/").json()
    assert board["late_count"] == 0


def test_bad_input_and_no_role(fes) -> None:
    with schema_context("fes"):
        a = agent("urb_a2")
        outsider = user_with("urb_out")
    api = signed_in(fes.host, a)
    bad = api.post("/urbanisme/api/dossiers/new/", {**BODY, "parcels": []}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "URBANISME_DOSSIER_INVALID"
    assert "parcels" in bad.json()["extra"]["fields"]
    worse = api.post("/urbanisme/api/dossiers/new/", {"kind": "x"}, content_type="application/json")
    assert worse.status_code == 400 and worse.json()["code"] == "INVALID"
    assert api.get("/urbanisme/api/dossiers/", {"status": "nope"}).status_code == 400
    refused = signed_in(fes.host, outsider).post("/urbanisme/api/dossiers/new/", BODY, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
    with schema_context("fes"):
        assert Dossier.objects.count() == 0


def test_the_commission_through_the_api(fes) -> None:
    with schema_context("fes"):
        a = agent("urb_a3")
    api = signed_in(fes.host, a)
    dossier_id = api.post("/urbanisme/api/dossiers/new/", BODY, content_type="application/json").json()["row"]["id"]
    api.post(f"/urbanisme/api/dossiers/{dossier_id}/step/", {"step": "instruct"}, content_type="application/json")
    sitting = api.post(
        "/urbanisme/api/sittings/",
        {"day": timezone.localdate().isoformat(), "place": "Salle"},
        content_type="application/json",
    )
    assert sitting.status_code == 201 and sitting.json()["reference"].startswith("CM-")
    sid = sitting.json()["id"]
    agenda = api.post(
        f"/urbanisme/api/sittings/{sid}/agenda/", {"dossier_id": dossier_id}, content_type="application/json"
    ).json()
    item_id = agenda["items"][0]["id"]
    early = api.post(
        f"/urbanisme/api/sittings/{sid}/hold/", {"members_present": "Président"}, content_type="application/json"
    )
    assert early.status_code == 400 and "items" in early.json()["extra"]["fields"]
    assert (
        api.post(
            f"/urbanisme/api/sittings/items/{item_id}/avis/", {"avis": "unfavourable"}, content_type="application/json"
        ).json()["avis"]
        == "unfavourable"
    )
    held = api.post(
        f"/urbanisme/api/sittings/{sid}/hold/", {"members_present": "Président"}, content_type="application/json"
    )
    assert held.status_code == 200 and held.json()["status"] == "held"
    assert api.get(f"/urbanisme/api/dossiers/{dossier_id}/").json()["row"]["status"] == "unfavourable"
