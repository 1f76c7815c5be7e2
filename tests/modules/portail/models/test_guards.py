"""The portal's records in SQL: a request never deleted, its number and answers never changed, its status only
along ALLOWED_TRANSITIONS (the trigger and the model compared), its history append-only; a publication only
withdrawn, once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django_tenants.utils import schema_context

from jamaa.modules.portail import services
from jamaa.modules.portail.models import ALLOWED_TRANSITIONS, OnlineRequest, Publication, RequestEvent

from ..factories import citizen_client, user_with

pytestmark = pytest.mark.django_db

REFUSED = (IntegrityError, InternalError)


def _sql(statement: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _request(fes, mailoutbox) -> OnlineRequest:
    client = citizen_client(fes.host, mailoutbox, name="Guard Test")
    response = client.post("/portail/me/new/portail.complaint/", {"text": "x", "cin": "GG12345"})
    assert response.status_code == 302
    with schema_context("fes"):
        return OnlineRequest.objects.get()


def test_the_trigger_allows_exactly_the_models_transitions() -> None:
    from importlib import import_module

    migration = import_module("jamaa.modules.portail.migrations.0002_guards")
    assert {k: sorted(v) for k, v in migration.TRANSITIONS.items()} == {
        str(k): sorted(str(s) for s in v) for k, v in ALLOWED_TRANSITIONS.items()
    }


def test_requests_and_history_resist_sql(fes, mailoutbox) -> None:
    request = _request(fes, mailoutbox)
    with schema_context("fes"):
        for statement in (
            "DELETE FROM portail_onlinerequest WHERE id = %s",
            "UPDATE portail_onlinerequest SET reference = 'A-1999/000001' WHERE id = %s",
            "UPDATE portail_onlinerequest SET cin = 'XX1' WHERE id = %s",
            "UPDATE portail_onlinerequest SET status = 'issued', document_id = 1, document_code = 'X' "
            "WHERE id = %s AND false",  # no-op: fine
        ):
            if "AND false" in statement:
                _sql(statement, [request.pk])
                continue
            with pytest.raises(REFUSED):
                _sql(statement, [request.pk])
        event = RequestEvent.objects.get(request=request)
        with pytest.raises(REFUSED):
            _sql("UPDATE portail_requestevent SET note = 'changed' WHERE id = %s", [event.pk])
        with pytest.raises(REFUSED):
            _sql("DELETE FROM portail_requestevent WHERE id = %s", [event.pk])
        # answered is final: no way back, even in SQL
        agent = user_with("portal_guard_agent", "portail_agent")
        services.request_status_change(actor=agent, request_id=request.pk, status="answered", note="Done.")
        with pytest.raises(REFUSED):
            _sql("UPDATE portail_onlinerequest SET status = 'in_progress' WHERE id = %s", [request.pk])
        with pytest.raises(REFUSED):
            _sql("UPDATE portail_onlinerequest SET public_note = 'rewritten' WHERE id = %s", [request.pk])
        request.refresh_from_db()
        assert request.status == "answered" and request.public_note == "Done."


def test_a_publication_is_only_withdrawn_once(fes) -> None:
    with schema_context("fes"):
        editor = user_with("portal_guard_editor", "portail_editor")
        p = services.publication_publish(
            actor=editor,
            data=services.PublicationInput(kind="news", title_fr="Marché", title_ar="السوق", body_fr="Ouvert."),
        )
        with pytest.raises(REFUSED):
            _sql("UPDATE portail_publication SET title_fr = 'Autre' WHERE id = %s", [p.pk])
        with pytest.raises(REFUSED):
            _sql("DELETE FROM portail_publication WHERE id = %s", [p.pk])
        services.publication_withdraw(actor=editor, publication_id=p.pk, reason="Erreur de date")
        with pytest.raises(REFUSED):
            _sql("UPDATE portail_publication SET withdrawn_reason = 'other' WHERE id = %s", [p.pk])
        assert Publication.objects.get(pk=p.pk).withdrawn_reason == "Erreur de date"
