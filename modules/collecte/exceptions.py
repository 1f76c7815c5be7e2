from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.modules.regie import exceptions as regie_exceptions
from jamaa.platform.errors import Conflict, DomainError, NotFound


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    message = _("Wrong username or password.")
    http_status = 401


class DeviceNotFound(NotFound):
    code = "DEVICE_NOT_FOUND"
    message = _("No such device.")


class BlockNotFound(NotFound):
    code = "BLOCK_NOT_FOUND"
    message = _("No such block of numbers on this device.")


class TooManyOpenBlocks(Conflict):
    code = "TOO_MANY_OPEN_BLOCKS"
    message = _("This device already holds two open blocks: sync and return the used one first.")


class ClientUuidReused(Conflict):
    code = "CLIENT_UUID_REUSED"
    message = _("This payment identifier was already used for a different payment.")


# The régie checks the receipt's amount against the tariff when it issues the quittance.
AmountMismatch = regie_exceptions.ReceiptAmountMismatch


class InvalidPayment(DomainError):
    code = "INVALID_PAYMENT"
    message = _("The payment is incomplete or inconsistent.")


class QuittanceNotYours(NotFound):
    code = "QUITTANCE_NOT_FOUND"
    message = _("No such quittance.")
