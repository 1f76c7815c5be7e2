"""Refusals of the recruitment exams: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAManager(Forbidden):
    code = "CONCOURS_NOT_ALLOWED"
    message = _("You are not allowed to do this.")


class ConcoursNotFound(NotFound):
    code = "CONCOURS_NOT_FOUND"
    message = _("Concours not found.")


class CandidatureNotFound(NotFound):
    code = "CONCOURS_CANDIDATURE_NOT_FOUND"
    message = _("Application not found.")


class ConcoursInvalid(DomainError):
    code = "CONCOURS_INVALID"
    message = _("Some fields are invalid.")


class ApplicationInvalid(DomainError):
    code = "CONCOURS_APPLICATION_INVALID"
    message = _("This application is invalid.")


class DuplicateApplication(Conflict):
    code = "CONCOURS_DUPLICATE_CIN"
    message = _("An application with this CIN already exists for this concours.")


class WrongStage(Conflict):
    code = "CONCOURS_WRONG_STAGE"
    message = _("The concours is not at the stage for this.")


class AlreadyScreened(Conflict):
    code = "CONCOURS_ALREADY_SCREENED"
    message = _("This application is already screened.")


class NotScreened(Conflict):
    code = "CONCOURS_NOT_SCREENED"
    message = _("Some applications are not screened yet.")


class MarkInvalid(DomainError):
    code = "CONCOURS_MARK_INVALID"
    message = _("This mark is invalid.")


class MarksMissing(Conflict):
    code = "CONCOURS_MARKS_MISSING"
    message = _("Some papers are not marked yet.")


class NotALaureate(Conflict):
    code = "CONCOURS_NOT_A_LAUREATE"
    message = _("Only a candidate of the published main list can be appointed.")


class AlreadyAppointed(Conflict):
    code = "CONCOURS_ALREADY_APPOINTED"
    message = _("This laureate is already appointed.")
