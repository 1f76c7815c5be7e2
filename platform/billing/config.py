"""The seller's legal mentions printed on every invoice (a Moroccan invoice names ICE, IF, RC, patente and the VAT
rate): from `settings.JAMAA_BILLING_SELLER` when set, else from the environment (`JAMAA_BILLING_NAME`,
`JAMAA_BILLING_ICE`, `JAMAA_BILLING_IF`, `JAMAA_BILLING_RC`, `JAMAA_BILLING_PATENTE`, `JAMAA_BILLING_CNSS`,
`JAMAA_BILLING_ADDRESS`, `JAMAA_BILLING_RIB`, `JAMAA_BILLING_TVA_RATE` (default 20), `JAMAA_BILLING_DUE_DAYS`
(default 30)). Invoices are refused while a required mention is missing: none is ever invented."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from django.conf import settings

FIELDS = ("name", "ice", "if", "rc", "patente", "cnss", "address", "rib", "city")
REQUIRED = ("name", "ice", "if", "rc", "patente")


def seller() -> dict[str, str]:
    configured: dict[str, Any] | None = getattr(settings, "JAMAA_BILLING_SELLER", None)
    if configured is not None:
        return {field: str(configured.get(field, "") or "") for field in FIELDS}
    return {field: os.environ.get(f"JAMAA_BILLING_{field.upper()}", "").strip() for field in FIELDS}


def missing(values: dict[str, str]) -> list[str]:
    return [field for field in REQUIRED if not values.get(field)]


def tva_rate() -> Decimal:
    configured = getattr(settings, "JAMAA_BILLING_TVA_RATE", None)
    return Decimal(str(configured if configured is not None else os.environ.get("JAMAA_BILLING_TVA_RATE", "20")))


def due_days() -> int:
    return int(getattr(settings, "JAMAA_BILLING_DUE_DAYS", None) or os.environ.get("JAMAA_BILLING_DUE_DAYS", "30"))
