from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError


class InvalidCommuneInput(DomainError):
    code = "INVALID_COMMUNE"
    message = _("The commune's details are invalid.")


class CommuneExists(Conflict):
    code = "COMMUNE_EXISTS"
    message = _("A commune with this slug already exists.")


class ProvisioningFailed(DomainError):
    code = "PROVISIONING_FAILED"
    message = _("The commune could not be created; nothing was left behind.")
    http_status = 500


class InvalidTransition(Conflict):
    code = "INVALID_TRANSITION"
    message = _("This change of status is not allowed.")
