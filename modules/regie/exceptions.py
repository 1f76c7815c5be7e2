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


class NotARegisseur(Forbidden):
    code = "NOT_A_REGISSEUR"
    message = _("Only the régisseur (or the suppléant) may do this.")


class RegieNotFound(NotFound):
    code = "REGIE_NOT_FOUND"
    message = _("No such régie.")


class RedevableNotFound(NotFound):
    code = "REDEVABLE_NOT_FOUND"
    message = _("No such redevable.")


class InvalidRedevable(DomainError):
    code = "INVALID_REDEVABLE"
    message = _("A redevable needs a name and a CIN, an RC or an ICE.")


class InvalidAsset(DomainError):
    code = "INVALID_ASSET"
    message = _("The bien or activité is incomplete or inconsistent.")


class TaxNotFound(NotFound):
    code = "TAX_NOT_FOUND"
    message = _("No such tax.")


class BudgetLineNotAuthorised(DomainError):
    code = "BUDGET_LINE_NOT_AUTHORISED"
    message = _("The régie's arrêté does not authorise it to collect this budget line.")


class LiquidationNotFound(NotFound):
    code = "LIQUIDATION_NOT_FOUND"
    message = _("No such liquidation.")


class InvalidLiquidation(DomainError):
    code = "INVALID_LIQUIDATION"
    message = _("The declaration is incomplete or inconsistent.")


class LiquidationNotPayable(Conflict):
    code = "LIQUIDATION_NOT_PAYABLE"
    message = _("This liquidation is already paid, ordered or cancelled.")


class LiquidationOutdated(Conflict):
    code = "LIQUIDATION_OUTDATED"
    message = _("The penalties changed since this liquidation was computed: cancel it and liquidate again.")


class CancellationRequestNotFound(NotFound):
    code = "CANCELLATION_REQUEST_NOT_FOUND"
    message = _("No such cancellation request.")


class NotYourQuittance(Forbidden):
    code = "NOT_YOUR_QUITTANCE"
    message = _("An agent may ask to cancel only a quittance he issued; the régisseur may for any.")


class CancellationAlreadyRequested(Conflict):
    code = "CANCELLATION_ALREADY_REQUESTED"
    message = _("A cancellation of this quittance is already awaiting approval.")


class CancellationAlreadyDecided(Conflict):
    code = "CANCELLATION_ALREADY_DECIDED"
    message = _("This cancellation request was already decided.")


class OrdreNotFound(NotFound):
    code = "ORDRE_NOT_FOUND"
    message = _("No such ordre de recette.")


class InvalidOrdre(DomainError):
    code = "INVALID_ORDRE"
    message = _("The ordre de recette is incomplete or inconsistent.")


class OrdreTransitionRefused(Conflict):
    code = "ORDRE_TRANSITION_REFUSED"
    message = _("An ordre de recette cannot move to that state from its current one.")


class BordereauNotFound(NotFound):
    code = "BORDEREAU_NOT_FOUND"
    message = _("No such bordereau d'émission.")


class InvalidBordereau(DomainError):
    code = "INVALID_BORDEREAU"
    message = _("A bordereau groups issued ordres of one régie and exercice that are not in a bordereau yet.")


class BordereauAlreadyTakenInCharge(Conflict):
    code = "BORDEREAU_ALREADY_TAKEN_IN_CHARGE"
    message = _("This bordereau was already taken in charge by the comptable.")


class DayAlreadyClosed(Conflict):
    code = "DAY_ALREADY_CLOSED"
    message = _("This day was already closed (its versement exists).")


class InvalidClose(DomainError):
    code = "INVALID_CLOSE"
    message = _("The day's close is incomplete or inconsistent.")


class VersementNotFound(NotFound):
    code = "VERSEMENT_NOT_FOUND"
    message = _("No such versement.")


class TreasuryReferenceAlreadySet(Conflict):
    code = "TREASURY_REFERENCE_ALREADY_SET"
    message = _("This versement already carries the Treasury's reference.")


class NotAllowedToSetUp(Forbidden):
    code = "NOT_ALLOWED_TO_SET_UP"
    message = _("Only the régisseur or the commune's administrators may change the régie's reference.")


class InvalidRegie(DomainError):
    code = "INVALID_REGIE"
    message = _("The régie's arrêté, ceiling or budget lines are incomplete or inconsistent.")


class InvalidBudgetLine(DomainError):
    code = "INVALID_BUDGET_LINE"
    message = _("The budget line is incomplete or its code is already used.")


class InvalidAppointment(DomainError):
    code = "INVALID_APPOINTMENT"
    message = _("The appointment is incomplete or inconsistent.")


class AppointmentOverlaps(Conflict):
    code = "APPOINTMENT_OVERLAPS"
    message = _("This person already holds this role in the régie during that period.")


class AppointmentNotFound(NotFound):
    code = "APPOINTMENT_NOT_FOUND"
    message = _("No such appointment.")


class StaffUserNotFound(NotFound):
    code = "STAFF_USER_NOT_FOUND"
    message = _("No such active user in this commune.")


class InvalidTax(DomainError):
    code = "INVALID_TAX"
    message = _("The tax is incomplete, its code is already used or its budget line is unknown.")


class InvalidTariff(DomainError):
    code = "INVALID_TARIFF"
    message = _("The tariff version is incomplete or inconsistent.")


class TariffVersionExists(Conflict):
    code = "TARIFF_VERSION_EXISTS"
    message = _("A version of this tariff already takes effect on that day: versions are never edited.")


class AssetNotFound(NotFound):
    code = "ASSET_NOT_FOUND"
    message = _("No such bien or activité.")


class ReceiptAmountMismatch(DomainError):
    """A collector's receipt shows another amount than the tariff in force that day gives."""

    code = "AMOUNT_MISMATCH"
    message = _("The amount on the receipt differs from the tariff in force that day.")


class ClientUuidTaken(Conflict):
    """Another quittance holds this device UUID (an upload racing this one): the caller looks it up."""

    code = "CLIENT_UUID_TAKEN"
    message = _("This payment identifier is already used by another quittance.")


class InvalidIncident(DomainError):
    code = "INVALID_INCIDENT"
    message = _("The incident is incomplete or inconsistent.")


class InvalidIdempotencyKey(DomainError):
    code = "INVALID_IDEMPOTENCY_KEY"
    message = _("An idempotency key is 1 to 100 visible characters (letters, digits, punctuation), without spaces.")


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    message = _("This payment form (idempotency key) was already used for another payment: nothing was collected.")
