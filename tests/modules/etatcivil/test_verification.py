"""The civil registry's documents on the kernel's verification page: title, act number in words, the person, the
day issued, the bureau; superseded once a marginal note is added after the issue; unknown elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.modules.etatcivil import permissions, services

from .factories import birth_input, bureau, officer_for, user_with

pytestmark = pytest.mark.django_db


def test_kernel_page_verifies_an_issued_extract(fes, meknes) -> None:
    # Given a signed birth act of Fès and an extract issued for it
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
    # When a verifier opens the kernel's page
    response = Client(HTTP_HOST=fes.host).get(f"/verify/etatcivil.document/{doc.verification_code}/")
    body = unescape(response.content.decode())
    # Then the page shows what the paper says, valid
    assert response.status_code == 200 and 'data-status="valid"' in body
    assert "Extrait d'acte de naissance" in body and "نسخة موجزة من رسم الولادة" in body
    assert f"{act.number}/2026" in body and "un — année deux mille vingt-six" in body
    assert "واحد — سنة ألفين وستة وعشرين" in body
    assert act.given_name_ar in body and act.family_name_ar in body and f"Bureau d'état civil : {b.name_fr}" in body
    assert "intéressé" not in body  # the requester is not what a verifier compares
    # When a marginal note is added after the issue, the extract is superseded
    with schema_context("fes"):
        services.note_add(
            officer=officer,
            act_id=act.pk,
            kind="marriage",
            text_ar="تزوج",
            text_fr="Marié",
            authority="Tribunal de Fès",
            document_number="12/2026",
            document_date=dt.date(2026, 5, 1),
        )
    again = Client(HTTP_HOST=fes.host).get(f"/verify/etatcivil.document/{doc.verification_code}/").content.decode()
    assert 'data-status="superseded"' in again
    # The code means nothing in another commune
    assert Client(HTTP_HOST=meknes.host).get(f"/verify/etatcivil.document/{doc.verification_code}/").status_code == 404
