"""Refusals of the parc automobile: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAllowed(Forbidden):
    code = "PARC_NOT_ALLOWED"
    message = _("You are not allowed to do this.")


class VehicleNotFound(NotFound):
    code = "PARC_VEHICLE_NOT_FOUND"
    message = _("Vehicle not found.")


class DriverNotFound(NotFound):
    code = "PARC_DRIVER_NOT_FOUND"
    message = _("Driver not found.")


class ServiceNotFound(NotFound):
    code = "PARC_SERVICE_NOT_FOUND"
    message = _("Service not found.")


class BookNotFound(NotFound):
    code = "PARC_BOOK_NOT_FOUND"
    message = _("Voucher book not found.")


class VoucherNotFound(NotFound):
    code = "PARC_VOUCHER_NOT_FOUND"
    message = _("Voucher not found.")


class MissionNotFound(NotFound):
    code = "PARC_MISSION_NOT_FOUND"
    message = _("Mission order not found.")


class Invalid(DomainError):
    code = "PARC_INVALID"
    message = _("Some fields are invalid.")


class PlateTaken(Conflict):
    code = "PARC_PLATE_TAKEN"
    message = _("A vehicle with this plate is already recorded.")


class StateRefused(Conflict):
    code = "PARC_STATE_REFUSED"
    message = _("The vehicle cannot move to that state.")


class VehicleReformed(Conflict):
    code = "PARC_VEHICLE_REFORMED"
    message = _("This vehicle is reformed.")


class AssignmentOverlap(Conflict):
    code = "PARC_ASSIGNMENT_OVERLAP"
    message = _("The vehicle is already assigned over these dates.")


class AssignmentEnded(Conflict):
    code = "PARC_ASSIGNMENT_ENDED"
    message = _("This assignment has already ended.")


class OdometerLower(Conflict):
    code = "PARC_ODOMETER_LOWER"
    message = _("The odometer cannot go down: the last known reading of this vehicle is %(last)s km.")

    def __init__(self, *, last: int) -> None:
        super().__init__(message=self.message % {"last": last}, extra={"last": last, "fields": {"odometer": []}})


class VoucherUnavailable(Conflict):
    code = "PARC_VOUCHER_UNAVAILABLE"
    message = _("This voucher was already used or cancelled.")


class VoucherOtherVehicle(Conflict):
    code = "PARC_VOUCHER_OTHER_VEHICLE"
    message = _("This voucher belongs to another vehicle.")


class MissionOverlap(Conflict):
    code = "PARC_MISSION_OVERLAP"
    message = _("The vehicle already has a mission order over these dates.")


class MissionClosed(Conflict):
    code = "PARC_MISSION_CLOSED"
    message = _("This mission order is already completed or cancelled.")
