"""Documents of the régie as PDF, in French and Arabic: quittance (A5 and a 58 mm ticket), ordre de recette,
bordereau d'émission, relevé nominatif of a versement's quittances, état des restes à recouvrer.

Two layers. The builders at the bottom (`*_data`) read the database (the commune, the régie, the records) and fill
frozen dataclasses; the `render_*` functions turn those into PDF bytes and touch nothing else. Permissions are
the views' business.

Fonts and Arabic as in the état civil documents: Noto Serif first (no Arabic glyphs), Noto Naskh Arabic then
Amiri for Arabic, optional ligatures off so the text read back from the PDF is the text printed; Noto Sans Mono
for the listings' figures. Amounts are printed in figures and in words in both languages
(`jamaa.platform.core.words`).

Speed. The plumbing is the kernel's (`jamaa.platform.kernel.documents`): WeasyPrint is imported once per process,
the stylesheets are parsed once and one FontConfiguration is shared, so a warm quittance costs only its own small
layout; the QR code, `is_arabic` and the commune masthead ("compact" style) are the kernel's too.
WeasyPrint's table layout of a long listing runs at ~60 rows/s, nearly all of it Python spent per box and per
line of text, so the relevé is
paginated here: each page is a fixed-height block whose rows are two absolutely positioned columns of
preformatted lines (the figures in a monospaced font, the payer in a proportional one, Arabic names in a
right-to-left column over the same place), page totals ("à reporter") computed in Python, "page i / n" known in
advance. Pages are rendered by chunks in a warm pool of forked processes (2 cores) and the chunks' PDFs joined
with pikepdf (qpdf); in a process that may not fork (a daemonic Celery worker) or for a short relevé, in one
WeasyPrint document.

The package re-exports every public name of its parts, so `from . import documents` and
`documents.<name>` keep working."""

from __future__ import annotations

from .builders import (
    bordereau_data,
    commune_base_url,
    masthead_for,
    ordre_data,
    quittance_data,
    releve_data,
    restes_data,
)
from .common import BASE_KINDS, ORDRE_STATUS, PAYMENT_METHODS, ZERO
from .data import (
    BordereauData,
    BordereauOrdre,
    Masthead,
    OrdreData,
    OrdreLineData,
    QuittanceData,
    ReleveData,
    ReleveItem,
    ResteLine,
    RestesData,
)
from .ordres import render_bordereau, render_ordre, render_restes
from .quittances import Layout, quittance_context, render_quittance
from .releve import (
    FIRST_PAGE_HEADER_MM,
    PARALLEL_MIN_PAGES,
    PAYER_CHARS,
    ROW_MM,
    ROWS_FIRST_PAGE,
    ROWS_FOR_TOTAL,
    ROWS_PER_PAGE,
    _paginate,
    releve_html_naive,
    releve_html_pages,
    render_naive_releve,
    render_releve,
    warm_up,
)

__all__ = [
    "BASE_KINDS",
    "BordereauData",
    "BordereauOrdre",
    "FIRST_PAGE_HEADER_MM",
    "Layout",
    "Masthead",
    "ORDRE_STATUS",
    "OrdreData",
    "OrdreLineData",
    "PARALLEL_MIN_PAGES",
    "PAYER_CHARS",
    "PAYMENT_METHODS",
    "QuittanceData",
    "ROWS_FIRST_PAGE",
    "ROWS_FOR_TOTAL",
    "ROWS_PER_PAGE",
    "ROW_MM",
    "ReleveData",
    "ReleveItem",
    "ResteLine",
    "RestesData",
    "ZERO",
    "_paginate",
    "bordereau_data",
    "commune_base_url",
    "masthead_for",
    "ordre_data",
    "quittance_context",
    "quittance_data",
    "releve_data",
    "releve_html_naive",
    "releve_html_pages",
    "render_bordereau",
    "render_naive_releve",
    "render_ordre",
    "render_quittance",
    "render_releve",
    "render_restes",
    "restes_data",
    "warm_up",
]
