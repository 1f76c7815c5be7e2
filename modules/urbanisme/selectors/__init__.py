"""Reads of the urbanisme module. Visibility ("who may see what") is decided here (`viewer=`), never in views:
the module's agents and signatories read every dossier of the commune; anyone else reads none (the same 404 as a
missing one). The portal reads a dossier's status by its number and the code of its récépissé
(`dossier_public_status`, no personal data).

The package re-exports every public name of its parts, so `from . import selectors` and
`selectors.<name>` keep working."""

from __future__ import annotations

from .choices import PieceChoice, delivered_permits, piece_choices
from .commission import ItemView, SittingView, ready_for_commission, sitting_get, sittings_list
from .desk import DossierRow, LateBoard, desk, dossier_list, late_dashboard, to_take
from .documents import DocumentContent, StoredDocument, display_register, document_content, document_get
from .dossiers import (
    ConsultationView,
    DocumentView,
    DossierDetail,
    EventView,
    ParcelView,
    PieceView,
    consultations_late,
    dossier_get,
    services_list,
)
from .public import DossierPublicStatus, dossier_public_status
from .rokhas import EXPORT_FIELDS, export_csv, export_json, export_records

__all__ = [
    "PieceChoice",
    "piece_choices",
    "delivered_permits",
    "ItemView",
    "SittingView",
    "sittings_list",
    "sitting_get",
    "ready_for_commission",
    "DossierRow",
    "dossier_list",
    "desk",
    "to_take",
    "LateBoard",
    "late_dashboard",
    "DocumentContent",
    "document_content",
    "StoredDocument",
    "document_get",
    "display_register",
    "ParcelView",
    "PieceView",
    "EventView",
    "ConsultationView",
    "DocumentView",
    "DossierDetail",
    "dossier_get",
    "services_list",
    "consultations_late",
    "DossierPublicStatus",
    "dossier_public_status",
    "EXPORT_FIELDS",
    "export_records",
    "export_json",
    "export_csv",
]
