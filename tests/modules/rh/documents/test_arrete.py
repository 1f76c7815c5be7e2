"""The arrêté read back from its PDF (pdftotext, pdftoppm + zbarimg): bilingual, with its number in figures and
words, the agent and the decision, and a QR code that the kernel's public verification page checks; a corrected
act shows as superseded; the agent opens their own act, another user gets 404."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from jamaa.modules.rh import services
from jamaa.platform.kernel import words

from ..factories import hr, recruit, signed_in, user_with

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    out = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", out))


def test_the_arrete_is_bilingual_and_its_qr_opens_the_verification_page(fes, tmp_path: Path) -> None:
    with schema_context("fes"):
        actor = hr("rh_doc")
        me = user_with("amina_doc")
        other = user_with("other_doc")
        made = recruit(actor, "DOC1", user_id=me.pk)
    response = signed_in(fes.host, actor).get(f"/rh/acts/{made.act_id}/arrete.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = response.content
    printed = text(pdf)
    year = timezone.localdate().year
    assert f"Arrêté n° 1/{year}" in printed and "قرار رقم" in printed
    assert "Amina Bennani" in printed and "أمينة بناني" in printed and "Administrateur de 3e grade" in printed
    assert words.number_fr(1) in printed and words.date_fr(timezone.localdate()) in printed
    # the QR code
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", "-", str(tmp_path / "p")], input=pdf, check=True
    )
    (png,) = tmp_path.glob("p*.png")
    url = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout.decode()
    assert "/verify/rh.arrete/" in url
    path = "/" + url.strip().split("/", 3)[3]
    page = Client(HTTP_HOST=fes.host).get(path)
    body = page.content.decode()
    assert page.status_code == 200 and f"1/{year}" in body and "Amina Bennani" in body
    assert 'data-status="valid"' in body
    # a correction supersedes it
    with schema_context("fes"):
        services.act_issue(
            actor=actor,
            data=services.ActInput(
                agent_id=made.agent_id,
                kind="correction",
                effective_date=timezone.localdate(),
                corrects_act_id=made.act_id,
                echelon=2,
            ),
        )
    assert 'data-status="superseded"' in Client(HTTP_HOST=fes.host).get(path).content.decode()
    # the agent opens their own act; another user does not
    assert signed_in(fes.host, me).get(f"/rh/acts/{made.act_id}/arrete.pdf").status_code == 200
    assert signed_in(fes.host, other).get(f"/rh/acts/{made.act_id}/arrete.pdf").status_code == 404
