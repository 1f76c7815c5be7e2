"""Refusals of the human resources service: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAnAgent(Forbidden):
    code = "RH_NOT_ALLOWED"
    message = _("You are not allowed to do this.")


class AgentNotFound(NotFound):
    code = "RH_AGENT_NOT_FOUND"
    message = _("Agent not found.")


class ActNotFound(NotFound):
    code = "RH_ACT_NOT_FOUND"
    message = _("Act not found.")


class LeaveNotFound(NotFound):
    code = "RH_LEAVE_NOT_FOUND"
    message = _("Leave request not found.")


class HolidayNotFound(NotFound):
    code = "RH_HOLIDAY_NOT_FOUND"
    message = _("Holiday not found.")


class AgentInvalid(DomainError):
    code = "RH_AGENT_INVALID"
    message = _("Some fields are invalid.")


class DuplicateCin(Conflict):
    code = "RH_DUPLICATE_CIN"
    message = _("An agent with this CIN already exists.")


class CareerInvalid(DomainError):
    code = "RH_CAREER_INVALID"
    message = _("This career step is invalid.")


class LeaveInvalid(DomainError):
    code = "RH_LEAVE_INVALID"
    message = _("This leave request is invalid.")


class BalanceExceeded(Conflict):
    code = "RH_BALANCE_EXCEEDED"
    message = _("Not enough leave days left.")


class SickLeaveCeiling(Conflict):
    code = "RH_SICK_LEAVE_CEILING"
    message = _("This sick leave goes past its ceiling.")


class LeaveOverlap(Conflict):
    code = "RH_LEAVE_OVERLAP"
    message = _("The agent already has leave on these days.")


class TransitionRefused(Conflict):
    code = "RH_TRANSITION_REFUSED"
    message = _("This request cannot move to that status.")


class RatingInvalid(DomainError):
    code = "RH_RATING_INVALID"
    message = _("A rating is a score from 0 to 20, once a year.")


class HolidayConfirmed(Conflict):
    code = "RH_HOLIDAY_CONFIRMED"
    message = _("This holiday is already confirmed.")
