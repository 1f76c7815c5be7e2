"""Tasks with due dates on a letter, given to a user or a service, done once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import Service, Status, Task
from .access import _locked, _may_work


@transaction.atomic
def task_add(*, actor: Any, mail_id: int, title: str, due_date: dt.date, assignee_id: int | None = None) -> Task:
    """Give a piece of work on a letter a due date, to a user of the letter's service (or to the service when no
    user is named). Raises MailNotFound, TransitionRefused (closed or deleted letter), MailInvalid (empty title,
    due date in the past, unknown user). Writes the task and audit."""
    mail = _locked(mail_id, actor)
    if mail.status in (Status.CLOSED, Status.DELETED):
        raise exceptions.TransitionRefused(extra={"status": mail.status})
    title = " ".join(title.split())
    if not title:
        raise exceptions.MailInvalid(extra={"fields": {"title": ["required"]}})
    if due_date < timezone.localdate():
        raise exceptions.MailInvalid(extra={"fields": {"due_date": ["past"]}})
    assignee = None
    if assignee_id is not None:
        assignee = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None:
            raise exceptions.MailInvalid(extra={"fields": {"assignee_id": ["unknown"]}})
    task = Task.objects.create(
        mail=mail, title=title[:300], service_id=mail.service_id, assignee=assignee, due_date=due_date, created_by=actor
    )
    audit_record(
        actor=actor,
        action="courrier.task.added",
        target=mail,
        data={"task_id": task.pk, "due_date": due_date.isoformat(), "assignee_id": assignee_id},
    )
    return task


def _may_complete(actor: Any, task: Task) -> bool:
    if permissions.is_clerk(actor) or task.created_by_id == actor.pk:
        return True
    if task.assignee_id is not None:
        return bool(task.assignee_id == actor.pk)
    return task.service_id is not None and Service.objects.filter(pk=task.service_id, members=actor).exists()


@transaction.atomic
def task_complete(*, actor: Any, task_id: int, note: str = "") -> Task:
    """Mark a task done (once). A task given to a user: that user, its author or a clerk; given to a service:
    any of its users or a clerk. Raises TaskNotFound, TaskDone. Writes the task's outcome and audit."""
    task = Task.objects.select_for_update().select_related("mail").filter(pk=task_id).first()
    if task is None or not _may_work(actor, task.mail) or not _may_complete(actor, task):
        raise exceptions.TaskNotFound()
    if task.done_at is not None:
        raise exceptions.TaskDone()
    task.done_at, task.done_by, task.done_note = timezone.now(), actor, note.strip()[:500]
    task.save(update_fields=["done_at", "done_by", "done_note"])
    audit_record(actor=actor, action="courrier.task.done", target=task.mail, data={"task_id": task.pk})
    return task
