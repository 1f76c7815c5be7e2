"""Refusals of the budget: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAllowed(Forbidden):
    code = "BUDGET_NOT_ALLOWED"
    message = _("You are not allowed to do this.")


class BudgetNotFound(NotFound):
    code = "BUDGET_NOT_FOUND"
    message = _("Budget not found.")


class LineNotFound(NotFound):
    code = "BUDGET_LINE_NOT_FOUND"
    message = _("Budget line not found.")


class EngagementNotFound(NotFound):
    code = "BUDGET_ENGAGEMENT_NOT_FOUND"
    message = _("Engagement not found.")


class LiquidationNotFound(NotFound):
    code = "BUDGET_LIQUIDATION_NOT_FOUND"
    message = _("Liquidation not found.")


class OrderNotFound(NotFound):
    code = "BUDGET_ORDER_NOT_FOUND"
    message = _("Payment order not found.")


class BudgetExists(Conflict):
    code = "BUDGET_EXISTS"
    message = _("This exercice already has a budget.")


class Invalid(DomainError):
    code = "BUDGET_INVALID"
    message = _("Some fields are invalid.")


class NomenclatureUnknown(DomainError):
    code = "BUDGET_NOMENCLATURE_UNKNOWN"
    message = _("This nomenclature version is not known.")


class TransitionRefused(Conflict):
    code = "BUDGET_TRANSITION_REFUSED"
    message = _("The budget cannot move to that state.")


class NotDraft(Conflict):
    code = "BUDGET_NOT_DRAFT"
    message = _("Lines and forecasts change only while the budget is a draft.")


class NotOpen(Conflict):
    code = "BUDGET_NOT_OPEN"
    message = _("Credits change only by decision on an approved budget in execution.")


class Closed(Conflict):
    code = "BUDGET_CLOSED"
    message = _("This exercice is closed.")


class CreditExceeded(Conflict):
    code = "BUDGET_CREDIT_EXCEEDED"
    message = _("Credit exceeded on this line.")

    @classmethod
    def on(cls, *, line: str, available: Decimal, asked: Decimal) -> CreditExceeded:
        """The refusal naming the line, the credit still available and the amount asked."""
        text = _("Credit exceeded on line %(line)s: available %(available)s DH, asked %(asked)s DH.") % {
            "line": line,
            "available": f"{available:.2f}",
            "asked": f"{asked:.2f}",
        }
        return cls(text, extra={"line": line, "available_dh": f"{available:.2f}", "asked_dh": f"{asked:.2f}"})


class AlreadyDecided(Conflict):
    code = "BUDGET_ALREADY_DECIDED"
    message = _("This engagement is already decided.")


class NotApproved(Conflict):
    code = "BUDGET_ENGAGEMENT_NOT_APPROVED"
    message = _("Only an approved engagement can be liquidated.")


class LiquidationExceeds(Conflict):
    code = "BUDGET_LIQUIDATION_EXCEEDS"
    message = _("The liquidations would exceed the engagement.")


class AlreadyOrdered(Conflict):
    code = "BUDGET_ALREADY_ORDERED"
    message = _("This liquidation already has its payment order.")


class AlreadyPaid(Conflict):
    code = "BUDGET_ALREADY_PAID"
    message = _("This payment order is already paid.")


class TransferInvalid(DomainError):
    code = "BUDGET_TRANSFER_INVALID"
    message = _("A transfer goes between two different spending lines of the same budget, for a positive amount.")
