from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotACollector(Forbidden):
    code = "NOT_A_COLLECTOR"
    message = _("Only the régie's staff may issue quittances.")


class NotASupervisor(Forbidden):
    code = "NOT_A_SUPERVISOR"
    message = _("Only the régisseur or the suppléant may approve a cancellation.")


class QuittanceNotFound(NotFound):
    code = "QUITTANCE_NOT_FOUND"
    message = _("No such quittance.")


class AlreadyCancelled(Conflict):
    code = "QUITTANCE_ALREADY_CANCELLED"
    message = _("This quittance is already cancelled.")


class NoTariff(DomainError):
    code = "NO_TARIFF_IN_FORCE"
    message = _("No tariff of this tax is in force on that day.")


class InvalidQuittance(DomainError):
    code = "INVALID_QUITTANCE"
    message = _("The quittance is incomplete or inconsistent.")


class DayLocked(Conflict):
    code = "DAY_LOCKED"
    message = _("This day is closed: its takings were already counted and paid in.")


class NumberOutsideBlock(DomainError):
    code = "NUMBER_OUTSIDE_BLOCK"
    message = _("This number is not in the collector's open block of quittances.")


class NumberAlreadyUsed(Conflict):
    code = "NUMBER_ALREADY_USED"
    message = _("This quittance number is already used.")
