"""Routing, reassignment with history, copies, statuses (deleted needs a reason), annotations and replies."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import exceptions, permissions, selectors, services
from jamaa.modules.courrier.models import Assignment, Mail, StatusChange
from jamaa.platform.core.models import AuditEvent

from ..factories import clerk, incoming, service_with_member, user_with

pytestmark = pytest.mark.django_db


def test_route_then_reassign_keeps_the_history(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        agent = user_with("tech", permissions.SERVICE)
        tech = service_with_member("Services techniques", agent, c)
        urba = service_with_member("Urbanisme", user_with("urb", permissions.SERVICE), c)
        mail = incoming(c)
        # when the clerk routes it, then the technical service reassigns it to urbanisme
        services.mail_route(actor=c, mail_id=mail.pk, service_id=tech.pk, assignee_id=agent.pk)
        services.mail_route(actor=agent, mail_id=mail.pk, service_id=urba.pk, note="Pas chez nous")
        mail.refresh_from_db()
        assert mail.status == "new" and mail.service_id == urba.pk and mail.assignee_id is None
        assert list(Assignment.objects.filter(mail=mail).values_list("service_id", "previous_service_id", "note")) == [
            (tech.pk, None, ""),
            (urba.pk, tech.pk, "Pas chez nous"),
        ]
        assert list(StatusChange.objects.filter(mail=mail).values_list("from_status", "to_status")) == [
            ("to_qualify", "new")
        ]
        assert AuditEvent.objects.filter(action="courrier.mail.routed", target_id=str(mail.pk)).count() == 2
        # the technical agent no longer sees it
        with pytest.raises(exceptions.MailNotFound):
            selectors.mail_get(viewer=agent, mail_id=mail.pk)


def test_a_service_user_cannot_touch_another_services_letter(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        service_with_member("Etat civil", user_with("ec", permissions.SERVICE), c)
        outsider = user_with("other", permissions.SERVICE)
        mail = incoming(c)
        with pytest.raises(exceptions.MailNotFound):
            services.mail_annotate(actor=outsider, mail_id=mail.pk, text="hello")
        assert mail.annotations.count() == 0


def test_statuses_move_only_along_the_table_and_deleting_needs_a_reason(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = incoming(c)
        with pytest.raises(exceptions.TransitionRefused):
            services.mail_status_change(actor=c, mail_id=mail.pk, status="closed")
        services.mail_route(actor=c, mail_id=mail.pk, service_id=service_with_member("S", c, c).pk)
        services.mail_status_change(actor=c, mail_id=mail.pk, status="in_progress")
        with pytest.raises(exceptions.ReasonRequired):
            services.mail_status_change(actor=c, mail_id=mail.pk, status="deleted", reason="  ")
        assert Mail.objects.get(pk=mail.pk).status == "in_progress"
        services.mail_status_change(actor=c, mail_id=mail.pk, status="deleted", reason="Doublon du 12")
        mail.refresh_from_db()
        assert (mail.status, mail.deleted_reason) == ("deleted", "Doublon du 12")
        with pytest.raises(exceptions.TransitionRefused):
            services.mail_status_change(actor=c, mail_id=mail.pk, status="in_progress")
        event = (
            AuditEvent.objects.filter(action="courrier.mail.status_changed", target_id=str(mail.pk))
            .order_by("pk")
            .last()
        )
        assert event is not None and event.data == {"from": "in_progress", "to": "deleted"}


def test_a_reply_is_outgoing_mail_linked_to_its_letter(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        agent = user_with("svc", permissions.SERVICE)
        svc = service_with_member("Affaires sociales", agent, c)
        letter = incoming(c, mail_type_code="demande", reply_expected=True, service_id=svc.pk)
        # when the service answers and closes
        services.mail_annotate(actor=agent, mail_id=letter.pk, text="Vu, réponse favorable")
        reply = services.mail_reply(actor=agent, incoming_id=letter.pk, subject="Réponse", close=True)
        letter.refresh_from_db()
        # then the reply is numbered in the outgoing series, to the same correspondent, linked
        assert (reply.category, reply.number, reply.reply_to_id) == ("outgoing", 1, letter.pk)
        assert reply.correspondent_id == letter.correspondent_id and reply.departure_date == timezone.localdate()
        assert (letter.reply, letter.status, letter.closing_date) == ("replied", "closed", timezone.localdate())
        detail = selectors.mail_get(viewer=agent, mail_id=letter.pk)
        assert detail.replies == (reply.reference,)
        assert [a.detail for a in detail.annotations] == ["Vu, réponse favorable"]
        # an outgoing letter cannot be answered
        with pytest.raises(exceptions.NotIncoming):
            services.mail_reply(actor=c, incoming_id=reply.pk, subject="x")


def test_a_copy_goes_to_a_service_or_an_official(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = incoming(c)
        reader = user_with("copy", permissions.SERVICE)
        svc = service_with_member("Cabinet", reader, c)
        services.mail_copy_add(actor=c, mail_id=mail.pk, service_id=svc.pk)
        services.mail_copy_add(actor=c, mail_id=mail.pk, official_name="M. le Président", official_office="Présidence")
        with pytest.raises(exceptions.CopyInvalid):
            services.mail_copy_add(actor=c, mail_id=mail.pk)
        # the copied service sees the letter
        assert selectors.mail_get(viewer=reader, mail_id=mail.pk).copies == ("Cabinet", "M. le Président (Présidence)")
