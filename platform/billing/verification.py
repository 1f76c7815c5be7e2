"""The public verification of an invoice's QR code, on its commune's site (`/verify/billing.invoice/<code>/`):
the invoices live in the public schema, which every commune's connection also reads; a code is only answered on
the site of the commune it was issued to."""

from __future__ import annotations

from django.db import connection

from jamaa.platform.kernel import verification

from .models import DocumentKind, Invoice

KIND = "billing.invoice"


def invoice_verified(code: str) -> verification.VerifiedDocument | None:
    tenant = getattr(connection, "tenant", None)
    slug = getattr(tenant, "slug", None)
    invoice = Invoice.objects.filter(code=code).first()
    if invoice is None or slug is None or invoice.slug != slug:
        return None
    fr, ar = verification.number_words(invoice.number)
    is_invoice = invoice.kind == DocumentKind.INVOICE
    cancelled = is_invoice and Invoice.objects.filter(credited=invoice).exists()
    return verification.VerifiedDocument(
        kind_fr="Facture" if is_invoice else "Avoir",
        kind_ar="فاتورة" if is_invoice else "إشعار دائن",
        number=invoice.reference,
        number_fr=fr,
        number_ar=ar,
        holder=invoice.buyer_name_fr,
        date=invoice.issued_on,
        office_fr=str(invoice.seller.get("name", "")),
        office_ar=str(invoice.seller.get("name", "")),
        status="superseded" if cancelled else "valid",
    )


def register() -> None:
    verification.register(kind=KIND, label_fr="Facture", label_ar="فاتورة", verify=invoice_verified)


def verify_url(invoice: Invoice, *, request: object | None = None) -> str:
    """The QR's address: the public verification page on the invoiced commune's site."""
    from django.conf import settings

    from jamaa.tenants.selectors import commune_host, commune_url

    scheme = "https" if getattr(settings, "SESSION_COOKIE_SECURE", False) else "http"
    via = request.get_host() if request is not None else commune_host(invoice.slug)  # type: ignore[attr-defined]
    return commune_url(
        commune_host(invoice.slug), scheme=scheme, via=via, path=verification.verify_path(kind=KIND, code=invoice.code)
    )
