"""Writes of the parc automobile, by sub-domain (fleet: vehicles, assignments, documents, odometer, maintenance,
mission orders; fuel: voucher books, fills, cancellations). Other modules import only this package root."""

from __future__ import annotations

from ._common import EXPIRY_STAGES, PLATE_LETTERS, last_odometer, plate_arabic, plate_normalize
from .fleet import (
    MissionInput,
    VehicleInput,
    assignment_end,
    assignment_start,
    document_add,
    driver_create,
    expiry_announce,
    maintenance_record,
    mission_cancel,
    mission_complete,
    mission_issue,
    odometer_record,
    service_create,
    threshold_set,
    vehicle_create,
    vehicle_state_change,
)
from .fuel import VOUCHER_REFERENCE, FillInput, book_issue, voucher_cancel, voucher_resolve, voucher_use

__all__ = [
    "EXPIRY_STAGES",
    "PLATE_LETTERS",
    "plate_normalize",
    "plate_arabic",
    "last_odometer",
    "service_create",
    "driver_create",
    "threshold_set",
    "VehicleInput",
    "vehicle_create",
    "vehicle_state_change",
    "assignment_start",
    "assignment_end",
    "document_add",
    "expiry_announce",
    "odometer_record",
    "maintenance_record",
    "MissionInput",
    "mission_issue",
    "mission_complete",
    "mission_cancel",
    "book_issue",
    "VOUCHER_REFERENCE",
    "voucher_resolve",
    "FillInput",
    "voucher_use",
    "voucher_cancel",
]
