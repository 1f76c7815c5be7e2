"""The input data of the documents: frozen dataclasses the builders fill and the renderers read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from jamaa.platform.kernel.documents import (
    CommuneMasthead,
)

from .common import ZERO

# --------------------------------------------------------------------------------------------- input data


@dataclass(frozen=True, slots=True, kw_only=True)
class Masthead:
    """The commune and the régie, in both languages."""

    commune_fr: str
    commune_ar: str
    province: str = ""
    province_ar: str = ""
    regie_fr: str
    regie_ar: str
    arrete: str = ""

    @property
    def common(self) -> CommuneMasthead:
        """The kernel's commune masthead (the régie as the issuing office)."""
        return CommuneMasthead(
            commune_fr=self.commune_fr,
            commune_ar=self.commune_ar,
            province_fr=self.province,
            province_ar=self.province_ar,
            office_fr=self.regie_fr,
            office_ar=self.regie_ar,
            reference=self.arrete,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class QuittanceData:
    exercice: int
    series: str
    number: int
    day: dt.date
    issued_at: dt.datetime
    payer: str
    cin: str = ""
    rc: str = ""
    ice: str = ""
    address: str = ""
    tax_code: str
    tax_fr: str
    tax_ar: str
    base_kind: str
    budget_line: str
    budget_label_fr: str = ""
    budget_label_ar: str = ""
    period: str
    base: Decimal
    rate: Decimal
    principal_dh: Decimal
    penalties_dh: Decimal
    amount_dh: Decimal
    payment_method: str
    agent: str
    code: str
    verify_url: str
    cancelled: bool = False
    cancelled_on: dt.date | None = None
    cancel_reason: str = ""
    offline: bool = False  # numbered from a collector's block (collected_at is the device's clock)

    @property
    def reference(self) -> str:
        return f"{self.exercice}/{self.series}/{self.number:06d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrdreLineData:
    payer: str
    identifier: str
    asset: str
    amount_dh: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class OrdreData:
    exercice: int
    number: int
    kind: str  # individual | collective
    tax_code: str
    tax_fr: str
    tax_ar: str
    budget_line: str
    budget_label_fr: str = ""
    budget_label_ar: str = ""
    subject: str
    period: str
    due_on: dt.date | None = None
    amount_dh: Decimal
    recovered_dh: Decimal = ZERO
    status: str
    issued_at: dt.datetime
    issued_by: str
    bordereau: str = ""
    lines: tuple[OrdreLineData, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BordereauOrdre:
    number: int
    kind: str
    tax_code: str
    budget_line: str
    subject: str
    lines: int
    amount_dh: Decimal
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BordereauData:
    exercice: int
    number: int
    status: str
    created_at: dt.datetime
    created_by: str
    comptable_reference: str = ""
    total_dh: Decimal
    ordres: tuple[BordereauOrdre, ...]
    by_line: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleveItem:
    """One quittance of the versement: `net_dh` is what the versement counted for it (0 when cancelled
    before the close); a cancelled one gets a counter-entry line of net − amount."""

    exercice: int
    series: str
    number: int
    time: str
    payer: str
    tax_code: str
    budget_line: str
    amount_dh: Decimal
    net_dh: Decimal
    cancelled: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleveData:
    exercice: int
    number: int
    day: dt.date
    level: str  # agent | regie
    agent: str
    closed_by: str
    closed_at: dt.datetime
    expected_dh: Decimal
    counted_dh: Decimal
    difference_dh: Decimal
    treasury_reference: str = ""
    items: Sequence[ReleveItem]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResteLine:
    payer: str
    identifier: str
    budget_line: str
    ordres: str
    amount_dh: Decimal
    recovered_dh: Decimal
    remaining_dh: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class RestesData:
    exercice: int
    as_of: dt.date
    lines: tuple[ResteLine, ...]
    total_dh: Decimal
    remaining_dh: Decimal
    by_line: tuple[tuple[str, Decimal], ...] = field(default=())
