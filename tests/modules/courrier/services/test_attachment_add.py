"""attachment_add and its API: PDF/JPEG/PNG scans, type read from the content, size limited, stored under the
commune's schema; a disguised, damaged or oversized file gets a clear 400 and nothing is stored."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image

from jamaa.modules.courrier import exceptions, services
from jamaa.modules.courrier.models import Attachment

from ..factories import clerk, incoming, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_scans_are_stored_under_the_schema_with_the_sniffed_type(fes) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = incoming(c)
        pdf = services.attachment_add(actor=c, mail_id=mail.pk, name="lettre.pdf", content=PDF)
        # a PNG named .pdf is stored as what it is
        image = services.attachment_add(actor=c, mail_id=mail.pk, name="scan.pdf", content=png())
        assert (pdf.content_type, image.content_type) == ("application/pdf", "image/png")
        assert pdf.file.name.startswith(f"fes/courrier/{mail.year}/{mail.pk}/") and pdf.file.name.endswith(".pdf")
        assert image.file.name.endswith(".png")
        with default_storage.open(pdf.file.name) as stored:
            assert stored.read() == PDF
        assert pdf.size == len(PDF) and len(pdf.sha256) == 64


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"MZ\x90\x00 this is an executable", exceptions.AttachmentInvalid),
        (b"%PDF-1.4\n truncated without its end", exceptions.AttachmentInvalid),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, exceptions.AttachmentInvalid),  # a damaged PNG
        (b"", exceptions.AttachmentInvalid),
        (b"%PDF-" + b"0" * services.MAX_ATTACHMENT_BYTES + b"%%EOF", exceptions.AttachmentTooLarge),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(fes, content, error) -> None:
    with schema_context("fes"):
        c = clerk()
        mail = incoming(c)
        with pytest.raises(error):
            services.attachment_add(actor=c, mail_id=mail.pk, name="x.pdf", content=content)
        assert Attachment.objects.count() == 0


def test_the_api_answers_400_with_the_code(fes) -> None:
    with schema_context("fes"):
        c = clerk("clerk_api_att")
        mail = incoming(c)
    client = signed_in(fes.host, c)
    url = f"/courrier/api/mails/{mail.pk}/attachments/"
    fake = SimpleUploadedFile("scan.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = client.post(url, {"file": fake})
    assert response.status_code == 400
    assert response.json()["code"] == "COURRIER_ATTACHMENT_INVALID"
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (services.MAX_ATTACHMENT_BYTES + 10), "application/pdf")
    response = client.post(url, {"file": big})
    assert response.status_code == 400 and response.json()["code"] == "COURRIER_ATTACHMENT_TOO_LARGE"
    ok = client.post(url, {"file": SimpleUploadedFile("lettre.pdf", PDF, "application/pdf")})
    assert ok.status_code == 201 and ok.json()["content_type"] == "application/pdf"
    with schema_context("fes"):
        assert Attachment.objects.filter(mail_id=mail.pk).count() == 1
