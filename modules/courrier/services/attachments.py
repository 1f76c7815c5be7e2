"""The scans of a letter, their type read from the bytes, stored in the commune's media."""

from __future__ import annotations

import hashlib
import io
import uuid
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel import files

from .. import exceptions
from ..models import Attachment
from .access import _locked

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _sniff(content: bytes) -> tuple[str, str]:
    """(content type, extension) read from the bytes, whatever the file's name says. Raises AttachmentInvalid."""
    if content.startswith(b"%PDF-"):
        if b"%%EOF" not in content[-2048:]:
            raise exceptions.AttachmentInvalid(extra={"reason": "truncated_pdf"})
        return "application/pdf", "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        kind, ext = "image/jpeg", "jpg"
    elif content.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, ext = "image/png", "png"
    else:
        raise exceptions.AttachmentInvalid(extra={"reason": "unknown_type"})
    from PIL import Image  # Pillow (a WeasyPrint dependency) checks the image's structure

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except Exception:  # noqa: BLE001 (any decoding failure means a damaged scan)
        raise exceptions.AttachmentInvalid(extra={"reason": "damaged_image"}) from None
    return kind, ext


@transaction.atomic
def attachment_add(*, actor: Any, mail_id: int, name: str, content: bytes) -> Attachment:
    """Store a scan of a letter under `<schema>/courrier/<year>/<mail id>/` in the media storage. Raises
    MailNotFound, AttachmentTooLarge, AttachmentInvalid (type read from the content). Writes the file, the row
    and audit (the file is removed again if the transaction fails)."""
    mail = _locked(mail_id, actor)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise exceptions.AttachmentTooLarge(extra={"max_bytes": MAX_ATTACHMENT_BYTES, "size": len(content)})
    if not content:
        raise exceptions.AttachmentInvalid(extra={"reason": "empty"})
    content_type, ext = _sniff(content)
    stored = files.tenant_save(f"courrier/{mail.year}/{mail.pk}/{uuid.uuid4().hex}.{ext}", content)
    try:
        attachment = Attachment.objects.create(
            mail=mail,
            file=stored,
            original_name=name[:255] or f"scan.{ext}",
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="courrier.attachment.added",
            target=mail,
            data={"attachment_id": attachment.pk, "content_type": content_type, "size": len(content)},
        )
    except BaseException:
        files.tenant_delete(stored)  # no row, no orphan file
        raise
    return attachment
