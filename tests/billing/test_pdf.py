"""The invoice read back from its PDF: the seller's ICE, IF, RC and patente, the buyer's ICE, the VAT rate and
amount, the total in figures and in words in French and Arabic; a credit note names the invoice it cancels; the QR
opens the public verification page on the commune's site only."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import Client

from jamaa.platform.billing import documents, services
from jamaa.platform.kernel import words

from .conftest import priced, subscribed

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out))


def test_the_invoice_pdf_carries_the_legal_mentions_and_the_total_in_words(fes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=dt.date(2026, 3, 1), issued_on=dt.date(2026, 4, 1))
    pdf = documents.render_invoice(invoice, verify_url=f"http://fes.localhost/verify/billing.invoice/{invoice.code}/")
    assert pdf.startswith(b"%PDF")
    read = text(pdf)
    for expected in (
        invoice.reference,
        "ICE : 002345678000091",
        "IF : 45123456",
        "RC : Fès 61234",
        "Patente : 13456789",
        "ICE client : 001122334000055",
        "TVA 20 %",
        "2 600,00",
        "520,00",
        "3 120,00",
        "trois mille cent vingt dirhams",
        "Commune de Fes",
    ):
        assert expected.replace("\u202f", " ") in read.replace("\u202f", " ").replace("\xa0", " "), expected
    assert words.amount_fr(Decimal("3120.00")) in read.replace("\xa0", " ")
    assert "فاتورة" in read and "ثلاثة آلاف" in read


def test_a_credit_note_pdf_names_its_invoice_and_the_qr_verifies_on_the_communes_site_only(fes, meknes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=dt.date(2026, 3, 1), issued_on=dt.date(2026, 4, 1))
    note = services.credit_note_issue(actor=None, invoice_id=invoice.pk, reason="Module facturé à tort")
    read = text(documents.render_invoice(note, verify_url="http://fes.localhost/x/"))
    assert "FACTURE D'AVOIR" in read and invoice.reference in read and note.reference in read
    assert "Module facturé à tort" in read
    page = Client(HTTP_HOST=fes.host).get(f"/verify/billing.invoice/{invoice.code}/")
    assert page.status_code == 200 and invoice.reference in page.content.decode()
    assert Client(HTTP_HOST=meknes.host).get(f"/verify/billing.invoice/{invoice.code}/").status_code == 404
