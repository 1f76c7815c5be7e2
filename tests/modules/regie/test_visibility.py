"""Who may see what is the selectors' rule, so a page and the API answer the same: an agent sees and closes only
his own takings (another agent's close is "not found" on both), and is offered to cancel only his own receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from jamaa.modules.regie import exceptions, selectors, services

from .factories import installed, staff

pytestmark = pytest.mark.django_db
API = "/regie/api"
DAY = dt.date(2026, 4, 6)
PASSWORD = "Pass-2026-word!"  # factories.user_with


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        ref = installed(prefix="vis")
        ref["outsider"] = staff("vis-outsider")
        ref["q1"] = _issue(ref, ref["agent"])
        ref["q2"] = _issue(ref, ref["agent2"])
        yield ref


def _issue(ref, agent):
    return services.quittance_issue(
        actor=agent,
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=DAY.year,
            redevable_id=ref["person"].pk,
            tax_id=ref["taxes"]["LEGALISATION"].pk,
            base=Decimal("1"),
            period="acte",
            payment_method="cash",
            on=DAY,
        ),
    )


def _api(host: str, user) -> Client:
    with schema_context("fes"):
        token = Token.objects.create(user=user)
    return Client(HTTP_HOST=host, HTTP_AUTHORIZATION=f"Token {token.key}")


def _page(host: str, username: str) -> Client:
    client = Client(HTTP_HOST=host)
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def test_whose_takings_a_viewer_may_close(ref) -> None:
    with schema_context("fes"):
        everyone = {u.username for u in selectors.closing_agents(viewer=ref["regisseur"])}
        assert {"visagent1", "visagent2", "visregisseur", "vissuppleant"} <= everyone
        assert selectors.closing_agents(viewer=ref["agent"]) == [ref["agent"]]
        with pytest.raises(exceptions.NotACollector):
            selectors.closing_agents(viewer=ref["outsider"])


def test_who_is_offered_to_cancel_a_receipt(ref) -> None:
    with schema_context("fes"):
        q1, q2 = ref["q1"], ref["q2"]
        assert selectors.may_request_cancellation(viewer=ref["agent"], quittance=q1)
        assert not selectors.may_request_cancellation(viewer=ref["agent"], quittance=q2)
        assert selectors.may_request_cancellation(viewer=ref["regisseur"], quittance=q2)


def test_an_agent_sees_and_closes_only_his_own_takings_on_the_page_and_in_the_api(fes, ref) -> None:
    agent_api, other_api = _api(fes.host, ref["agent"]), _api(fes.host, ref["agent2"])
    page = _page(fes.host, "visagent1")
    # the close page offers the agent his own takings only, never another agent's
    close_page = unescape(page.get("/regie/close/", {"day": DAY.isoformat()}).content.decode())
    assert "visagent1" in close_page and "visagent2" not in close_page
    # the API refuses to close another agent's day, as the service does, and closes his own
    other = {"day": DAY.isoformat(), "counted_dh": "1.00", "agent_id": ref["agent2"].pk}
    refused = agent_api.post(f"{API}/day/close/", other, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "NOT_A_REGISSEUR"
    own = {"day": DAY.isoformat(), "counted_dh": "1.00", "agent_id": ref["agent"].pk}
    mine = agent_api.post(f"{API}/day/close/", own, content_type="application/json").json()
    theirs = other_api.post(f"{API}/day/close/", other, content_type="application/json").json()
    # each sees his own close and not the other's, through the API and through the pages alike
    assert [v["id"] for v in agent_api.get(f"{API}/versements/").json()] == [mine["id"]]
    assert agent_api.get(f"{API}/versements/{theirs['id']}/").status_code == 404
    assert page.get(f"/regie/versements/{theirs['id']}/").status_code == 404
    assert page.get(f"/regie/versements/{mine['id']}/").status_code == 200
    listed = unescape(page.get("/regie/versements/").content.decode())
    assert f"/regie/versements/{mine['id']}/" in listed and f"/regie/versements/{theirs['id']}/" not in listed
