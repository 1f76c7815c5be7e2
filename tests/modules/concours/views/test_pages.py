"""The concours pages: announce from the form, open, register applications (a duplicate CIN stays on the form),
screen, convene (the convocation PDF with its QR code verified), the public announcements; no role → 403."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from jamaa.modules.concours.models import Candidature, Concours

from ..factories import manager, signed_in, user_with

pytestmark = pytest.mark.django_db

FORM = {
    "title_fr": "Concours de rédacteurs",
    "title_ar": "مباراة المحررين",
    "grade_code": "redacteur",
    "posts": "2",
    "announced_on": "2026-01-05",
    "applications_until": "2026-02-05",
    "exam_date": "2026-03-01",
    "age_max": "40",
}
APPLICATION = {
    "cin": "PGC1",
    "last_name_fr": "Alami",
    "first_name_fr": "Sara",
    "last_name_ar": "العلمي",
    "first_name_ar": "سارة",
    "birth_date": "1997-07-07",
    "diploma": "Licence",
    "quota": "general",
}


def test_announce_apply_screen_and_convene_from_the_pages(fes) -> None:
    with schema_context("fes"):
        actor = manager("cc_pg")
    client = signed_in(fes.host, actor)
    assert client.get("/concours/").status_code == 200
    made = client.post("/concours/", FORM)
    assert made.status_code == 302
    with schema_context("fes"):
        k = Concours.objects.get(title_fr="Concours de rédacteurs")
    assert "Concours de rédacteurs" in Client(HTTP_HOST=fes.host).get("/concours/annonces/").content.decode()
    assert client.post(f"/concours/{k.pk}/advance/").status_code == 302
    assert client.post(f"/concours/{k.pk}/applications/", APPLICATION).status_code == 302
    again = client.post(f"/concours/{k.pk}/applications/", APPLICATION)
    assert again.status_code == 400 and "invalid-feedback" in again.content.decode()
    client.post(f"/concours/{k.pk}/advance/")
    client.post(f"/concours/{k.pk}/advance/")
    with schema_context("fes"):
        c = Candidature.objects.get(concours=k)
    assert client.post(f"/concours/candidatures/{c.pk}/screen/", {"eligible": "0", "reason": ""}).status_code == 400
    assert client.post(f"/concours/candidatures/{c.pk}/screen/", {"eligible": "1"}).status_code == 302
    assert (
        client.post(f"/concours/{k.pk}/convocations/", {"centre": "Lycée Ibn Khaldoun", "room_size": "20"}).status_code
        == 302
    )
    pdf = client.get(f"/concours/candidatures/{c.pk}/convocation.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    printed = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-", "-"],
        input=pdf.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    printed = re.sub(r"\s+", " ", re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", printed))
    assert "Convocation au concours" in printed and "Sara Alami" in printed and "Lycée Ibn Khaldoun" in printed
    with schema_context("fes"):
        c.refresh_from_db()
    page = Client(HTTP_HOST=fes.host).get(f"/verify/concours.convocation/{c.convocation_code}/")
    assert page.status_code == 200 and "Sara Alami" in page.content.decode()


def test_no_role_is_forbidden(fes) -> None:
    with schema_context("fes"):
        outsider = user_with("out_cc_pg")
    client = signed_in(fes.host, outsider)
    assert client.get("/concours/").status_code == 403
    assert client.post("/concours/", FORM).status_code == 403
