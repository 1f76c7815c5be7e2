"""Reads of Concours. Visibility ("who may see what") is decided here (`viewer=`), never in views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import exceptions, permissions
from .models import Entry


@dataclass(frozen=True)
class EntryView:
    id: int
    title: str
    created_by: str


def _view(entry: Entry) -> EntryView:
    return EntryView(id=entry.pk, title=entry.title, created_by=entry.created_by.get_username())


def entry_list(*, viewer: Any) -> list[EntryView]:
    """The entries the viewer may read, newest first (none without a role). No tenant filter: the schema isolates."""
    if not permissions.is_agent(viewer):
        return []
    return [_view(e) for e in Entry.objects.select_related("created_by")]


def entry_get(*, viewer: Any, entry_id: int) -> EntryView:
    """One entry. Raises EntryNotFound for a missing one and for one the viewer may not read (the same 404)."""
    entry = Entry.objects.select_related("created_by").filter(pk=entry_id).first()
    if entry is None or not permissions.is_agent(viewer):
        raise exceptions.EntryNotFound()
    return _view(entry)
