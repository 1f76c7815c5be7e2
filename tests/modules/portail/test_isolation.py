"""One citizen never reads another's request, and nothing of one commune is reachable from another: the same 404
as a missing one (pages, the tracking lookup, the desk API, the PDF)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from jamaa.modules.portail import permissions
from jamaa.modules.portail.models import OnlineRequest

from .factories import citizen_client, signed_in, user_with, visitor

pytestmark = pytest.mark.django_db


def _complaint(client, text: str = "La lampe de la rue est cassée", cin: str = "AB12345"):
    response = client.post("/portail/me/new/portail.complaint/", {"text": text, "cin": cin})
    assert response.status_code == 302, response.content.decode()[-2000:]
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_a_citizen_sees_only_their_own_requests(fes, mailoutbox) -> None:
    alice = citizen_client(fes.host, mailoutbox, name="Alice Amrani")
    bob = citizen_client(fes.host, mailoutbox, name="Bachir Berrada")
    alice_request = _complaint(alice, "Alice's private complaint text", cin="AA11111")
    _complaint(bob, "Bob's complaint", cin="BB22222")
    # Bob's list and pages never show Alice's request
    bob_list = bob.get("/portail/me/").content.decode()
    assert "Alice" not in bob_list
    with schema_context("fes"):
        alice_ref = OnlineRequest.objects.get(pk=alice_request).reference
    assert alice_ref not in bob_list
    assert bob.get(f"/portail/me/requests/{alice_request}/").status_code == 404
    assert bob.get(f"/portail/me/requests/{alice_request}/document.pdf").status_code == 404
    # Alice sees hers
    mine = alice.get(f"/portail/me/requests/{alice_request}/")
    assert mine.status_code == 200 and alice_ref in mine.content.decode()
    # the tracking lookup needs the CIN given with that very request
    anonymous = visitor(fes.host)
    assert anonymous.post("/portail/track/", {"reference": alice_ref, "secret": "BB22222"}).status_code == 404
    assert anonymous.post("/portail/track/", {"reference": alice_ref, "secret": "AA11111"}).status_code == 200


def test_nothing_of_fes_is_reachable_from_meknes(fes, meknes, mailoutbox) -> None:
    alice = citizen_client(fes.host, mailoutbox, name="Alice Amrani")
    request_id = _complaint(alice, cin="AA33333")
    with schema_context("fes"):
        request = OnlineRequest.objects.get(pk=request_id)
    # the same reference and CIN are unknown in Meknès
    other = visitor(meknes.host)
    assert other.post("/portail/track/", {"reference": request.reference, "secret": "AA33333"}).status_code == 404
    api = other.post(
        "/portail/api/public/track/",
        {"reference": request.reference, "secret": "AA33333"},
        content_type="application/json",
    )
    assert api.status_code == 404 and api.json()["code"] == "PORTAIL_REQUEST_NOT_FOUND"
    # a citizen of Meknès (maybe with the same id) does not reach it
    meknes_citizen = citizen_client(meknes.host, mailoutbox, name="Karim Kettani")
    assert meknes_citizen.get(f"/portail/me/requests/{request_id}/").status_code == 404
    # nor a portal agent of Meknès, through the desk's API
    with schema_context("meknes"):
        agent = user_with("portal_iso_agent", permissions.AGENT)
    response = signed_in(meknes.host, agent).get(f"/portail/api/desk/requests/{request_id}/")
    assert response.status_code == 404 and response.json()["code"] == "PORTAIL_REQUEST_NOT_FOUND"
    # and Fès's session cookie means nothing on Meknès's host
    name = settings.SESSION_COOKIE_NAME
    stranger = visitor(meknes.host)
    stranger.cookies[name] = alice.cookies[name].value
    assert stranger.get(f"/portail/me/requests/{request_id}/").status_code in (403, 404)
