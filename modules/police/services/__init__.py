"""Writes of the police administrative: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited.

Numbers come from the kernel's gapless counter, drawn last in the transaction that writes the row: requests per
(kind, year) (`police:request:<kind>`), authorisations per (kind, year) (`police:authorisation:<kind>`), PVs per
year (`police:inspection`). A request is registered as incoming mail in the bureau d'ordre (courrier's services);
granting a fee-bearing authorisation opens its revenue line and issues its first ordre de recette in the régie
(régie's services) in the same transaction: a refusal there grants nothing.

The package re-exports every public name of its parts, so `from . import services` and `services.<name>` keep
working."""

from __future__ import annotations

from ._common import (
    ASSET_KIND,
    INQUIRY_MIN_DAYS,
    MAX_PHOTO_BYTES,
    ODP_TAX,
    RENEWAL_NOTICE_DAYS,
    quarter_of,
)
from .authorisations import DailyRun, authorisation_decide, commune_daily
from .grants import GrantInput, request_grant
from .inspections import InspectionInput, PhotoInput, inspection_record, sanction_impose, sanction_resolve
from .requests import (
    EstablishmentInput,
    RequestInput,
    avis_record,
    establishment_create,
    inquiry_close,
    inquiry_open,
    objection_record,
    request_refuse,
    request_submit,
    request_to_commission,
)

__all__ = [
    "ASSET_KIND",
    "INQUIRY_MIN_DAYS",
    "MAX_PHOTO_BYTES",
    "ODP_TAX",
    "RENEWAL_NOTICE_DAYS",
    "DailyRun",
    "EstablishmentInput",
    "GrantInput",
    "InspectionInput",
    "PhotoInput",
    "RequestInput",
    "authorisation_decide",
    "avis_record",
    "commune_daily",
    "establishment_create",
    "inquiry_close",
    "inquiry_open",
    "inspection_record",
    "objection_record",
    "quarter_of",
    "request_grant",
    "request_refuse",
    "request_submit",
    "request_to_commission",
    "sanction_impose",
    "sanction_resolve",
]
