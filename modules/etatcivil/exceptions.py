"""Errors of the état civil module, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class ActNotFound(NotFound):
    code = "ACT_NOT_FOUND"
    message = _("No such act.")


class NotAnAgent(Forbidden):
    code = "NOT_A_CIVIL_REGISTRY_AGENT"
    message = _("Only civil-registry staff may do this.")


class NotAnOfficer(Forbidden):
    code = "NOT_A_DELEGATED_OFFICER"
    message = _("Only an officer delegated for this bureau may sign or issue.")


class NotAChief(Forbidden):
    code = "NOT_A_BUREAU_CHIEF"
    message = _("Only a chef de bureau may do this.")


class ActNotEditable(Conflict):
    code = "ACT_SIGNED"
    message = _("A signed act is never changed: add a marginal note.")


class ActNotSigned(Conflict):
    code = "ACT_NOT_SIGNED"
    message = _("The act is not signed yet.")


class RegisterClosed(Conflict):
    code = "REGISTER_CLOSED"
    message = _("This register is closed.")


class NamingRulesFlagged(DomainError):
    code = "NAMING_RULES_FLAGGED"
    message = _("The names break the rules of law 36-21; confirm to sign anyway.")


class InvalidAct(DomainError):
    code = "INVALID_ACT"
    message = _("The act is incomplete or inconsistent.")


class DocumentNotAllowed(DomainError):
    code = "DOCUMENT_NOT_ALLOWED"
    message = _("This document cannot be issued for this act.")
