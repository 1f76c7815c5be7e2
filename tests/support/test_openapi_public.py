"""The operators' API on the base domain documents central support and invoicing: the schema of urls_public
generates without a warning from them, is valid OpenAPI, and every support and billing operation is in it with
its errors."""

from __future__ import annotations

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_operators_schema_documents_support_and_billing() -> None:
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(urlconf="jamaa.platform.urls_public").get_schema(request=None, public=True)
    warnings, errors = dict(GENERATOR_STATS._warn_cache), dict(GENERATOR_STATS._error_cache)  # noqa: SLF001
    GENERATOR_STATS.reset()
    # (the console's older endpoints have warnings of their own, not ours: only support's and billing's are checked)
    ours = {k: v for k, v in {**warnings, **errors}.items() if "platform/support/" in k or "platform/billing/" in k}
    assert ours == {}
    validate_schema(schema)
    paths = schema["paths"]
    for path in (
        "/api/support/health/",
        "/api/support/sessions/",
        "/api/billing/invoices/",
        "/api/billing/invoices/{invoice_id}/pdf/",
        "/api/billing/invoices/{invoice_id}/credit-notes/",
        "/api/billing/export.csv",
    ):
        assert path in paths, path
    post = paths["/api/billing/invoices/{invoice_id}/payments/"]["post"]
    assert {"201", "400", "401", "403", "409"} <= set(post["responses"])
    components = schema["components"]["schemas"]
    assert {"BillingInvoice", "BillingPaymentInput", "SupportHealthRow", "SupportSessionOpened"} <= set(components)
