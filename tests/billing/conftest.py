from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from jamaa.platform.billing import services

SELLER = {
    "name": "Jamaa Lab SARL",
    "ice": "002345678000091",
    "if": "45123456",
    "rc": "Fès 61234",
    "patente": "13456789",
    "cnss": "9876543",
    "address": "12 avenue Hassan II, Fès",
    "rib": "011 270 0000123456789012 34",
}


@pytest.fixture(autouse=True)
def _seller(settings: Any) -> None:
    settings.JAMAA_BILLING_SELLER = SELLER
    settings.JAMAA_BILLING_TVA_RATE = "20"


def priced(band: str = "m", valid_from: dt.date = dt.date(2020, 1, 1)) -> None:
    """Every module priced for the band: état civil 1,000, régie 800, courrier 500, collecte 300 DH HT a month."""
    for module, price in (("etatcivil", "1000"), ("regie", "800"), ("courrier", "500"), ("collecte", "300")):
        services.price_set(actor=None, module=module, band=band, monthly_ht=Decimal(price), valid_from=valid_from)


def subscribed(slug: str = "fes", started_on: dt.date = dt.date(2020, 1, 1), **extra: Any) -> Any:
    return services.subscription_set(
        actor=None,
        slug=slug,
        band="m",
        buyer_name_fr=f"Commune de {slug.capitalize()}",
        buyer_name_ar="جماعة فاس" if slug == "fes" else "جماعة مكناس",
        buyer_address="Hôtel de ville",
        buyer_ice="001122334000055",
        buyer_if="1234567",
        started_on=started_on,
        **extra,
    )
