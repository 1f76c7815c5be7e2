"""The API: register, list (query count), detail, route, status, reply, search, each in the OpenAPI schema; the
error shape on refusals."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.courrier import permissions

from ..factories import clerk, incoming, service_with_member, signed_in, user_with

pytestmark = pytest.mark.django_db


def test_register_route_reply_search_over_the_api(fes, django_assert_max_num_queries) -> None:
    with schema_context("fes"):
        c = clerk("clerk_a1")
        svc = service_with_member("Finances", user_with("svc_a1", permissions.SERVICE), c)
    client = signed_in(fes.host, c)
    created = client.post(
        "/courrier/api/mails/new/",
        {
            "category": "incoming",
            "subject": "Réclamation eau",
            "correspondent": {"kind": "company", "name": "Sarl Atlas", "ice": "001234567000089"},
            "mail_type_code": "reclamation",
            "reply_expected": True,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    mail_id = body["mail"]["id"]
    assert (
        body["mail"]["number"] == 1 and body["mail"]["status"] == "to_qualify" and body["mail"]["reply"] == "expected"
    )
    routed = client.post(
        f"/courrier/api/mails/{mail_id}/route/", {"service_id": svc.pk}, content_type="application/json"
    )
    assert routed.status_code == 200 and routed.json()["mail"]["service"] == "Finances"
    moved = client.post(
        f"/courrier/api/mails/{mail_id}/status/", {"status": "in_progress"}, content_type="application/json"
    )
    assert moved.json()["mail"]["status"] == "in_progress"
    refused = client.post(
        f"/courrier/api/mails/{mail_id}/status/", {"status": "to_qualify"}, content_type="application/json"
    )
    assert refused.status_code == 409 and refused.json()["code"] == "COURRIER_TRANSITION_REFUSED"
    replied = client.post(
        f"/courrier/api/mails/{mail_id}/reply/", {"subject": "Réponse"}, content_type="application/json"
    )
    assert replied.status_code == 201 and replied.json()["reply_to"] == body["mail"]["reference"]
    assert client.get(f"/courrier/api/mails/{mail_id}/").json()["mail"]["reply"] == "replied"
    found = client.get("/courrier/api/mails/search/", {"q": "atlas"}).json()
    assert [r["id"] for r in found] == [replied.json()["mail"]["id"], mail_id]  # the reply goes to Atlas too
    with schema_context("fes"):
        for i in range(5):
            incoming(c, f"Lettre {i}", cin=f"Q{i}")
    with django_assert_max_num_queries(12):
        listed = client.get("/courrier/api/mails/", {"category": "incoming"})
    assert len(listed.json()) == 6


def test_invalid_input_and_forbidden(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_a2")
        svc_user = user_with("svc_a2", permissions.SERVICE)
    bad = signed_in(fes.host, c).post(
        "/courrier/api/mails/new/",
        {"category": "incoming", "subject": "x", "correspondent": {"kind": "person", "name": "Sans CIN"}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "COURRIER_CORRESPONDENT_INVALID"
    assert set(bad.json()) == {"code", "message", "extra"}
    forbidden = signed_in(fes.host, svc_user).post("/courrier/api/mails/new/", {}, content_type="application/json")
    assert forbidden.status_code == 403


def test_every_endpoint_is_in_the_openapi_schema(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_a3")
    schema = signed_in(fes.host, c).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = {p for p in schema["paths"] if p.startswith("/courrier/")}
    assert paths == {
        "/courrier/api/mails/",
        "/courrier/api/mails/new/",
        "/courrier/api/mails/search/",
        "/courrier/api/mails/{mail_id}/",
        "/courrier/api/mails/{mail_id}/route/",
        "/courrier/api/mails/{mail_id}/status/",
        "/courrier/api/mails/{mail_id}/annotations/",
        "/courrier/api/mails/{mail_id}/reply/",
        "/courrier/api/mails/{mail_id}/attachments/",
        "/courrier/api/mails/{mail_id}/tasks/",
        "/courrier/api/mails/{mail_id}/receipt/email/",
        "/courrier/api/tasks/",
        "/courrier/api/tasks/{task_id}/done/",
        "/courrier/api/mails/{mail_id}/copies/",
        "/courrier/api/attachments/{attachment_id}/",
    }
