"""Invoices: the month's lines from the commune's modules and its band's prices, VAT, numbering per year, credit
notes as counter-entries (the invoice never changes, even in SQL), payments, reminders, the accountant's CSV."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction

from jamaa.platform.billing import selectors, services
from jamaa.platform.billing.exceptions import (
    AlreadyInvoiced,
    BillingNotConfigured,
    CreditTooLarge,
    InvalidBillingInput,
    Overpayment,
)
from jamaa.platform.billing.models import Invoice

from .conftest import priced, subscribed

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2026, 3, 1)
ISSUED = dt.date(2026, 4, 1)


def test_the_month_is_invoiced_per_enabled_module_at_the_band_price(fes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=dt.date(2026, 3, 17), issued_on=ISSUED)
    assert invoice.period == PERIOD and invoice.reference == f"F-2026/{invoice.number:06d}"
    assert sorted(line["module"] for line in invoice.lines) == ["collecte", "courrier", "etatcivil", "regie"]
    assert invoice.total_ht == Decimal("2600.00")
    assert invoice.tva_rate == Decimal("20") and invoice.tva_amount == Decimal("520.00")
    assert invoice.total_ttc == Decimal("3120.00")
    assert invoice.seller["ice"] == "002345678000091" and invoice.buyer_ice == "001122334000055"
    assert invoice.due_on == ISSUED + dt.timedelta(days=30)
    with pytest.raises(AlreadyInvoiced):
        services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)


def test_numbers_follow_each_other_per_year_and_series(fes, meknes) -> None:
    priced()
    subscribed("fes")
    subscribed("meknes")
    issued = services.invoices_generate(period=PERIOD, issued_on=ISSUED)
    assert [i.slug for i in issued] == ["fes", "meknes"]
    assert issued[1].number == issued[0].number + 1
    assert services.invoices_generate(period=PERIOD, issued_on=ISSUED) == []  # the job is idempotent
    note = services.credit_note_issue(actor=None, invoice_id=issued[0].pk, reason="Module facturé à tort")
    assert note.reference.startswith("AV-") and note.kind == "credit"
    nxt = services.invoice_issue(actor=None, slug="fes", period=dt.date(2026, 4, 1), issued_on=ISSUED)
    assert nxt.number == issued[1].number + 1  # the credit note took no invoice number


def test_a_credit_note_is_a_counter_entry_and_the_invoice_never_changes(fes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)
    partial = services.credit_note_issue(
        actor=None, invoice_id=invoice.pk, reason="Courrier activé le 15", amount_ht=Decimal("250")
    )
    assert partial.total_ht == Decimal("250.00") and partial.total_ttc == Decimal("300.00")
    assert partial.credited_id == invoice.pk and partial.buyer_ice == invoice.buyer_ice
    row = selectors.invoice_row(invoice_id=invoice.pk)
    assert row.credited_ttc == Decimal("300.00") and row.due == Decimal("2820.00")
    with pytest.raises(CreditTooLarge):
        services.credit_note_issue(actor=None, invoice_id=invoice.pk, reason="trop", amount_ht=Decimal("2400"))
    with pytest.raises(InvalidBillingInput):
        services.credit_note_issue(actor=None, invoice_id=invoice.pk, reason="  ")
    services.credit_note_issue(actor=None, invoice_id=invoice.pk, reason="Résiliation")
    row = selectors.invoice_row(invoice_id=invoice.pk)
    assert row.due == Decimal("0.00") and row.status == "credited"
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert fresh.total_ttc == Decimal("3120.00")  # the invoice itself is untouched


def test_the_database_refuses_edits_deletions_and_invented_numbers(fes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)
    for sql in (
        "UPDATE billing_invoice SET total_ttc = 1 WHERE id = %s",
        "DELETE FROM billing_invoice WHERE id = %s",
        "INSERT INTO billing_invoice (kind, counter_id, number, year, code, slug, period, reason, issued_on,"
        " due_on, seller, buyer_name_fr, buyer_name_ar, buyer_address, buyer_ice, buyer_if, lines, total_ht,"
        " tva_rate, tva_amount, total_ttc, issued_by, created_at)"
        " SELECT kind, counter_id, number + 50, year, 'x' || code, slug, period + 31, reason, issued_on, due_on,"
        " seller, buyer_name_fr, buyer_name_ar, buyer_address, buyer_ice, buyer_if, lines, total_ht, tva_rate,"
        " tva_amount, total_ttc, issued_by, created_at FROM billing_invoice WHERE id = %s",
        "UPDATE billing_billingcounter SET last_number = last_number + 5"
        " WHERE id = (SELECT counter_id FROM billing_invoice WHERE id = %s)",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [invoice.pk])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_payments_by_transfer_or_cheque_never_exceed_what_is_due(fes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)
    with pytest.raises(InvalidBillingInput) as refused:
        services.payment_record(
            actor=None, invoice_id=invoice.pk, amount=Decimal("10"), method="card", reference="", received_on=ISSUED
        )
    assert set(refused.value.extra["fields"]) == {"method", "reference"}
    services.payment_record(
        actor=None,
        invoice_id=invoice.pk,
        amount=Decimal("1000"),
        method="cheque",
        reference="CHQ 445566 BMCE",
        received_on=ISSUED,
    )
    with pytest.raises(Overpayment):
        services.payment_record(
            actor=None,
            invoice_id=invoice.pk,
            amount=Decimal("2120.01"),
            method="transfer",
            reference="VIR 1",
            received_on=ISSUED,
        )
    services.payment_record(
        actor=None,
        invoice_id=invoice.pk,
        amount=Decimal("2120"),
        method="transfer",
        reference="VIR 2026-0412",
        received_on=ISSUED,
    )
    assert selectors.invoice_row(invoice_id=invoice.pk).status == "paid"


def test_reminders_at_15_30_and_60_days_once_each_through_the_outbox(fes) -> None:
    priced()
    subscribed(email="finances@fes.ma", read_only_after_days=90)
    invoice = services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)
    due = invoice.due_on
    assert services.reminders_send(today=due + dt.timedelta(days=14)) == []
    assert [r.level for r in services.reminders_send(today=due + dt.timedelta(days=31))] == [15, 30]
    assert services.reminders_send(today=due + dt.timedelta(days=32)) == []
    assert [r.level for r in services.reminders_send(today=due + dt.timedelta(days=61))] == [60]
    assert len(mail.outbox) == 3 and mail.outbox[0].to == ["finances@fes.ma"]
    assert invoice.reference in mail.outbox[0].body
    assert selectors.read_only_slugs(today=due + dt.timedelta(days=89)) == set()
    assert selectors.read_only_slugs(today=due + dt.timedelta(days=90)) == {"fes"}


def test_the_accountants_csv_lists_invoices_and_credit_notes(fes) -> None:
    priced()
    subscribed()
    invoice = services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)
    services.credit_note_issue(actor=None, invoice_id=invoice.pk, reason="Geste commercial", amount_ht=Decimal(100))
    lines = selectors.invoices_csv(year=2026).splitlines()
    assert lines[0].startswith("type;numero;date;echeance;commune")
    mine = [line for line in lines if invoice.reference in line]
    assert any(
        line.startswith(f"facture;{invoice.reference};2026-04-01;")
        and ";2600.00;20.00;520.00;3120.00;120.00;0.00;3000.00" in line
        for line in mine
    )
    assert any(
        line.startswith("avoir;AV-2026/") and line.endswith(";100.00;20.00;20.00;120.00;0.00;0.00;0.00")
        for line in mine
    )


def test_nothing_is_invoiced_without_the_sellers_legal_mentions(fes, settings) -> None:
    settings.JAMAA_BILLING_SELLER = {"name": "Jamaa Lab SARL"}
    priced()
    subscribed()
    with pytest.raises(BillingNotConfigured) as refused:
        services.invoice_issue(actor=None, slug="fes", period=PERIOD, issued_on=ISSUED)
    assert refused.value.extra["missing"] == ["ice", "if", "rc", "patente"]


def test_the_monthly_job_sends_each_invoice_as_a_pdf_through_the_outbox(fes, meknes) -> None:
    from jamaa.platform.billing.tasks import send_month

    priced()
    subscribed("fes", email="finances@fes.ma")
    subscribed("meknes")  # no billing address: issued, not sent
    issued = send_month(period=PERIOD)
    assert sorted(i.slug for i in issued) == ["fes", "meknes"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["finances@fes.ma"]
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF") and name.startswith("F-")
