"""Refusals of the support services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import DomainError, Forbidden, NotFound


class SupportAccessForbidden(Forbidden):
    code = "SUPPORT_ACCESS_FORBIDDEN"
    message = _("This commune's administrator has forbidden support access.")


class CommuneNotFound(NotFound):
    code = "COMMUNE_NOT_FOUND"
    message = _("No such commune.")


class SessionNotFound(NotFound):
    code = "SUPPORT_SESSION_NOT_FOUND"
    message = _("No such support session, or it has ended.")


class InvalidSupportInput(DomainError):
    code = "INVALID"
    http_status = 400
    message = _("Some fields are invalid.")


class NoBackup(DomainError):
    code = "NO_BACKUP"
    http_status = 409
    message = _("This commune has no backup to restore.")
