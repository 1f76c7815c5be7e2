"""Who may work on a letter, the letter locked for a write, a validation error in the API's shape."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from .. import exceptions, permissions
from ..models import Mail, MailCopy, Service


def _fields_error(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _may_work(actor: Any, mail: Mail) -> bool:
    """Clerks work on every letter; a service user on those routed or copied to one of their services."""
    if permissions.is_clerk(actor):
        return True
    if not permissions.is_service_user(actor):
        return False
    services = set(Service.objects.filter(members=actor).values_list("pk", flat=True))
    if mail.confidential and mail.assignee_id != actor.pk:
        return False
    if mail.service_id in services:
        return True
    return MailCopy.objects.filter(mail=mail, service_id__in=services).exists()


def _locked(mail_id: int, actor: Any) -> Mail:
    mail = Mail.objects.select_for_update().filter(pk=mail_id).first()
    if mail is None or not _may_work(actor, mail):
        raise exceptions.MailNotFound()
    return mail
