"""The régie's PDF views and their permissions, and the public verification page (genuine, forged, cancelled,
signed offline and not yet received, another commune's code); the kernel's verification page for quittances."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.regie import services, verification
from jamaa.modules.regie.models import QuittanceBlock

from .factories import installed, staff
from .pdftools import qr, text

DAY = dt.date(2026, 4, 6)


def issue(ref: dict[str, Any], base: str = "12.5", **kw: Any) -> Any:
    return services.quittance_issue(
        actor=kw.pop("agent", ref["agent"]),
        data=services.QuittanceInput(
            regie_id=ref["regie"].pk,
            exercice=2026,
            redevable_id=ref["company"].pk,
            tax_id=ref["taxes"]["ODP"].pk,
            base=Decimal(base),
            period="T2 2026",
            payment_method="cash",
            on=DAY,
            **kw,
        ),
    )


@pytest.fixture
def fes_data(fes: Any) -> Any:
    with schema_context("fes"):
        ref = installed(passwords=False)  # the clients sign in by force_login: no password hashing
        ref["q1"] = issue(ref)
        ref["q2"] = issue(ref, base="3")
        request = services.cancellation_request(quittance_id=ref["q2"].pk, requested_by=ref["agent"], reason="erreur")
        services.cancellation_decide(request_id=request.pk, decided_by=ref["regisseur"], approve=True)
        ref["block"] = services.block_allocate(
            collector=ref["agent"], allocated_by=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, size=10
        )
        ref["versement"] = services.day_close(
            actor=ref["agent"], agent=ref["agent"], regie_id=ref["regie"].pk, day=DAY, counted_dh=Decimal("875")
        )
        ordre = services.ordre_issue(
            actor=ref["regisseur"],
            regie_id=ref["regie"].pk,
            exercice=2026,
            tax_id=ref["taxes"]["ODP"].pk,
            subject="Terrasse sans ordre",
            period="2026",
            lines=[{"redevable_id": ref["person"].pk, "amount_dh": Decimal("1400")}],
        )
        ref["ordre"] = ordre
        ref["bordereau"] = services.bordereau_create(
            actor=ref["regisseur"], regie_id=ref["regie"].pk, exercice=2026, ordre_ids=[ordre.pk]
        )
        ref["outsider"] = staff("passer-by")
        yield ref


def client_for(host: str, user: Any) -> Client:
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_pdf_views_for_the_regie_staff(fes_data: Any, fes: Any, tmp_path: Path) -> None:
    ref = fes_data
    agent = client_for(fes.host, ref["agent"])
    regisseur = client_for(fes.host, ref["regisseur"])
    pdf_urls = {
        "quittance": f"/regie/documents/quittances/{ref['q1'].pk}/pdf/",
        "ticket": f"/regie/documents/quittances/{ref['q1'].pk}/ticket/",
        "ordre": f"/regie/documents/ordres/{ref['ordre'].pk}/pdf/",
        "bordereau": f"/regie/documents/bordereaux/{ref['bordereau'].pk}/pdf/",
        "releve": f"/regie/documents/versements/{ref['versement'].pk}/releve/",
        "restes": f"/regie/documents/restes/?exercice=2026&as_of={timezone.localdate().isoformat()}",
    }
    got = {}
    for kind, url in pdf_urls.items():
        # The agent reads quittances and his own close's relevé; what is kept for the régisseur is his alone.
        reader = regisseur if kind in ("ordre", "bordereau", "restes") else agent
        response = reader.get(url)
        assert response.status_code == 200, (kind, response.status_code)
        assert response["Content-Type"] == "application/pdf"
        got[kind] = response.content
    with schema_context("fes"):
        code = verification.quittance_code(ref["q1"])
    plain = text(got["quittance"])
    assert code in plain and "Café Atlas SARL" in plain and "875,00 DH" in plain
    assert "huit cent soixante-quinze dirhams" in plain and "ثمانمائة وخمسة وسبعون درهما" in plain
    # The QR points to this commune's verification page, which says the receipt is genuine.
    url = qr(got["quittance"], tmp_path)
    assert url == f"http://{fes.host}/regie/verify/{code}/"
    page = Client(HTTP_HOST=fes.host).get(url.split(fes.host, 1)[1])
    assert page.status_code == 200 and 'data-status="valid"' in page.content.decode()
    releve_text = text(got["releve"], layout=True)
    assert re.search(r"^1 A/000001 \d\d:\d\d ODP 10.20.31 875,00 Café Atlas SARL", releve_text, re.M)
    assert re.search(r"^2 A/000002 .* 210,00 ANNULÉE", releve_text, re.M)
    assert "- contre-passation -210,00" in releve_text and "Total net versé 875,00" in releve_text
    assert "Terrasse sans ordre" in text(got["ordre"]) and "Mohamed Bennani" in text(got["ordre"])
    assert "1 400,00" in text(got["bordereau"])
    assert "Mohamed Bennani" in text(got["restes"]) and "1 400,00" in text(got["restes"])
    # Anonymous: the login page; signed in without a régie role: 403; unknown id: 404.
    anonymous = Client(HTTP_HOST=fes.host).get(pdf_urls["quittance"])
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert client_for(fes.host, ref["outsider"]).get(pdf_urls["releve"]).status_code == 403
    assert agent.get("/regie/documents/quittances/999999/pdf/").status_code == 404
    assert [agent.get(pdf_urls[kind]).status_code for kind in ("ordre", "bordereau", "restes")] == [403, 403, 403]


def _verify(host: str, code: str, amount: str = "") -> tuple[int, str]:
    response = Client(HTTP_HOST=host).get(f"/regie/verify/{code}/", {"amount": amount} if amount else {})
    body = response.content.decode()
    status = re.search(r'data-status="([a-z_]+)"', body)
    return response.status_code, status.group(1) if status else ""


@pytestmark_db
def test_verification_page(fes_data: Any, fes: Any, meknes: Any) -> None:
    ref = fes_data
    with schema_context("fes"):
        genuine = verification.quittance_code(ref["q1"])
        cancelled = verification.quittance_code(ref["q2"])
        key = verification.block_key(block_id=ref["block"].pk)
        block = QuittanceBlock.objects.get(pk=ref["block"].pk)
    # Genuine: the receipt's number, date, amount, payer and tax; no login needed.
    response = Client(HTTP_HOST=fes.host).get(f"/regie/verify/{genuine}/")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-status="valid"' in body
    assert "2026/A/000001" in body and "06/04/2026" in body and "875,00 DH" in body and "Café Atlas SARL" in body
    assert "الاحتلال المؤقت للملك العمومي" in body
    # Issue 17 item 4: what the paper prints, in both languages and in words; no raw code (tax, budget line,
    # period, status), whatever the interface's language.
    for language in ("fr", "ar"):
        client = Client(HTTP_HOST=fes.host)
        client.cookies["jamaa_language"] = language
        page = unescape(client.get(f"/regie/verify/{genuine}/").content.decode())
        assert "Ce reçu est authentique" in page and "هذا الوصل صحيح" in page
        assert "Quittance — " in page and "وصل أداء — " in page
        assert '<div class="small">un</div>' in page and '<div class="small">واحد</div>' in page
        assert "huit cent soixante-quinze dirhams" in page and "ثمانمائة وخمسة وسبعون درهما" in page
        assert "Régie : " in page and "الشسيعية: " in page
        assert "ODP" not in page and "T2 2026" not in page and ref["q1"].budget_line not in page
        assert 'data-status="valid"' in page and ">valid<" not in page
    # Cancelled.
    assert _verify(fes.host, cancelled) == (200, "cancelled")
    # Forged: another signature, another amount, a malformed code.
    forged = genuine[:-1] + ("0" if genuine[-1] != "0" else "1")
    assert _verify(fes.host, forged) == (404, "unknown")
    with schema_context("fes"):
        other_amount = verification.sign(
            key=verification.counter_key(), exercice=2026, series="A", number=1, amount_dh=Decimal("1.00")
        )
    assert _verify(fes.host, f"2026-A-1-{other_amount}") == (404, "unknown")
    assert _verify(fes.host, "not-a-code") == (404, "unknown")
    # Signed offline from the collector's block, not received yet: unchecked without the amount, genuine with
    # it, refused with another amount or a signature from another key.
    number = block.first_number + 3
    signature = verification.sign(key=key, exercice=2026, series="A", number=number, amount_dh=Decimal("140"))
    offline = f"2026-A-{number}-{signature}"
    assert _verify(fes.host, offline) == (200, "unsynced_unchecked")
    assert _verify(fes.host, offline, "140,00") == (200, "unsynced")
    assert _verify(fes.host, offline, "150") == (404, "unknown")
    with schema_context("fes"):
        counter_signed = verification.sign(
            key=verification.counter_key(), exercice=2026, series="A", number=number, amount_dh=Decimal("140")
        )
    assert _verify(fes.host, f"2026-A-{number}-{counter_signed}", "140") == (404, "unknown")
    # The same receipt checked on Meknès' host, where a quittance with that number and amount exists: not found.
    with schema_context("meknes"):
        mref = installed(prefix="m", passwords=False)
        mq = issue(mref)
        assert (mq.number, mq.amount_dh) == (1, Decimal("875.00"))
        meknes_code = verification.quittance_code(mq)
    assert meknes_code != genuine
    assert _verify(meknes.host, genuine) == (404, "unknown")
    assert _verify(meknes.host, meknes_code) == (200, "valid")


@pytestmark_db
def test_kernel_verification_page_answers_for_quittances(fes_data: Any, fes: Any, meknes: Any) -> None:
    # Given a genuine and a cancelled quittance of Fès
    ref = fes_data
    with schema_context("fes"):
        genuine = verification.quittance_code(ref["q1"])
        cancelled = verification.quittance_code(ref["q2"])
    # When a verifier opens the kernel's page for each, then for Meknès
    page = Client(HTTP_HOST=fes.host).get(f"/verify/regie.quittance/{genuine}/")
    body = page.content.decode()
    # Then: the number in figures and words in both languages, the payer, the date, the régie, the status
    assert page.status_code == 200 and 'data-status="valid"' in body
    assert "2026/A/000001" in body and '<div class="small">un</div>' in body and '<div class="small">واحد</div>' in body
    assert "Café Atlas SARL" in body and "06/04/2026" in body and ref["regie"].name_fr in body
    assert " DH" not in body and "ODP" not in body  # nothing but what the kernel page shows: no amount, no tax
    again = Client(HTTP_HOST=fes.host).get(f"/verify/regie.quittance/{cancelled}/").content.decode()
    assert 'data-status="cancelled"' in again
    assert Client(HTTP_HOST=meknes.host).get(f"/verify/regie.quittance/{genuine}/").status_code == 404
