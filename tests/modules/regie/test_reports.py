"""Reports: the journal per budget line (day, month, year), the receipts CSV for the Treasury, and the stub
book's missing numbers told apart (reserved in an open block, returned with a closed one, or a gap)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from jamaa.modules.regie import selectors, services

from .factories import installed

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ref(fes):
    with schema_context("fes"):
        ref = installed(passwords=False)
        # two légalisations on 6 April (one cancelled), a terrace on 7 April, a légalisation in May
        ref["q"] = [
            issue(ref, "LEGALISATION", "2", D(2026, 4, 6)),
            issue(ref, "LEGALISATION", "1", D(2026, 4, 6), redevable=ref["company"]),
            issue(ref, "ODP", "10.5", D(2026, 4, 7), method="cheque"),
            issue(ref, "LEGALISATION", "3", D(2026, 5, 2)),
        ]
        request = services.cancellation_request(quittance_id=ref["q"][1].pk, requested_by=ref["agent"], reason="x")
        services.cancellation_decide(request_id=request.pk, decided_by=ref["regisseur"], approve=True)
        yield ref


def issue(ref, tax, base, on, method="cash", redevable=None):
    return services.quittance_issue(
        actor=ref["agent"],
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=on.year,
            redevable_id=(redevable or ref["person"]).pk,
            tax_id=ref["taxes"][tax].pk,
            base=Decimal(base),
            period="2026",
            payment_method=method,
            on=on,
        ),
    )


def test_journal_of_a_day_a_month_a_year(ref) -> None:
    day = selectors.journal(viewer=ref["regisseur"], regie_id=ref["regie"].pk, start=D(2026, 4, 6), end=D(2026, 4, 6))
    assert [(r.budget_line, r.count, r.issued_dh, r.cancelled_count, r.cancelled_dh, r.net_dh) for r in day.rows] == [
        ("401", 2, Decimal("60.00"), 1, Decimal("20.00"), Decimal("40.00"))
    ]
    month = selectors.journal(
        viewer=ref["regisseur"], regie_id=ref["regie"].pk, start=D(2026, 4, 1), end=D(2026, 4, 30)
    )
    assert [(r.budget_line, r.net_dh) for r in month.rows] == [
        ("10.20.31", Decimal("735.00")),
        ("401", Decimal("40.00")),
    ]
    assert month.rows[0].label_fr.startswith("Redevance d'occupation")
    year = selectors.journal(
        viewer=ref["regisseur"], regie_id=ref["regie"].pk, start=D(2026, 1, 1), end=D(2026, 12, 31)
    )
    assert (year.count, year.issued_dh, year.cancelled_dh, year.net_dh) == (
        4,
        Decimal("855.00"),
        Decimal("20.00"),
        Decimal("835.00"),
    )


def test_receipts_csv_has_a_row_per_quittance_and_per_counter_entry(ref) -> None:
    rows = list(
        selectors.receipts_csv(
            viewer=ref["regisseur"], regie_id=ref["regie"].pk, start=D(2026, 4, 1), end=D(2026, 4, 30)
        )
    )
    assert rows[0] == selectors.RECEIPTS_CSV_HEADER
    body = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert [(r["number"], r["amount_dh"], r["status"]) for r in body] == [
        ("1", "40.00", "valid"),
        ("2", "20.00", "cancelled"),
        ("2", "-20.00", "counter_entry"),
        ("3", "735.00", "valid"),
    ]
    assert body[1]["payer"] == "Café Atlas SARL" and body[1]["ice"] == "001234567000089" and body[0]["cin"] == "C123456"
    assert (
        body[3]["budget_line"] == "10.20.31" and body[3]["tax_code"] == "ODP" and body[3]["payment_method"] == "cheque"
    )
    assert sum(Decimal(r["amount_dh"]) for r in body) == Decimal("775.00")
    only = list(
        selectors.receipts_csv(
            viewer=ref["regisseur"],
            regie_id=ref["regie"].pk,
            start=D(2026, 1, 1),
            end=D(2026, 12, 31),
            budget_line="401",
        )
    )
    assert len(only) == 1 + 4
    # round trip through the csv module with the documented dialect
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    assert next(csv.reader(io.StringIO(out.getvalue()), delimiter=";")) == selectors.RECEIPTS_CSV_HEADER


def test_series_report_tells_reserved_returned_and_gaps_apart(ref) -> None:
    series_id = ref["q"][0].series_id
    open_block = services.block_allocate(
        collector=ref["agent2"], allocated_by=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, size=3
    )
    closed_block = services.block_allocate(
        collector=ref["agent2"], allocated_by=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, size=2
    )
    services.quittance_issue(
        actor=ref["agent2"],
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=ref["person"].pk,
            tax_id=ref["taxes"]["LEGALISATION"].pk,
            base=Decimal("1"),
            period="acte",
            payment_method="cash",
            on=D(2026, 5, 3),
            block_id=open_block.pk,
            number=6,
        ),
    )
    services.block_close(block_id=closed_block.pk, closed_by=ref["regisseur"])
    report = selectors.series_report(series_id=series_id)
    assert (open_block.first_number, closed_block.first_number) == (5, 8)
    assert report.numbers == [1, 2, 3, 4, 6] and report.cancelled == [2]
    assert (report.reserved, report.returned, report.gaps) == ([5, 7], [8, 9], [])


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)", "\tTAB", "\rCR"]


def test_receipts_exports_never_write_a_cell_a_spreadsheet_runs(ref, fes) -> None:
    from django.test import Client

    # given payers whose names (and an RC) start like formulas, each with a receipt on 8 April
    with schema_context("fes"):
        for i, name in enumerate(FORMULAS):
            payer = services.redevable_create(actor=ref["agent"], name=f"{name}", rc=f"=RC{i}")
            issue(ref, "LEGALISATION", "1", D(2026, 4, 8), redevable=payer)
    client = Client(HTTP_HOST=fes.host)
    client.force_login(ref["regisseur"])
    # when the régisseur exports the day through the API (;) and through the page (,)
    api = client.get("/regie/api/exports/receipts.csv", {"day": "2026-04-08"})
    page = client.get("/regie/export/", {"start": "2026-04-08", "end": "2026-04-08", "budget_line": ""})
    assert api.status_code == 200 and page.status_code == 200
    api_rows = list(csv.reader(io.StringIO(api.content.decode("utf-8")), delimiter=";"))
    page_rows = list(csv.reader(io.StringIO(page.content.decode("utf-8-sig"))))
    # then every such cell starts with an apostrophe (text to a spreadsheet), amounts stay numbers
    for rows in (api_rows, page_rows):
        header, body = rows[0], rows[1:]
        payer, rc, amount = header.index("payer"), header.index("rc"), header.index("amount_dh")
        # (the names are stored as the service cleans them: surrounding whitespace collapsed)
        assert sorted(r[payer] for r in body) == sorted("'" + " ".join(n.split()) if n.strip()[0] in "=+-@" else
                                                        " ".join(n.split()) for n in FORMULAS)  # fmt: skip
        assert {r[rc] for r in body} == {f"'=RC{i}" for i in range(len(FORMULAS))}
        assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in body for cell in r)
        assert {r[amount] for r in body} == {"20.00"}
