"""Cancelling a quittance: an agent's request with a reason, a supervisor's decision (never the requester's),
one pending request at a time, the counter-entry on approval, nothing on rejection; database CHECKs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from jamaa.modules.regie import exceptions, selectors, services
from jamaa.modules.regie.models import CancellationRequest, Quittance, QuittanceCancellation
from jamaa.platform.core.models import AuditEvent

from .factories import installed

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 4, 2)


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        ref = installed(passwords=False)
        ref["quittance"] = issue(ref)
        yield ref


def issue(ref, agent=None) -> Quittance:
    return services.quittance_issue(
        actor=agent or ref["agent"],
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal("12"),
            period="T2 2026",
            payment_method="cash",
            on=DAY,
        ),
    )


def request(ref, reason="montant erroné") -> CancellationRequest:
    return services.cancellation_request(quittance_id=ref["quittance"].pk, requested_by=ref["agent"], reason=reason)


def test_request_then_approval_writes_the_counter_entry(ref) -> None:
    pending = request(ref)
    assert pending.status == "pending"
    assert list(selectors.cancellations_pending(regie_id=ref["regie"].pk, viewer=ref["regisseur"])) == [pending]
    # one pending request per quittance
    with pytest.raises(exceptions.CancellationAlreadyRequested):
        request(ref, reason="encore")
    # four eyes: the requester cannot decide, nor an agent
    with pytest.raises(exceptions.NotASupervisor):
        services.cancellation_decide(request_id=pending.pk, decided_by=ref["agent"], approve=True)
    with pytest.raises(exceptions.NotASupervisor):
        services.cancellation_decide(request_id=pending.pk, decided_by=ref["agent2"], approve=True)
    assert not QuittanceCancellation.objects.exists()
    decided = services.cancellation_decide(
        request_id=pending.pk, decided_by=ref["regisseur"], approve=True, note="vérifié"
    )
    assert (decided.status, decided.decided_by, decided.decision_note) == ("approved", ref["regisseur"], "vérifié")
    cancellation = QuittanceCancellation.objects.get(quittance=ref["quittance"])
    assert cancellation.amount_dh == Decimal("-840.00") and cancellation.approved_by == ref["regisseur"]
    assert cancellation.requested_by == ref["agent"] and cancellation.reason == "montant erroné"
    # the number stays in the register; deciding twice or asking again is refused
    assert selectors.series_report(series_id=ref["quittance"].series_id).cancelled == [1]
    with pytest.raises(exceptions.CancellationAlreadyDecided):
        services.cancellation_decide(request_id=pending.pk, decided_by=ref["suppleant"], approve=False)
    with pytest.raises(exceptions.AlreadyCancelled):
        request(ref)
    actions = set(AuditEvent.objects.filter(action__startswith="regie.cancellation").values_list("action", flat=True))
    assert actions == {"regie.cancellation.requested", "regie.cancellation.approved"}


def test_rejection_keeps_the_quittance_and_allows_a_new_request(ref) -> None:
    with pytest.raises(exceptions.InvalidQuittance):
        request(ref, reason="  ")
    first = request(ref)
    rejected = services.cancellation_decide(
        request_id=first.pk, decided_by=ref["regisseur"], approve=False, note="pas d'erreur"
    )
    assert rejected.status == "rejected"
    assert not QuittanceCancellation.objects.exists()
    assert list(selectors.cancellations_pending(viewer=ref["regisseur"])) == []
    second = request(ref, reason="doublon avec la quittance 2")
    assert second.status == "pending"
    with pytest.raises(exceptions.QuittanceNotFound):
        services.cancellation_request(quittance_id=999_999, requested_by=ref["agent"], reason="x")
    with pytest.raises(exceptions.CancellationRequestNotFound):
        services.cancellation_decide(request_id=999_999, decided_by=ref["regisseur"], approve=True)


def test_an_agent_asks_to_cancel_only_his_own_quittances_the_regisseur_any(ref) -> None:
    # given a quittance of agent1 and one of agent2
    mine, theirs = ref["quittance"], issue(ref, agent=ref["agent2"])
    # then agent2 may not ask to cancel agent1's quittance (nothing is written), but his own
    with pytest.raises(exceptions.NotYourQuittance) as refused:
        services.cancellation_request(quittance_id=mine.pk, requested_by=ref["agent2"], reason="erreur")
    assert refused.value.code == "NOT_YOUR_QUITTANCE"
    assert not CancellationRequest.objects.filter(quittance=mine).exists()
    own = services.cancellation_request(quittance_id=theirs.pk, requested_by=ref["agent2"], reason="erreur")
    assert own.requested_by == ref["agent2"]
    # and the régisseur may for anyone's (the decision is then the suppléant's: four eyes)
    for_agent = services.cancellation_request(quittance_id=mine.pk, requested_by=ref["regisseur"], reason="doublon")
    assert for_agent.requested_by == ref["regisseur"]
    assert services.cancellation_decide(request_id=for_agent.pk, decided_by=ref["suppleant"], approve=False)


def test_the_api_refuses_another_agents_quittance_with_the_error_shape(ref, fes) -> None:
    theirs = issue(ref, agent=ref["agent2"])
    url = f"/regie/api/quittances/{theirs.pk}/cancellation/"
    token = Token.objects.create(user=ref["agent"]).key
    for language, words in (("fr", "qu'il a délivrée"), ("ar", "سلّمه")):
        client = Client(HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Token {token}")
        client.cookies["jamaa_language"] = language
        response = client.post(url, {"reason": "erreur"}, content_type="application/json")
        assert response.status_code == 403, response.content
        body = response.json()
        assert body["code"] == "NOT_YOUR_QUITTANCE" and words in body["message"], body
    assert not CancellationRequest.objects.filter(quittance=theirs).exists()
    agent2 = Client(HTTP_HOST=fes.host, HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=ref['agent2']).key}")
    response = agent2.post(url, {"reason": "erreur"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "pending", response.content


def test_a_quittance_paid_in_cannot_be_cancelled(ref) -> None:
    services.day_close(actor=ref["agent"], agent=ref["agent"], regie_id=ref["regie"].pk, day=DAY, counted_dh=840)
    with pytest.raises(exceptions.DayLocked):
        request(ref)


def test_the_database_guards_requests_and_counter_entries(ref) -> None:
    pending = request(ref)
    q, agent, regisseur = ref["quittance"], ref["agent"], ref["regisseur"]
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        for sql in [
            # the requester approving his own request
            f"UPDATE regie_cancellationrequest SET status = 'approved', decided_by_id = {agent.pk}, "
            f"decided_at = now() WHERE id = {pending.pk}",
            # a decision without a decider
            f"UPDATE regie_cancellationrequest SET status = 'approved' WHERE id = {pending.pk}",
            # a second pending request
            "INSERT INTO regie_cancellationrequest (quittance_id, reason, requested_by_id, requested_at, status, "
            f"decision_note) VALUES ({q.pk}, 'x', {agent.pk}, now(), 'pending', '')",
            # a request without a reason
            f"UPDATE regie_cancellationrequest SET reason = '' WHERE id = {pending.pk}",
            # a counter-entry approved by its requester, positive, or without reason
            "INSERT INTO regie_quittancecancellation (quittance_id, reason, requested_by_id, approved_by_id, "
            f"amount_dh, cancelled_at) VALUES ({q.pk}, 'x', {agent.pk}, {agent.pk}, -840, now())",
            "INSERT INTO regie_quittancecancellation (quittance_id, reason, requested_by_id, approved_by_id, "
            f"amount_dh, cancelled_at) VALUES ({q.pk}, 'x', {agent.pk}, {regisseur.pk}, 840, now())",
            "INSERT INTO regie_quittancecancellation (quittance_id, reason, requested_by_id, approved_by_id, "
            f"amount_dh, cancelled_at) VALUES ({q.pk}, '', {agent.pk}, {regisseur.pk}, -840, now())",
            f"DELETE FROM regie_cancellationrequest WHERE id = {pending.pk}",
        ]:
            with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
                cursor.execute(sql)
    services.cancellation_decide(request_id=pending.pk, decided_by=regisseur, approve=False)
    with connection.cursor() as cursor:
        cursor.execute("SET search_path = fes, public")
        # a decided request is never decided again
        with pytest.raises(DatabaseError), transaction.atomic():
            cursor.execute(
                f"UPDATE regie_cancellationrequest SET status = 'approved', decided_at = now() WHERE id = {pending.pk}"
            )
    assert CancellationRequest.objects.get(pk=pending.pk).status == "rejected"
