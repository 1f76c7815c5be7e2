"""Writes of the urbanisme module: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers come from the kernel's gapless counter, drawn in the transaction that writes the record: dossiers per
(kind, year) (key `urbanisme:dossier:<kind>`), arrêtés per year (`urbanisme:arrete`), commission sittings per
year (`urbanisme:sitting`). Each deposit is registered as incoming mail in the bureau d'ordre through courrier's
services, in the same transaction (a refused deposit registers no letter and uses no number).

The legal clock (decree 2-13-424: 10 days for a small project, 25 for a large one) counts calendar days from the
deposit; it stops while the dossier is incomplete and ends at the signed decision. `due_on` = deposit + delay +
days stopped so far (NULL while stopped): the desk and the late dashboard read it through an index.

The package re-exports every public name of its parts, so `from . import services` and
`services.<name>` keep working."""

from __future__ import annotations

from .commission import sitting_add, sitting_avis, sitting_create, sitting_hold
from .consultations import consultation_return, consultation_send
from .decisions import TAX_CODE, TAXED, decision_sign, dossier_deliver, tax_liquidate
from .documents import document_issue
from .dossiers import (
    DossierInput,
    ParcelInput,
    dossier_complete,
    dossier_decide_light,
    dossier_deposit,
    dossier_incomplete,
    dossier_instruct,
    dossier_withdraw,
    pieces_receive,
)
from .rokhas import IMPORT_FORMAT, IMPORT_MAX, ImportReport, dossiers_import

__all__ = [
    "sitting_create",
    "sitting_add",
    "sitting_avis",
    "sitting_hold",
    "consultation_send",
    "consultation_return",
    "TAXED",
    "TAX_CODE",
    "decision_sign",
    "tax_liquidate",
    "dossier_deliver",
    "document_issue",
    "ParcelInput",
    "DossierInput",
    "dossier_deposit",
    "pieces_receive",
    "dossier_instruct",
    "dossier_incomplete",
    "dossier_complete",
    "dossier_withdraw",
    "dossier_decide_light",
    "IMPORT_FORMAT",
    "IMPORT_MAX",
    "ImportReport",
    "dossiers_import",
]
