"""Writes of the bureau d'ordre: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited. The chrono number
comes from the kernel's gapless counter, drawn in the transaction that writes the letter (key
`courrier:<category>`, per year): 20 clerks at once get 1..20, a failed registration gives its number back.

The package re-exports every public name of its parts, so `from . import services` and
`services.<name>` keep working."""

from __future__ import annotations

from .attachments import MAX_ATTACHMENT_BYTES, attachment_add
from .mails import (
    CorrespondentInput,
    MailInput,
    OnlineMail,
    RegisteredMail,
    ScanInput,
    correspondent_resolve,
    mail_register,
    mail_register_for_module,
    mail_register_online,
)
from .receipts import mail_receipt_email
from .routing import mail_annotate, mail_copy_add, mail_reply, mail_route, mail_status_change, service_create
from .tasks import task_add, task_complete

__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "attachment_add",
    "CorrespondentInput",
    "MailInput",
    "correspondent_resolve",
    "ScanInput",
    "mail_register",
    "RegisteredMail",
    "mail_register_for_module",
    "OnlineMail",
    "mail_register_online",
    "mail_receipt_email",
    "mail_route",
    "mail_copy_add",
    "mail_status_change",
    "mail_annotate",
    "mail_reply",
    "service_create",
    "task_add",
    "task_complete",
]
