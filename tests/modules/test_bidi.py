"""Right to left (issue 17, item 6): a Latin name inside Arabic text is isolated, so it keeps its order and does
not drag the punctuation around it ("Le) Abderrahim El Alaoui (père"): Unicode isolates (FSI … PDI) in the PDFs,
<bdi> on the HTML pages."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil.documents import render_html
from jamaa.modules.regie import services as regie_services
from jamaa.modules.regie import verification as regie_verification
from jamaa.platform.kernel.documents import isolate

from .etatcivil.test_documents import BIRTH, HEADER, request
from .regie.factories import installed

FSI, PDI = "\u2068", "\u2069"


def test_isolate_wraps_a_run_and_leaves_empty_text_alone() -> None:
    assert isolate("Abderrahim El Alaoui (père)") == f"{FSI}Abderrahim El Alaoui (père){PDI}"
    assert isolate("") == ""


def test_civil_document_isolates_the_latin_requester_in_the_arabic_line() -> None:
    html = render_html(
        header=HEADER,
        act=BIRTH,
        request=request("birth_extract", requester_name="Abderrahim El Alaoui (père)", requester_capacity="الأب"),
    )
    arabic = next(line for line in html.splitlines() if "سلم إلى" in line)
    assert f"سلم إلى: {FSI}Abderrahim El Alaoui (père){PDI} ({FSI}الأب{PDI})" in unescape(arabic)
    french = next(line for line in html.splitlines() if "Délivré à" in line)
    assert FSI not in french  # a Latin name in a French line needs nothing


@pytest.mark.django_db
def test_verification_page_isolates_a_latin_holder_in_arabic(fes: Any) -> None:
    with schema_context("fes"):
        ref = installed(passwords=False)
        quittance = regie_services.quittance_issue(
            agent=ref["agent"],
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal("12.5"),
            period="T2 2026",
            payment_method="cash",
            on=timezone.localdate(),
        )
        code = regie_verification.quittance_code(quittance)
    client = Client(HTTP_HOST=fes.host)
    client.cookies["jamaa_language"] = "ar"
    body = unescape(client.get(f"/verify/regie.quittance/{code}/").content.decode())
    assert 'dir="rtl"' in body
    assert re.search(r'<td colspan="2" id="verified-holder"><bdi>Café Atlas SARL</bdi></td>', body)
