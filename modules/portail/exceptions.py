"""Refusals of the citizen portal: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAnAgent(Forbidden):
    code = "PORTAIL_NOT_AN_AGENT"
    message = _("You are not allowed to do this.")


class NotAnEditor(Forbidden):
    code = "PORTAIL_NOT_AN_EDITOR"
    message = _("Only the portal's editors publish on it.")


class NotSignedIn(Forbidden):
    code = "PORTAIL_NOT_SIGNED_IN"
    message = _("Sign in with the code sent to your email or phone first.")


class AddressInvalid(DomainError):
    code = "PORTAIL_ADDRESS_INVALID"
    message = _("Give an email address or a Moroccan mobile number (06…, 07… or +212…).")


class SenderUnavailable(DomainError):
    code = "PORTAIL_SENDER_UNAVAILABLE"
    message = _("Codes cannot be sent to phones yet in this commune: use an email address.")
    http_status = 503


class CodeInvalid(DomainError):
    code = "PORTAIL_CODE_INVALID"
    message = _("This code is wrong or has expired: ask for a new one.")


class TooManyAttempts(DomainError):
    code = "PORTAIL_TOO_MANY_ATTEMPTS"
    message = _("Too many attempts: wait a few minutes and try again.")
    http_status = 429


class RequestInvalid(DomainError):
    code = "PORTAIL_REQUEST_INVALID"
    message = _("Some fields are invalid.")


class RequestKindUnknown(DomainError):
    code = "PORTAIL_REQUEST_KIND_UNKNOWN"
    message = _("This kind of request is not offered online here.")


class RequestNotFound(NotFound):
    code = "PORTAIL_REQUEST_NOT_FOUND"
    message = _("No request matches.")


class TransitionRefused(Conflict):
    code = "PORTAIL_TRANSITION_REFUSED"
    message = _("The request cannot move to this status from its current one.")


class AttachmentInvalid(DomainError):
    code = "PORTAIL_ATTACHMENT_INVALID"
    message = _("Only PDF, JPEG or PNG files are accepted.")
    http_status = 415


class AttachmentTooLarge(DomainError):
    code = "PORTAIL_ATTACHMENT_TOO_LARGE"
    message = _("A file may not exceed 5 MB.")
    http_status = 413


class QuittanceInvalid(DomainError):
    code = "PORTAIL_QUITTANCE_INVALID"
    message = _("No valid quittance has this code.")


class PublicationInvalid(DomainError):
    code = "PORTAIL_PUBLICATION_INVALID"
    message = _("Some fields are invalid.")


class PublicationNotFound(NotFound):
    code = "PORTAIL_PUBLICATION_NOT_FOUND"
    message = _("Not found.")


class DatasetNotFound(NotFound):
    code = "PORTAIL_DATASET_NOT_FOUND"
    message = _("No such dataset.")
