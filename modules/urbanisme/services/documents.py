"""The finalised documents (receipt, arrêté, permit, consultation, minutes): rendered and stored once,
versioned by correction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import transaction

from jamaa.platform.core.services import audit_record
from jamaa.platform.kernel import files
from jamaa.platform.kernel.documents import CommuneMasthead

from .. import documents, exceptions, rules, selectors
from ..models import Consultation, DocumentKind, Dossier, IssuedDocument, Sitting
from .dossiers import _clean, _code, _require_agent


def _store(kind: str, code: str, pdf: bytes) -> str:
    today = rules.today()
    return files.tenant_save(f"urbanisme/{today.year}/{kind}-{code}.pdf", pdf)


@transaction.atomic
def document_issue(
    *,
    actor: Any,
    kind: str,
    masthead: CommuneMasthead,
    url_for: Callable[[str], str],
    dossier_id: int | None = None,
    sitting_id: int | None = None,
    consultation_id: int | None = None,
    correction: str = "",
) -> IssuedDocument:
    """The finalised document of a dossier, consultation or sitting: rendered and stored once, then served as
    stored; asked again, the same one. With a correction, a new version replacing the latest (which verifies as
    superseded). Raises NotAnAgent, DossierNotFound, SittingNotFound, ConsultationNotFound, DocumentNotReady."""
    _require_agent(actor)
    target: dict[str, Any] = {}
    if kind in (DocumentKind.RECEIPT, DocumentKind.ARRETE, DocumentKind.PERMIT):
        dossier = Dossier.objects.filter(pk=dossier_id).first() if dossier_id else None
        if dossier is None:
            raise exceptions.DossierNotFound()
        target["dossier"] = dossier
    elif kind == DocumentKind.CONSULTATION:
        consultation = Consultation.objects.filter(pk=consultation_id).first() if consultation_id else None
        if consultation is None:
            raise exceptions.ConsultationNotFound()
        target["consultation"] = consultation
        target["dossier"] = consultation.dossier
    elif kind == DocumentKind.MINUTES:
        sitting = Sitting.objects.filter(pk=sitting_id).first() if sitting_id else None
        if sitting is None:
            raise exceptions.SittingNotFound()
        target["sitting"] = sitting
    else:
        raise exceptions.DocumentNotReady()
    latest = IssuedDocument.objects.select_for_update().filter(kind=kind, **target).order_by("-version").first()
    if latest is not None and not _clean(correction):
        return latest
    code = _code()
    content = selectors.document_content(kind=kind, **{f"{k}_id": v.pk for k, v in target.items()})
    if content is None:
        raise exceptions.DocumentNotReady()
    version = (latest.version + 1) if latest else 1
    pdf = documents.render_document(
        content=content,
        masthead=masthead,
        code=code,
        verify_url=url_for(code),
        version=version,
        correction=_clean(correction) if latest else "",
    )
    document = IssuedDocument.objects.create(
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        replaces=latest,
        correction=_clean(correction)[:500] if latest else "",
        code=code,
        number=content.number,
        holder=content.holder[:200],
        file=_store(kind, code, pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        issued_on=rules.today(),
        issued_by=actor,
        **target,
    )
    audit_record(
        actor=actor,
        action="urbanisme.document.issued",
        target=document,
        data={"kind": kind, "number": content.number, "version": document.version},
    )
    return document
