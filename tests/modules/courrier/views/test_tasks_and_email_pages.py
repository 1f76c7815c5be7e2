"""The letter's page and the API: a task given with a due date, the tasks page, done from it; the récépissé
sent by email from the page (the address prefilled from the correspondent) and over the API; in Arabic too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import permissions, services
from jamaa.modules.courrier.models import ReceiptEmail, Task

from ..factories import clerk, service_with_member, signed_in, user_with

pytestmark = pytest.mark.django_db


def _letter_with_email(c, svc_id: int):
    return services.mail_register(
        actor=c,
        data=services.MailInput(
            category="incoming",
            subject="Demande de raccordement",
            correspondent=services.CorrespondentInput(
                kind="person", name="Samira Bennani", cin="TV1", email="samira@example.ma"
            ),
            service_id=svc_id,
        ),
    )


def test_tasks_and_the_emailed_receipt_on_the_pages(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_tv1")
        agent = user_with("svc_tv1", permissions.SERVICE)
        svc = service_with_member("Réseaux TV1", agent, c)
        letter = _letter_with_email(c, svc.pk)
    client = signed_in(fes.host, c)
    page = client.get(f"/courrier/{letter.pk}/").content.decode()
    assert 'id="task-form"' in page and "samira@example.ma" in page and "svc_tv1" in page

    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    refused = client.post(f"/courrier/{letter.pk}/tasks/", {"title": "", "due_date": due})
    assert refused.status_code == 400
    added = client.post(
        f"/courrier/{letter.pk}/tasks/", {"title": "Étude technique", "due_date": due, "assignee_id": agent.pk}
    )
    assert added.status_code == 302
    agent_client = signed_in(fes.host, agent)
    tasks_page = agent_client.get("/courrier/tasks/").content.decode()
    assert "Étude technique" in tasks_page and letter.reference in tasks_page
    with schema_context("fes"):
        task = Task.objects.get(mail=letter)
    done = agent_client.post(f"/courrier/tasks/{task.pk}/done/", {"next": "tasks", "note": ""})
    assert done.status_code == 302 and done["Location"] == "/courrier/tasks/"
    again = agent_client.post(f"/courrier/tasks/{task.pk}/done/", {"next": "tasks", "note": ""})
    assert again.status_code == 400 and "déjà faite" in again.content.decode()
    assert agent_client.get("/courrier/tasks/").content.decode().count("Étude technique") == 0

    django_mail.outbox.clear()
    bad = client.post(f"/courrier/{letter.pk}/receipt/email/", {"to": "pas-une-adresse"})
    assert bad.status_code == 400
    sent = client.post(f"/courrier/{letter.pk}/receipt/email/", {"to": "samira@example.ma"})
    assert sent.status_code == 302 and sent["Location"].endswith("?emailed=1")
    (message,) = django_mail.outbox
    name, content, kind = message.attachments[0]
    assert kind == "application/pdf" and content.startswith(b"%PDF") and name.startswith("recepisse-")
    shown = client.get(sent["Location"]).content.decode()
    assert 'id="emailed"' in shown and 'id="receipt-emails"' in shown

    # In Arabic: the tasks page and the form's labels.
    agent_client.cookies["jamaa_language"] = "ar"
    arabic = agent_client.get("/courrier/tasks/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in arabic and "المهام" in arabic


def test_tasks_and_the_receipt_email_over_the_api(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_ta1")
        agent = user_with("svc_ta1", permissions.SERVICE)
        svc = service_with_member("Réseaux TA1", agent, c)
        letter = _letter_with_email(c, svc.pk)
    client = signed_in(fes.host, c)
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    created = client.post(
        f"/courrier/api/mails/{letter.pk}/tasks/",
        {"title": "Relancer l'ONEE", "due_date": due},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    (task,) = created.json()["tasks"]
    assert task["title"] == "Relancer l'ONEE" and task["service"] == "Réseaux TA1" and not task["late"]
    bad = client.post(
        f"/courrier/api/mails/{letter.pk}/tasks/",
        {"title": "x", "due_date": "2001-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["extra"]["fields"] == {"due_date": ["past"]}
    agent_api = signed_in(fes.host, agent)
    assert [t["id"] for t in agent_api.get("/courrier/api/tasks/").json()] == [task["id"]]
    assert agent_api.get("/courrier/api/tasks/", {"mine": "1"}).json() == []
    closed = agent_api.post(
        f"/courrier/api/tasks/{task['id']}/done/", {"note": "fait"}, content_type="application/json"
    )
    assert closed.status_code == 200 and closed.json()["tasks"][0]["done_by"] == "svc_ta1"
    twice = agent_api.post(f"/courrier/api/tasks/{task['id']}/done/", {}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "COURRIER_TASK_DONE"

    django_mail.outbox.clear()
    emailed = client.post(
        f"/courrier/api/mails/{letter.pk}/receipt/email/", {"to": "samira@example.ma"}, content_type="application/json"
    )
    assert emailed.status_code == 201 and emailed.json()["sent"] is True
    assert len(django_mail.outbox) == 1
    with schema_context("fes"):
        assert ReceiptEmail.objects.filter(mail=letter, sent=True).count() == 1


def test_copies_and_scans_on_the_page_and_the_api(fes, meknes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_tc1")
        agent = user_with("svc_tc1", permissions.SERVICE)
        svc = service_with_member("Finances TC1", agent, c)
        other = service_with_member("Culture TC1", user_with("svc_tc1b", permissions.SERVICE), c)
        letter = _letter_with_email(c, svc.pk)
        scan = services.attachment_add(actor=c, mail_id=letter.pk, name="lettre signée.pdf", content=PDF)
    client = signed_in(fes.host, c)
    assert client.post(f"/courrier/{letter.pk}/copies/", {"service_id": other.pk}).status_code == 302
    both = client.post(f"/courrier/{letter.pk}/copies/", {"service_id": other.pk, "official_name": "M. le Président"})
    assert both.status_code == 400
    api = client.post(
        f"/courrier/api/mails/{letter.pk}/copies/",
        {"official_name": "Fatima Zahra", "official_office": "Vice-présidente"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["copies"] == ["Culture TC1", "Fatima Zahra (Vice-présidente)"]
    empty = client.post(f"/courrier/api/mails/{letter.pk}/copies/", {}, content_type="application/json")
    assert empty.status_code == 400

    # the scan opens from the page and over the API, for those who see the letter only
    page = client.get(f"/courrier/{letter.pk}/").content.decode()
    assert f"/courrier/attachments/{scan.pk}/" in page
    opened = client.get(f"/courrier/attachments/{scan.pk}/")
    assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf" and opened.content == PDF
    assert client.get(f"/courrier/api/attachments/{scan.pk}/").content == PDF
    with schema_context("fes"):
        outsider = user_with("svc_tc1c", permissions.SERVICE)
    assert signed_in(fes.host, outsider).get(f"/courrier/attachments/{scan.pk}/").status_code == 404
    # and never from another commune's site, whatever the id
    with schema_context("meknes"):
        meknes_clerk = clerk("clerk_tc1m")
    assert signed_in(meknes.host, meknes_clerk).get(f"/courrier/attachments/{scan.pk}/").status_code == 404


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
