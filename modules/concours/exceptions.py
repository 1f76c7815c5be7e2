"""Refusals of Concours: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import DomainError, Forbidden, NotFound


class NotAnAgent(Forbidden):
    code = "CONCOURS_NOT_AN_AGENT"
    message = _("You are not allowed to do this.")


class EntryNotFound(NotFound):
    code = "CONCOURS_ENTRY_NOT_FOUND"
    message = _("Not found.")


class EntryInvalid(DomainError):
    code = "CONCOURS_ENTRY_INVALID"
    message = _("Some fields are invalid.")
