"""The mission order and the voucher book read back from their PDFs (pdftotext, pdftoppm + zbarimg): bilingual,
numbered, with QR codes that the kernel's public verification page checks (a used voucher no longer shows valid,
a cancelled mission order shows cancelled)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.parc import services
from jamaa.modules.parc.models import Voucher
from jamaa.platform.kernel import words

from ..factories import book, fill, garage, manager, signed_in, vehicle

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def text(pdf: bytes) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out))


def qr_urls(pdf: bytes, tmp_path: Path) -> list[str]:
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-", str(tmp_path / "p")], input=pdf, check=True
    )
    (png,) = tmp_path.glob("p*.png")
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout.decode()
    return sorted(line.strip() for line in out.splitlines() if line.strip())


def test_the_mission_order_is_bilingual_and_verified(fes, tmp_path: Path) -> None:
    with schema_context("fes"):
        m = manager("parc_doc_m")
        v = vehicle(m, "2468-A-26", odometer=12_000)
        mission = services.mission_issue(
            actor=m,
            data=services.MissionInput(
                agent_name="Fatima Zahra Bennani",
                agent_function="Ingénieure",
                vehicle_id=v.pk,
                destination="Rabat",
                purpose="Réunion au ministère",
                depart_on=TODAY,
                return_on=TODAY,
            ),
        )
    client = signed_in(fes.host, m)
    response = client.get(f"/parc/missions/{mission.pk}/order.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    printed = text(response.content)
    assert "Ordre de mission" in printed and "أمر بمهمة" in printed and mission.reference in printed
    assert "Fatima Zahra Bennani" in printed and "2468-A-26" in printed and "12000 km" in printed
    assert words.date_fr(TODAY) in printed and words.number_fr(mission.number) in printed
    (url,) = qr_urls(response.content, tmp_path)
    assert url.endswith(f"/verify/parc.mission/{mission.code}/")
    path = "/" + url.split("/", 3)[3]
    page = Client(HTTP_HOST=fes.host).get(path).content.decode()
    assert 'data-status="valid"' in page and mission.reference in page and "Fatima Zahra Bennani" in page
    with schema_context("fes"):
        services.mission_cancel(actor=m, mission_id=mission.pk, reason="Annulée")
    assert 'data-status="cancelled"' in Client(HTTP_HOST=fes.host).get(path).content.decode()


def test_the_voucher_book_prints_each_voucher_with_its_qr(fes, tmp_path: Path) -> None:
    with schema_context("fes"):
        m, g = manager("parc_doc_m2"), garage("parc_doc_g2")
        v = vehicle(m, "1357-B-6", odometer=100)
        b = book(m, v, count=4)
        vouchers = list(Voucher.objects.filter(book=b).order_by("number"))
    response = signed_in(fes.host, m).get(f"/parc/books/{b.pk}/vouchers.pdf")
    assert response.status_code == 200
    printed = text(response.content)
    assert b.reference in printed and "بونات الوقود" in printed
    for x in vouchers:
        assert x.reference in printed
    urls = qr_urls(response.content, tmp_path)
    assert urls == sorted(f"http://{fes.host}/verify/parc.voucher/{x.code}/" for x in vouchers)
    path = f"/verify/parc.voucher/{vouchers[0].code}/"
    assert 'data-status="valid"' in Client(HTTP_HOST=fes.host).get(path).content.decode()
    with schema_context("fes"):
        fill(g, vouchers[0].pk, v, km=300, litres="20", day=TODAY)
    assert 'data-status="cancelled"' in Client(HTTP_HOST=fes.host).get(path).content.decode()
