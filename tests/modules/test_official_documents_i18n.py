"""Official PDFs and service texts in both languages (issue 17, item 5): the Arabic masthead prints the region
and province in Arabic (the commune's own fields, not the Latin ones), the quittance's "A4 PDF" is an A4 page,
and the liquidation steps and service refusals read in French and Arabic."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import exceptions as etatcivil_exceptions
from jamaa.modules.etatcivil import permissions as etatcivil_permissions
from jamaa.modules.etatcivil import services as etatcivil_services
from jamaa.modules.regie import exceptions as regie_exceptions
from jamaa.modules.regie import services as regie_services
from jamaa.modules.regie.liquidation import formula_text
from jamaa.tenants.models import Commune
from jamaa.tenants.routing import routing_table

from .etatcivil.factories import birth_input, bureau, officer_for
from .etatcivil.factories import user_with as etatcivil_user
from .regie.factories import installed

pytestmark = pytest.mark.django_db
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(pdf: bytes) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext (poppler-utils) is required"
    out = subprocess.run([exe, "-layout", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return _BIDI.sub("", out.stdout.decode())


def page_size(pdf: bytes) -> tuple[float, float]:
    exe = shutil.which("pdfinfo")
    assert exe, "pdfinfo (poppler-utils) is required"
    out = subprocess.run([exe, "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", out)
    assert match, out
    return float(match.group(1)), float(match.group(2))


@pytest.fixture
def arabic_geography(fes: Any) -> Any:
    """Fès with its region and province named in Arabic (the console's and the CLI's new fields)."""
    Commune.objects.filter(slug="fes").update(province="Fès", region_ar="فاس مكناس", province_ar="عمالة فاس")
    routing_table.clear()
    yield
    routing_table.clear()


def test_civil_document_masthead_names_region_and_province_in_arabic(fes: Any, arabic_geography: Any) -> None:
    with schema_context("fes"):
        b = bureau()
        officer = officer_for(b)
        agent = etatcivil_user("agent1", etatcivil_permissions.AGENT)
        act = etatcivil_services.act_draft_create(
            actor=agent, bureau_id=b.pk, kind="birth", year=2026, data=birth_input()
        )
        act = etatcivil_services.act_sign(officer=officer, act_id=act.pk)
        doc = etatcivil_services.document_issue(
            officer=officer,
            act_id=act.pk,
            kind="birth_extract",
            requester_name="Youssef El Alaoui",
            requester_capacity="intéressé",
            fee_dh=Decimal("0"),
        )
    client = Client(HTTP_HOST=fes.host)
    with schema_context("fes"):
        client.force_login(officer)
    response = client.get(f"/etatcivil/documents/{doc.pk}/pdf/")
    assert response.status_code == 200
    text = pdf_text(response.content)
    # The French side keeps the Latin names; the Arabic lines print the Arabic ones, no Latin letters.
    assert "Région : Fès-Meknès" in text and "Préfecture ou province : Fès" in text
    region = arabic_cell(text, "جهة")
    province = arabic_cell(text, "إقليم")
    assert "فاس" in region and "مكناس" in region and "عمالة فاس" in province
    assert not re.search("[A-Za-zè]", region + province)  # was "جهة: Fès-Meknès", "عمالة أو إقليم: Fès"


def arabic_cell(text: str, word: str) -> str:
    """The Arabic column's cell holding `word` (pdftotext -layout puts both columns on one line)."""
    return next(cell for line in text.splitlines() for cell in re.split(r"\s{2,}", line) if word in cell)


def test_quittance_a4_pdf_is_an_a4_page_with_the_arabic_province(fes: Any, arabic_geography: Any) -> None:
    with schema_context("fes"):
        ref = installed(passwords=False)
        quittance = regie_services.quittance_issue(
            actor=ref["agent"],
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal("12.5"),
            period="T2 2026",
            payment_method="cash",
            on=timezone.localdate(),
        )
    client = Client(HTTP_HOST=fes.host)
    with schema_context("fes"):
        client.force_login(ref["agent"])
    page = client.get(f"/regie/quittances/{quittance.pk}/")
    assert page.status_code == 200 and "/pdf/" in page.content.decode()
    response = client.get(f"/regie/documents/quittances/{quittance.pk}/pdf/")
    assert response.status_code == 200
    width, height = page_size(response.content)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait in points (A5 is 420 × 595)
    text = pdf_text(response.content)
    assert "عمالة فاس" in text and "Province : Fès" in text


