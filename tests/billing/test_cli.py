"""`jamaa billing …`: the same services from the command line."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("billing", *args, stdout=out)
    return out.getvalue()


def test_price_subscribe_generate_pay_credit_export_and_pdf(fes, tmp_path: Path) -> None:
    assert "1000.00 DH HT" in run("price", "etatcivil", "m", "1000", "--from", "2020-01-01")
    run(
        "subscribe",
        "fes",
        "--band",
        "m",
        "--buyer-fr",
        "Commune de Fès",
        "--buyer-ar",
        "جماعة فاس",
        "--from",
        "2020-01-01",
    )
    out = run("generate", "--month", "2026-02-01")
    reference = out.split()[0]
    assert reference.startswith("F-") and "1 invoices issued" in out and "1200.00 DH TTC" in out
    assert reference in run("list", "--commune", "fes")
    with pytest.raises(CommandError, match="OVERPAYMENT"):
        run("pay", reference, "5000", "--method", "cheque", "--ref", "CHQ 9")
    assert "transfer VIR 1" in run("pay", reference, "600", "--method", "transfer", "--ref", "VIR 1")
    assert run("credit", reference, "--reason", "Geste").startswith("AV-")
    assert reference in run("export", "--year", str(int(reference[2:6])))
    run("pdf", reference, "-o", str(tmp_path / "f.pdf"))
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")
