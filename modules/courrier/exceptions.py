"""Refusals of the bureau d'ordre: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAClerk(Forbidden):
    code = "COURRIER_NOT_A_CLERK"
    message = _("Only the bureau d'ordre's clerks may do this.")


class NotAllowed(Forbidden):
    code = "COURRIER_NOT_ALLOWED"
    message = _("You are not allowed to do this.")


class MailNotFound(NotFound):
    code = "COURRIER_MAIL_NOT_FOUND"
    message = _("Letter not found.")


class ServiceNotFound(NotFound):
    code = "COURRIER_SERVICE_NOT_FOUND"
    message = _("Service not found.")


class MailInvalid(DomainError):
    code = "COURRIER_MAIL_INVALID"
    message = _("Some fields are invalid.")


class CorrespondentInvalid(DomainError):
    code = "COURRIER_CORRESPONDENT_INVALID"
    message = _(
        "The correspondent is invalid: a person needs a CIN, a company a 15-digit ICE, an administration "
        "one of the list."
    )


class TransitionRefused(Conflict):
    code = "COURRIER_TRANSITION_REFUSED"
    message = _("This letter cannot move to that status.")


class ReasonRequired(DomainError):
    code = "COURRIER_REASON_REQUIRED"
    message = _("Say why the letter is deleted.")


class NotIncoming(Conflict):
    code = "COURRIER_NOT_INCOMING"
    message = _("Only an incoming letter can be answered.")


class AttachmentInvalid(DomainError):
    code = "COURRIER_ATTACHMENT_INVALID"
    message = _("The file is not a PDF, JPEG or PNG scan, or it is damaged.")


class AttachmentTooLarge(DomainError):
    code = "COURRIER_ATTACHMENT_TOO_LARGE"
    message = _("The file is too large.")


class CopyInvalid(DomainError):
    code = "COURRIER_COPY_INVALID"
    message = _("A copy goes to a service or to an elected official, not both.")


class TaskNotFound(NotFound):
    code = "COURRIER_TASK_NOT_FOUND"
    message = _("Task not found.")


class TaskDone(Conflict):
    code = "COURRIER_TASK_DONE"
    message = _("This task is already done.")


class EmailFailed(Conflict):
    code = "COURRIER_EMAIL_FAILED"
    message = _("The receipt could not be sent by email (the failure is recorded): print it instead.")


class AttachmentNotFound(NotFound):
    code = "COURRIER_ATTACHMENT_NOT_FOUND"
    message = _("Scan not found.")
