"""Where sign-in codes go: a pluggable sender (`JAMAA_PORTAL_SENDER`, a dotted path to a class with
`send(*, address, channel, text)`). The default sends emails through Django's mail (files under var/outbox/ in
development, SMTP in production) and writes text messages to var/outbox/ only when DEBUG is on; in production an
SMS gateway must be configured, else sign-up by phone is refused with SenderUnavailable."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Literal, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from . import exceptions

Channel = Literal["email", "sms"]


class Sender(Protocol):
    def send(self, *, address: str, channel: Channel, text: str) -> None: ...


class DefaultSender:
    def send(self, *, address: str, channel: Channel, text: str) -> None:
        if channel == "email":
            send_mail(subject=text.split("\n", 1)[0], message=text, from_email=None, recipient_list=[address])
            return
        if not settings.DEBUG:
            raise exceptions.SenderUnavailable()
        outbox = Path(getattr(settings, "EMAIL_FILE_PATH", settings.JAMAA_VAR_DIR / "outbox"))
        outbox.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(tz=dt.UTC).strftime("%Y%m%d-%H%M%S")
        (outbox / f"sms-{stamp}-{uuid.uuid4().hex[:8]}.log").write_text(f"To: {address}\n\n{text}\n", encoding="utf-8")


def sender() -> Sender:
    path = getattr(settings, "JAMAA_PORTAL_SENDER", "") or "jamaa.modules.portail.senders.DefaultSender"
    cls = import_string(path)
    instance: Sender = cls()
    return instance
