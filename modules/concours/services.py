"""Writes of Concours: `<entity>_<verb>(*, actor, …)`, atomic, validated, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from jamaa.platform.core.services import audit_record

from . import exceptions, permissions
from .models import Entry


@transaction.atomic
def entry_create(*, actor: Any, title: str) -> Entry:
    """Record an entry. Raises NotAnAgent, EntryInvalid (empty or too long title); writes an audit row."""
    if not permissions.is_agent(actor):
        raise exceptions.NotAnAgent()
    entry = Entry(title=title.strip(), created_by=actor)
    try:
        entry.full_clean()
    except ValidationError as exc:
        raise exceptions.EntryInvalid(extra={"fields": exc.message_dict}) from None
    entry.save()
    audit_record(actor=actor, action="concours.entry.created", target=entry, data={"title": entry.title})
    return entry
