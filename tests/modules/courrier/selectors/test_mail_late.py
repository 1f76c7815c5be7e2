"""Late letters (reply expected, no reply by the limit date), the dashboard per service, duplicates and the
portal's public status."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import selectors, services

from ..factories import clerk, incoming, service_with_member

pytestmark = pytest.mark.django_db


def test_late_letters_and_the_dashboard(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        svc = service_with_member("Voirie", c, c)
        today = timezone.localdate()
        late1 = incoming(
            c,
            "A",
            cin="L1",
            mail_type_code="invitation",
            reply_expected=True,
            service_id=svc.pk,
            arrival_date=today - dt.timedelta(days=17),
        )  # limit 10 days ago
        incoming(
            c,
            "B",
            cin="L2",
            mail_type_code="invitation",
            reply_expected=True,
            service_id=svc.pk,
            arrival_date=today - dt.timedelta(days=11),
        )  # limit 4 days ago
        answered = incoming(
            c,
            "C",
            cin="L3",
            mail_type_code="invitation",
            reply_expected=True,
            service_id=svc.pk,
            arrival_date=today - dt.timedelta(days=30),
        )
        services.mail_reply(actor=c, incoming_id=answered.pk, subject="Réponse")
        incoming(
            c, "D", cin="L4", mail_type_code="invitation", service_id=svc.pk, arrival_date=today - dt.timedelta(days=30)
        )  # no reply expected
        incoming(c, "E", cin="L5", mail_type_code="demande", reply_expected=True)  # not late yet, not routed
        late = selectors.mail_late(viewer=c, today=today)
        assert [r.subject for r in late] == ["A", "B"] and all(r.late for r in late)
        assert late[0].id == late1.pk
        board = {r.service: r for r in selectors.late_dashboard(viewer=c, today=today)}
        assert board["Voirie"].late_count == 2 and board["Voirie"].median_days_late == 7.0
        assert board["Voirie"].open_count == 4  # A, B, C (replied, still open), D
        assert board[""].late_count == 0 and board[""].median_days_late is None


def test_same_sender_and_subject_within_seven_days_is_a_duplicate(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        first = incoming(c, "Demande de  certificat")
        hints = selectors.mail_duplicates(correspondent_id=first.correspondent_id, subject="demande de certificat")
        assert [h.reference for h in hints] == [first.reference]
        later = timezone.now() + dt.timedelta(days=8)
        assert (
            selectors.mail_duplicates(
                correspondent_id=first.correspondent_id, subject="Demande de certificat", now=later
            )
            == []
        )
        assert selectors.mail_duplicates(correspondent_id=first.correspondent_id, subject="Autre chose") == []


def test_public_status_needs_the_code_and_says_nothing_personal(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = incoming(c, "Objet privé", name="Nom Privé", mail_type_code="demande", reply_expected=True)
        status = selectors.mail_public_status(number=mail.number, year=mail.year, code=mail.code.lower())
        assert status == selectors.MailPublicStatus(
            reference=mail.reference,
            category="incoming",
            registered_on=timezone.localdate(),
            status="to_qualify",
            limit_date=mail.limit_date,
            replied=False,
            closed_on=None,
        )
        assert dataclasses.fields(status) and "Privé" not in repr(status) and "Objet" not in repr(status)
        with pytest.raises(dataclasses.FrozenInstanceError):
            status.status = "closed"  # type: ignore[misc]
        assert selectors.mail_public_status(number=mail.number, year=mail.year, code="WRONGCODE1") is None
