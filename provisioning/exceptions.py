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


class TemplateNotReady(Conflict):
    code = "TEMPLATE_NOT_READY"
    message = _("The template schema is not at the current migration state: run `jamaa fleet migrate`.")


class TemplateUnsupported(DomainError):
    code = "TEMPLATE_UNSUPPORTED"
    message = _("The template schema holds objects the cloner cannot reproduce.")


class BackupInvalid(DomainError):
    code = "BACKUP_INVALID"
    message = _("The backup archive cannot be used.")


class DeleteRefused(Conflict):
    code = "DELETE_REFUSED"
    message = _("Only an archived commune with a backup made after archiving can be deleted.")


class ForeignArchive(Conflict):
    code = "BACKUP_FOREIGN"
    message = _("This archive belongs to another commune.")


class NotCitus(Conflict):
    code = "NOT_CITUS"
    message = _("This database does not run Citus: communes have no node to be placed on or moved to.")


class UnknownNode(DomainError):
    code = "UNKNOWN_NODE"
    message = _("This node is not an active worker of the Citus cluster.")
