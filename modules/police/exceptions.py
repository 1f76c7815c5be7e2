"""Refusals of the police administrative: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAnAgent(Forbidden):
    code = "POLICE_NOT_AN_AGENT"
    message = _("Only the police administrative's agents may do this.")


class NotADecisionMaker(Forbidden):
    code = "POLICE_NOT_A_DECISION_MAKER"
    message = _("Only the president's delegate for the police administrative may decide.")


class NotAnInspector(Forbidden):
    code = "POLICE_NOT_AN_INSPECTOR"
    message = _("Only the police administrative's inspectors may record a control.")


class EstablishmentNotFound(NotFound):
    code = "POLICE_ESTABLISHMENT_NOT_FOUND"
    message = _("Establishment not found.")


class RequestNotFound(NotFound):
    code = "POLICE_REQUEST_NOT_FOUND"
    message = _("Request not found.")


class AuthorisationNotFound(NotFound):
    code = "POLICE_AUTHORISATION_NOT_FOUND"
    message = _("Authorisation not found.")


class InspectionNotFound(NotFound):
    code = "POLICE_INSPECTION_NOT_FOUND"
    message = _("Inspection not found.")


class SanctionNotFound(NotFound):
    code = "POLICE_SANCTION_NOT_FOUND"
    message = _("Sanction not found.")


class Invalid(DomainError):
    code = "POLICE_INVALID"
    message = _("Some fields are invalid.")


class TransitionRefused(Conflict):
    code = "POLICE_TRANSITION_REFUSED"
    message = _("This cannot be done at this stage.")


class RevenueRefused(DomainError):
    code = "POLICE_REVENUE_REFUSED"
    message = _("The régie refused the revenue line: the authorisation is not granted.")
