"""The concours API: announce, open, apply (a duplicate CIN is 409), screen, convene, mark by anonymous code;
the public announcements; refusals in the {code, message, extra} shape; no role → 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from ..factories import manager, signed_in, user_with

pytestmark = pytest.mark.django_db

CONCOURS = {
    "title_fr": "Concours d'administrateurs",
    "title_ar": "مباراة المتصرفين",
    "grade_code": "administrateur-3",
    "posts": 3,
    "announced_on": "2026-01-05",
    "applications_until": "2026-02-05",
    "exam_date": "2026-03-01",
}
APPLICATION = {
    "cin": "AP1",
    "first_name_fr": "Amal",
    "last_name_fr": "Idrissi",
    "first_name_ar": "أمل",
    "last_name_ar": "الإدريسي",
    "birth_date": "1996-02-02",
    "diploma": "Master",
}


def test_the_stages_through_the_api(fes) -> None:
    with schema_context("fes"):
        actor = manager("cc_api")
    client = signed_in(fes.host, actor)
    made = client.post("/concours/api/concours/new/", CONCOURS, content_type="application/json")
    assert made.status_code == 201, made.content
    k = made.json()["concours"]
    assert (k["status"], k["reserved_resistant"], k["reserved_disabled"]) == ("announced", 0, 0)
    public = Client(HTTP_HOST=fes.host).get("/concours/api/concours/announced/")
    assert public.status_code == 200 and [x["id"] for x in public.json()] == [k["id"]]
    assert client.post(f"/concours/api/concours/{k['id']}/advance/").json()["concours"]["status"] == "open"
    applied = client.post(
        f"/concours/api/concours/{k['id']}/applications/", APPLICATION, content_type="application/json"
    )
    assert applied.status_code == 201 and applied.json()["number"] == 1
    dup = client.post(f"/concours/api/concours/{k['id']}/applications/", APPLICATION, content_type="application/json")
    assert dup.status_code == 409 and dup.json()["code"] == "CONCOURS_DUPLICATE_CIN"
    client.post(f"/concours/api/concours/{k['id']}/advance/")
    client.post(f"/concours/api/concours/{k['id']}/advance/")
    screened = client.post(
        f"/concours/api/candidatures/{applied.json()['id']}/screen/",
        {"eligible": True},
        content_type="application/json",
    )
    assert screened.status_code == 200 and screened.json()["eligible"] is True
    convened = client.post(
        f"/concours/api/concours/{k['id']}/convocations/", {"centre": "Lycée"}, content_type="application/json"
    )
    assert convened.status_code == 200
    code = convened.json()["candidatures"][0]["anonymous_code"]
    early = client.post(
        f"/concours/api/concours/{k['id']}/marks/",
        {"code": code, "corrector": 1, "score": "12"},
        content_type="application/json",
    )
    assert early.status_code == 409 and early.json()["code"] == "CONCOURS_WRONG_STAGE"
    client.post(f"/concours/api/concours/{k['id']}/advance/")
    marked = client.post(
        f"/concours/api/concours/{k['id']}/marks/",
        {"code": code.lower(), "corrector": 1, "score": "12"},
        content_type="application/json",
    )
    assert marked.status_code == 201 and marked.json()["corrector"] == 1
    assert client.get("/concours/api/concours/").status_code == 200


def test_no_role_is_refused(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("out_cc_api")
    client = signed_in(fes.host, outsider)
    assert client.post("/concours/api/concours/new/", CONCOURS, content_type="application/json").status_code == 403
    assert client.get("/concours/api/concours/").status_code == 403
