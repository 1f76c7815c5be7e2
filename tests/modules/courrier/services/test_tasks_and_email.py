"""Tasks with due dates on a letter (given, listed, late, done once, frozen in SQL) and the récépissé sent by
email (sent, refused address, the mail server down: recorded, then said)."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail as django_mail
from django.db import connection, transaction
from django.db.utils import IntegrityError, InternalError
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import exceptions, permissions, selectors, services
from jamaa.modules.courrier.models import ReceiptEmail, Task

from ..factories import clerk, incoming, service_with_member, user_with

pytestmark = pytest.mark.django_db


def test_tasks_given_listed_late_and_done_once(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_t1")
        alice = user_with("alice_t1", permissions.SERVICE)
        bob = user_with("bob_t1", permissions.SERVICE)
        outsider = user_with("eve_t1", permissions.SERVICE)
        voirie = service_with_member("Voirie T1", alice, c)
        voirie.members.add(bob)
        letter = incoming(c, "Nid-de-poule rue 3", cin="T1", service_id=voirie.pk)
        today = timezone.localdate()
        to_alice = services.task_add(
            actor=c,
            mail_id=letter.pk,
            title="Visite sur place",
            due_date=today + dt.timedelta(days=3),
            assignee_id=alice.pk,
        )
        to_service = services.task_add(actor=alice, mail_id=letter.pk, title="Devis", due_date=today)
        assert to_service.service_id == voirie.pk and to_service.assignee_id is None

        # Alice sees hers and the service's; Bob only the service's; the outsider nothing; "mine" narrows.
        assert [t.title for t in selectors.tasks_open(viewer=alice)] == ["Devis", "Visite sur place"]
        assert [t.title for t in selectors.tasks_open(viewer=bob)] == ["Devis"]
        assert [t.title for t in selectors.tasks_open(viewer=alice, mine_only=True)] == ["Visite sur place"]
        assert selectors.tasks_open(viewer=outsider) == []
        assert len(selectors.tasks_open(viewer=c)) == 2

        # Two days later the service's task is late: on the list, on the letter and on the dashboard.
        later = today + dt.timedelta(days=2)
        late = [t for t in selectors.tasks_open(viewer=alice, today=later) if t.late]
        assert [t.title for t in late] == ["Devis"]
        board = {b.service: b for b in selectors.late_dashboard(viewer=c, today=later)}
        assert board["Voirie T1"].late_tasks == 1

        # Bob may not close Alice's task; nobody outside the service may see it; done once.
        with pytest.raises(exceptions.TaskNotFound):
            services.task_complete(actor=bob, task_id=to_alice.pk)
        with pytest.raises(exceptions.TaskNotFound):
            services.task_complete(actor=outsider, task_id=to_service.pk)
        done = services.task_complete(actor=bob, task_id=to_service.pk, note="Devis reçu")
        assert done.done_by_id == bob.pk and done.done_note == "Devis reçu"
        with pytest.raises(exceptions.TaskDone):
            services.task_complete(actor=alice, task_id=to_service.pk)
        detail = selectors.mail_get(viewer=alice, mail_id=letter.pk)
        assert [(t.title, t.done_by) for t in detail.tasks] == [("Devis", "bob_t1"), ("Visite sur place", "")]

        # Refusals a clerk would make by mistake.
        with pytest.raises(exceptions.MailInvalid) as past:
            services.task_add(actor=c, mail_id=letter.pk, title="Hier", due_date=today - dt.timedelta(days=1))
        assert past.value.extra["fields"] == {"due_date": ["past"]}
        with pytest.raises(exceptions.MailInvalid):
            services.task_add(actor=c, mail_id=letter.pk, title="   ", due_date=today)
        services.mail_status_change(actor=c, mail_id=letter.pk, status="closed")
        with pytest.raises(exceptions.TransitionRefused):
            services.task_add(actor=c, mail_id=letter.pk, title="Trop tard", due_date=today)


def test_a_task_is_never_deleted_and_frozen_once_done_in_sql(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_t2")
        letter = incoming(c, "Objet T2", cin="T2")
        task = services.task_add(actor=c, mail_id=letter.pk, title="Appeler", due_date=timezone.localdate())
        with connection.cursor() as cursor:
            for sql in (
                f"DELETE FROM courrier_task WHERE id = {task.pk}",
                f"UPDATE courrier_task SET title = 'Autre' WHERE id = {task.pk}",
                f"UPDATE courrier_task SET due_date = due_date + 30 WHERE id = {task.pk}",
            ):
                with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
                    cursor.execute(sql)
        services.task_complete(actor=c, task_id=task.pk)
        with connection.cursor() as cursor:
            for sql in (
                f"UPDATE courrier_task SET done_note = 'changé' WHERE id = {task.pk}",
                f"UPDATE courrier_task SET done_at = NULL, done_by_id = NULL WHERE id = {task.pk}",
            ):
                with pytest.raises((IntegrityError, InternalError)), transaction.atomic():
                    cursor.execute(sql)
        assert Task.objects.get(pk=task.pk).done_at is not None


def test_the_receipt_by_email_sent_refused_or_recorded_when_the_server_is_down(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_t3")
        letter = incoming(c, "Attestation de résidence", cin="T3")
        pdf = b"%PDF-1.4 receipt"
        django_mail.outbox.clear()
        sent = services.mail_receipt_email(
            actor=c, mail_id=letter.pk, to="ahmed@example.ma", pdf=pdf, filename="recepisse.pdf"
        )
        assert sent.sent and sent.error == ""
        (message,) = django_mail.outbox
        assert message.to == ["ahmed@example.ma"] and letter.reference in message.subject
        assert message.attachments[0][0] == "recepisse.pdf" and message.attachments[0][1] == pdf
        assert "وصل" in message.subject

        with pytest.raises(exceptions.MailInvalid):
            services.mail_receipt_email(actor=c, mail_id=letter.pk, to="not-an-address", pdf=pdf, filename="r.pdf")

        # A real SMTP connection to a port where nothing listens: refused, recorded, then said.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=closed_port
        ):
            with pytest.raises(exceptions.EmailFailed):
                services.mail_receipt_email(
                    actor=c, mail_id=letter.pk, to="ahmed@example.ma", pdf=pdf, filename="r.pdf"
                )
        outcomes = list(ReceiptEmail.objects.filter(mail=letter).values_list("sent", flat=True))
        assert outcomes == [True, False]
        failed = ReceiptEmail.objects.filter(mail=letter, sent=False).get()
        assert failed.error
        lines = selectors.mail_get(viewer=c, mail_id=letter.pk).receipt_emails
        assert [(e.to, e.sent) for e in lines] == [("ahmed@example.ma", True), ("ahmed@example.ma", False)]
        with connection.cursor() as cursor, pytest.raises((IntegrityError, InternalError)), transaction.atomic():
            cursor.execute(f"UPDATE courrier_receiptemail SET sent = true, error = '' WHERE id = {failed.pk}")
