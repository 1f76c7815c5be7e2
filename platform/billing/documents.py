"""The invoice and the credit note as bilingual A4 PDFs (WeasyPrint through the kernel), with the mentions of a
Moroccan invoice: the seller's ICE, IF, RC, patente (and CNSS, RIB when set), the buyer's ICE, the number and date,
each line excluding VAT, the VAT rate and amount, the total including VAT in figures and in words (French and
Arabic), and a QR code to the public verification page on the commune's site. No database access."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import get_template

from jamaa.platform.kernel import words
from jamaa.platform.kernel.documents import qr_data_uri, render_pdf

from .models import DocumentKind, Invoice


def render_invoice(invoice: Invoice, *, verify_url: str) -> bytes:
    is_invoice = invoice.kind == DocumentKind.INVOICE
    lines: list[dict[str, Any]] = [
        line
        | {
            "unit_ht_dh": words.format_dh(Decimal(line["unit_ht"])),
            "total_ht_dh": words.format_dh(Decimal(line["total_ht"])),
        }
        for line in invoice.lines
    ]
    html = get_template("billing/documents/invoice.html").render(
        {
            "i": invoice,
            "is_invoice": is_invoice,
            "lines": lines,
            "seller": invoice.seller,
            "qr": qr_data_uri(verify_url),
            "verify_url": verify_url,
            "issued_fr": words.date_fr(invoice.issued_on),
            "issued_ar": words.date_ar(invoice.issued_on),
            "due_fr": words.date_fr(invoice.due_on),
            "due_ar": words.date_ar(invoice.due_on),
            "total_ht": words.format_dh(invoice.total_ht),
            "tva_amount": words.format_dh(invoice.tva_amount),
            "total_ttc": words.format_dh(invoice.total_ttc),
            "tva_rate": f"{invoice.tva_rate.normalize():f}",
            "ttc_fr": words.amount_fr(invoice.total_ttc),
            "ttc_ar": words.amount_ar(invoice.total_ttc),
        }
    )
    return render_pdf(html, stylesheets=["billing/documents/invoice.css"])