def test_liquidation_steps_read_in_french_and_arabic(fes: Any) -> None:
    with schema_context("fes"):
        ref = installed(passwords=False)
        liquidation = regie_services.liquidation_create(
            actor=ref["agent"],
            regie_id=ref["regie"].pk,
            redevable_id=ref["person"].pk,
            tax_id=ref["taxes"]["TNB"].pk,
            base=Decimal("1200.40"),
            period="2026",
            on=dt.date(2026, 5, 10),
            declaration_due=dt.date(2026, 3, 1),
            declared_on=dt.date(2026, 5, 10),
            payment_due=dt.date(2026, 3, 1),
        )
    formulas = [s["formula"] for s in liquidation.steps]
    # The record keeps the computation as computed; the pages read it in their language.
    assert formulas[0] == "1200.40 m² → 1201: a started m² counts whole"
    with translation.override("fr"):
        french = [formula_text(f) for f in formulas]
    with translation.override("ar"):
        arabic = [formula_text(f) for f in formulas]
    assert french[0] == "1200.40 m² → 1201 : toute unité entamée (m²) compte entière"
    assert "au moins 500 DH" in french[2] and "mois supplémentaire(s)" in french[3]
    assert french[-1] == "principal + pénalités"
    assert "تحتسب كاملة" in arabic[0] and "م²" in arabic[0] and arabic[-1] == "الأصل + الغرامات"
    assert not any(re.search(r"\b(counts|whole|month|least|further|penalties)\b", t) for t in french + arabic)
    client = Client(HTTP_HOST=fes.host)
    with schema_context("fes"):
        client.force_login(ref["agent"])
    client.cookies["jamaa_language"] = "ar"
    body = client.get(f"/regie/liquidations/{liquidation.pk}/").content.decode()
    assert "تحتسب كاملة" in body and "a started" not in body
    client.cookies["jamaa_language"] = "fr"
    body = client.get(f"/regie/liquidations/{liquidation.pk}/").content.decode()
    assert "compte entière" in body and "a started" not in body


@pytest.mark.parametrize(
    ("language", "positive", "reason"),
    [
        ("fr", "Doit être positif.", "Indiquez pourquoi vous consultez cet acte."),
        ("ar", "يجب أن يكون موجبا.", "اذكر سبب اطلاعك على هذا الرسم."),
    ],
)
def test_service_refusals_are_translated(fes: Any, language: str, positive: str, reason: str) -> None:
    with schema_context("fes"), translation.override(language):
        ref = installed(passwords=False)
        with pytest.raises(regie_exceptions.InvalidAsset) as refused:
            regie_services.asset_create(
                actor=ref["agent"],
                redevable_id=ref["person"].pk,
                kind="parcel",
                reference="P-1",
                surface_m2=Decimal("0"),
            )
        assert refused.value.extra["fields"]["surface_m2"] == [positive]
        with pytest.raises(regie_exceptions.InvalidLiquidation) as refused_liq:
            regie_services.liquidation_create(
                actor=ref["agent"],
                regie_id=ref["regie"].pk,
                redevable_id=ref["person"].pk,
                tax_id=ref["taxes"]["TNB"].pk,
                base=Decimal("0"),
                period="2026",
                on=timezone.localdate(),
            )
        assert refused_liq.value.extra["fields"]["base"] == [positive]
        agent = etatcivil_user("reader", etatcivil_permissions.AGENT)
        with pytest.raises(etatcivil_exceptions.InvalidAct) as refused_read:
            etatcivil_services.act_full_read(user=agent, act_id=1, reason="  ")
        assert str(refused_read.value.message) == reason
