"""The authorisation, the PV, the commission's minutes and the inquiry notice read back from their PDFs
(pdftotext, pdftoppm + zbarimg): bilingual, with the number; the authorisation's QR opens the kernel's public
verification page, valid while in force and cancelled once withdrawn."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.police import services

from ..factories import granted_terrace, signed_in, staff

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out))


def qr_path(pdf: bytes, tmp_path: Path) -> str:
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-", str(tmp_path / "p")], input=pdf, check=True
    )
    (png,) = tmp_path.glob("p*.png")
    url = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout.decode()
    return "/" + url.strip().split("/", 3)[3]


def test_the_authorisation_is_bilingual_and_its_qr_verifies_it(fes, tmp_path: Path) -> None:
    with schema_context("fes"):
        people = staff("doc1")
        authorisation = granted_terrace(people, cin="C710001")
    client = signed_in(fes.host, people["agent"])
    response = client.get(f"/police/authorisations/{authorisation.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printed = text(response.content)
    assert "Autorisation d'occupation du domaine public" in printed and "رخصة احتلال الملك العمومي" in printed
    assert authorisation.reference in printed and "Mohamed Bennani" in printed
    assert re.search(r"24[.,]00 m²", printed), printed
    path = qr_path(response.content, tmp_path)
    assert path == f"/verify/police.authorisation/{authorisation.code}/"
    page = Client(HTTP_HOST=fes.host).get(path).content.decode()
    assert authorisation.reference in page and 'data-status="valid"' in page
    with schema_context("fes"):
        services.authorisation_decide(
            actor=people["decider"],
            authorisation_id=authorisation.pk,
            to_status="withdrawn",
            reason="Non-paiement",
            decision="Arrêté 5/2026",
        )
    assert 'data-status="cancelled"' in Client(HTTP_HOST=fes.host).get(path).content.decode()
    assert Client(HTTP_HOST=fes.host).get("/verify/police.authorisation/NOPE000000/").status_code == 404


def test_the_pv_minutes_and_notice(fes, tmp_path: Path) -> None:
    with schema_context("fes"):
        people = staff("doc2")
        authorisation = granted_terrace(people, cin="C710002")
        inspection = services.inspection_record(
            actor=people["inspector"],
            data=services.InspectionInput(
                establishment_id=authorisation.establishment_id,
                authorisation_id=authorisation.pk,
                findings="Terrasse de 30 m²",
                compliant=False,
                measured_surface_m2=Decimal("30"),
            ),
        )
        services.sanction_impose(
            actor=people["inspector"],
            inspection_id=inspection.pk,
            kind="warning",
            reason="Réduire à 24 m²",
            deadline=timezone.localdate() + dt.timedelta(days=8),
        )
    client = signed_in(fes.host, people["inspector"])
    pv = client.get(f"/police/inspections/{inspection.pk}/pv.pdf")
    printed = text(pv.content)
    assert "Procès-verbal de contrôle" in printed and "محضر مراقبة" in printed and inspection.reference in printed
    assert "Réduire à 24 m²" in printed and "Non conforme" in printed
    assert qr_path(pv.content, tmp_path) == f"/verify/police.pv/{inspection.code}/"
    minutes = text(client.get(f"/police/requests/{authorisation.request_id}/minutes.pdf").content)
    assert "Procès-verbal de la commission technique" in minutes and "محضر اللجنة التقنية" in minutes
    assert "Service technique" in minutes and "Favorable" in minutes
    # the récépissé of the request: its number and the letter's, and a QR to the letter's verification
    receipt = client.get(f"/police/requests/{authorisation.request_id}/receipt.pdf")
    with schema_context("fes"):
        request = authorisation.request
    printed = text(receipt.content)
    assert "Récépissé de dépôt de demande" in printed and "وصل إيداع طلب" in printed
    assert request.reference in printed and request.mail_reference in printed
    (tmp_path / "r").mkdir()
    path = qr_path(receipt.content, tmp_path / "r")
    assert path == f"/verify/courrier.receipt/{request.mail_code}/"
    assert request.mail_reference in Client(HTTP_HOST=fes.host).get(path).content.decode()
    # a terrace had no inquiry: its notice is 404
    assert client.get(f"/police/requests/{authorisation.request_id}/inquiry.pdf").status_code == 404
