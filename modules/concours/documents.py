"""Documents of Concours: already-fetched data → PDF bytes, on the kernel's plumbing (warm WeasyPrint, the
commune masthead, QR). No database access, no permission checks."""

from __future__ import annotations

from dataclasses import dataclass

from django.template import Context, Template

from jamaa.platform.kernel.documents import CommuneMasthead, qr_data_uri, render_pdf

_LAYOUT = Template(
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"></head><body>'
    '{% include "kernel/documents/masthead.html" with masthead=masthead style="compact" %}'
    '<h1>{{ title }}</h1><img src="{{ qr }}" alt="QR" style="width:30mm;image-rendering:pixelated"></body></html>'
)


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryDocument:
    masthead: CommuneMasthead
    title: str
    verify_url: str


def render_entry(document: EntryDocument) -> bytes:
    """The entry as a one-page PDF with the commune's masthead and a QR code to its verification page."""
    context = Context({"masthead": document.masthead, "title": document.title, "qr": qr_data_uri(document.verify_url)})
    return render_pdf(_LAYOUT.render(context))
