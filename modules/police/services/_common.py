"""What the police's services share: codes, refusals, the billing quarter."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError

from jamaa.platform.errors import DomainError

from .. import exceptions

_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ODP_TAX = "ODP"
INQUIRY_MIN_DAYS = 15
RENEWAL_NOTICE_DAYS = 30
MAX_PHOTO_BYTES = 8 * 1024 * 1024
ASSET_KIND = {"terrace": "terrace", "kiosk": "premises", "advertising": "other", "works": "other"}


def _code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _fields(exc: ValidationError) -> dict[str, Any]:
    return {"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}}


def _refuse(**fields: str) -> exceptions.Invalid:
    return exceptions.Invalid(extra={"fields": {k: [v] for k, v in fields.items()}})


def _require(check: bool, error: type[DomainError]) -> None:
    if not check:
        raise error()


def quarter_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The calendar quarter holding `day`: ("2026-T3", its first day, its last day). ODP is billed per quarter."""
    index = (day.month - 1) // 3
    start = dt.date(day.year, 3 * index + 1, 1)
    end = dt.date(day.year + (index == 3), (3 * index + 3) % 12 + 1, 1) - dt.timedelta(days=1)
    return f"{day.year}-T{index + 1}", start, end
