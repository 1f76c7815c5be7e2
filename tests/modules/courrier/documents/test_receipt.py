"""The récépissé read back from its PDF (pdftotext, pdftoppm + zbarimg): bilingual, with the number, the date and
a QR code that the kernel's public verification page checks; the day's register lists the day's letters."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.courrier import services
from jamaa.platform.kernel import words

from ..factories import clerk, incoming, signed_in

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out))


def test_the_receipt_is_bilingual_and_its_qr_opens_the_verification_page(fes, tmp_path: Path) -> None:
    with schema_context("fes"):
        c = clerk("clerk_doc")
        mail = incoming(c, "Demande de certificat de résidence", name="Ahmed Alaoui", mail_type_code="demande")
    client = signed_in(fes.host, c)
    response = client.get(f"/courrier/{mail.pk}/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    printed = text(pdf)
    assert "Récépissé de dépôt de courrier" in printed and "وصل إيداع مراسلة" in printed
    assert mail.reference in printed and "Ahmed Alaoui" in printed and mail.code in printed
    assert words.date_fr(timezone.localdate()) in printed
    assert "Demande de certificat de résidence" in printed and "Délai de traitement" in printed
    # the QR code
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-", str(tmp_path / "p")], input=pdf, check=True
    )
    (png,) = tmp_path.glob("p*.png")
    url = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout.decode()
    assert url.strip().endswith(f"/verify/courrier.receipt/{mail.code}/")
    path = "/" + url.strip().split("/", 3)[3]
    page = Client(HTTP_HOST=fes.host).get(path)
    body = page.content.decode()
    assert page.status_code == 200 and mail.reference in body and "Ahmed Alaoui" in body
    assert 'data-status="valid"' in body
    # deleted: the page says cancelled; an unknown code is 404
    with schema_context("fes"):
        services.mail_status_change(actor=c, mail_id=mail.pk, status="deleted", reason="Erreur de saisie")
    assert 'data-status="cancelled"' in Client(HTTP_HOST=fes.host).get(path).content.decode()
    assert Client(HTTP_HOST=fes.host).get("/verify/courrier.receipt/NOPE000000/").status_code == 404


def test_the_day_register_lists_the_days_letters(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_reg")
        a = incoming(c, "Premier", cin="R1", name="Samira Idrissi")
        b = incoming(c, "شكاية", cin="R2", name="يوسف")
    response = signed_in(fes.host, c).get("/courrier/register.pdf")
    assert response.status_code == 200
    printed = text(response.content)
    assert a.reference in printed and b.reference in printed and "Samira Idrissi" in printed
    assert "Total : 2" in printed
