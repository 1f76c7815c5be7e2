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
        code = regie_verification.quittance_code(quittance)
    client = Client(HTTP_HOST=fes.host)
    client.cookies["jamaa_language"] = "ar"
    body = unescape(client.get(f"/verify/regie.quittance/{code}/").content.decode())
    assert 'dir="rtl"' in body
    assert re.search(r'<td colspan="2" id="verified-holder"><bdi>Café Atlas SARL</bdi></td>', body)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "verdict"), [("fr", "Ce document est authentique et valide."), ("ar", "هذه الوثيقة صحيحة وسارية.")]
)
def test_civil_registry_verify_page_says_what_the_paper_says(fes: Any, language: str, verdict: str) -> None:
    """Issue 17 item 4: the address under the QR code of issued documents (/etatcivil/verify/<code>/) showed
    "birth_extract" and "birth 1/2026"; it is now the kernel's page, in both languages."""
    from jamaa.modules.etatcivil import permissions, services

    from .etatcivil.factories import birth_input, bureau, officer_for, user_with

    with schema_context("fes"):
        b = bureau()
        officer = officer_for(b)
        agent = user_with("agent1", permissions.AGENT)
        act = services.act_draft_create(actor=agent, bureau_id=b.pk, kind="birth", year=2026, data=birth_input())
        act = services.act_sign(officer=officer, act_id=act.pk)
        doc = services.document_issue(
            officer=officer,
            act_id=act.pk,
            kind="birth_extract",
            requester_name="Youssef El Alaoui",
            requester_capacity="intéressé",
            fee_dh=Decimal("0"),
        )
    client = Client(HTTP_HOST=fes.host)
    client.cookies["jamaa_language"] = language
    response = client.get(f"/etatcivil/verify/{doc.verification_code.lower()}/")
    body = unescape(response.content.decode())
    assert response.status_code == 200 and verdict in body
    # the kind and the number in words, in both languages; the holder; the day; the bureau; nothing raw
    assert "Extrait d'acte de naissance" in body and "نسخة موجزة من رسم الولادة" in body
    assert f"{act.number}/2026" in body and "un — année deux mille vingt-six" in body
    assert "واحد — سنة ألفين وستة وعشرين" in body
    assert act.given_name_ar in body and act.family_name_ar in body
    assert "Bureau d'état civil : Bureau d'état civil" in body and "مكتب الحالة المدنية: مكتب الحالة المدنية" in body
    assert "birth_extract" not in body and "birth 1/2026" not in body and "intéressé" not in body
    unknown = client.get("/etatcivil/verify/NOPE-NOPE-NOPE/")
    assert unknown.status_code == 404 and 'data-status="unknown"' in unknown.content.decode()
