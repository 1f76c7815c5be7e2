"""Refusals of the urbanisme module: DomainError subclasses with stable codes (jamaa.platform.errors)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from jamaa.platform.errors import Conflict, DomainError, Forbidden, NotFound


class NotAnAgent(Forbidden):
    code = "URBANISME_NOT_AN_AGENT"
    message = _("Only the urbanisme agents may do this.")


class NotASignatory(Forbidden):
    code = "URBANISME_NOT_A_SIGNATORY"
    message = _("Only the signatory of the arrêtés may sign a decision.")


class DossierNotFound(NotFound):
    code = "URBANISME_DOSSIER_NOT_FOUND"
    message = _("Dossier not found.")


class ServiceNotFound(NotFound):
    code = "URBANISME_SERVICE_NOT_FOUND"
    message = _("Service not found.")


class ConsultationNotFound(NotFound):
    code = "URBANISME_CONSULTATION_NOT_FOUND"
    message = _("Consultation not found.")


class SittingNotFound(NotFound):
    code = "URBANISME_SITTING_NOT_FOUND"
    message = _("Sitting not found.")


class ItemNotFound(NotFound):
    code = "URBANISME_ITEM_NOT_FOUND"
    message = _("This dossier is not on the sitting's agenda.")


class DocumentNotFound(NotFound):
    code = "URBANISME_DOCUMENT_NOT_FOUND"
    message = _("Document not found.")


class DossierInvalid(DomainError):
    code = "URBANISME_DOSSIER_INVALID"
    message = _("Some fields are invalid.")


class PiecesMissing(Conflict):
    code = "URBANISME_PIECES_MISSING"
    message = _("Required pieces are still missing.")


class TransitionRefused(Conflict):
    code = "URBANISME_TRANSITION_REFUSED"
    message = _("The dossier cannot take this step in its current state.")


class NeedsCommission(Conflict):
    code = "URBANISME_NEEDS_COMMISSION"
    message = _("This kind of dossier is decided after the commission's avis.")


class AlreadyRecorded(Conflict):
    code = "URBANISME_ALREADY_RECORDED"
    message = _("This avis is already recorded; it does not change.")


class SittingHeld(Conflict):
    code = "URBANISME_SITTING_HELD"
    message = _("This sitting is held: its minutes are final.")


class TaxUnavailable(Conflict):
    code = "URBANISME_TAX_UNAVAILABLE"
    message = _("The régie has no tariff in force for the tax on construction operations.")


class TaxNotPaid(Conflict):
    code = "URBANISME_TAX_NOT_PAID"
    message = _("The permit is delivered once the tax is paid at the régie (its quittance).")


class DocumentNotReady(Conflict):
    code = "URBANISME_DOCUMENT_NOT_READY"
    message = _("This document cannot be issued at this step of the dossier.")
