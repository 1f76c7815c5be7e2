"""The récépissé sent by email, the sending recorded whatever its outcome."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import connection, transaction

from jamaa.platform.core.services import audit_record

from .. import exceptions
from ..models import Mail, ReceiptEmail
from .access import _may_work


def mail_receipt_email(*, actor: Any, mail_id: int, to: str, pdf: bytes, filename: str) -> ReceiptEmail:
    """Send the letter's récépissé (the PDF the caller rendered) to `to`, and record the sending with its
    outcome, sent or not. Raises MailNotFound, MailInvalid (bad address), EmailFailed (after recording the
    failure: print the récépissé instead). Writes the sending and audit."""
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError:
        raise exceptions.MailInvalid(extra={"fields": {"to": ["invalid"]}}) from None
    mail = Mail.objects.filter(pk=mail_id).first()
    if mail is None or not _may_work(actor, mail):
        raise exceptions.MailNotFound()
    commune: Any = getattr(connection, "tenant", None)
    name = getattr(commune, "name_fr", "") or "Commune"
    message = EmailMessage(
        subject=f"{name} · Récépissé {mail.reference} / وصل {mail.reference}",
        body=(
            f"Votre courrier a été enregistré au bureau d'ordre de {name} sous le numéro {mail.reference}.\n"
            "Le récépissé est joint ; son code QR permet d'en vérifier l'authenticité.\n\n"
            f"سُجّلت مراسلتكم بمكتب الضبط تحت رقم {mail.reference}. تجدون الوصل مرفقًا، ويُمكّن رمزه من التحقق من صحته.\n"
        ),
        to=[to],
    )
    message.attach(filename, pdf, "application/pdf")
    error = ""
    try:
        message.send(fail_silently=False)
    except (OSError, smtplib.SMTPException) as exc:  # the mail server is down or refuses: say so, keep a trace
        error = (str(exc) or exc.__class__.__name__)[:300]
    with transaction.atomic():
        sending = ReceiptEmail.objects.create(mail=mail, to=to, sent=not error, error=error, by=actor)
        audit_record(
            actor=actor,
            action="courrier.receipt.emailed" if not error else "courrier.receipt.email_failed",
            target=mail,
            data={"to": to, "error": error},
        )
    if error:
        raise exceptions.EmailFailed(extra={"error": error})
    return sending
