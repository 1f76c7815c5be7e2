"""Document rendering shared by the modules: WeasyPrint with the fonts warm, QR codes, the commune masthead and
the bilingual helpers. Layouts (templates, stylesheets, what a document says) stay in the modules.

WeasyPrint is imported once per process, on first use, and one FontConfiguration is shared by every render
(importing costs ~1 s; a warm one-page document then costs only its own layout). Stylesheets are parsed once.

Fonts (Debian fonts-noto-core, fonts-hosny-amiri): Noto Serif first for French (it has no Arabic glyphs), Noto
Naskh Arabic then Amiri for Arabic; modules' stylesheets turn optional Arabic ligatures off ("liga" 0) so the text
read back from a PDF is the text printed.

    html = get_template("mymodule/documents/permit.html").render({"m": masthead, "qr": qr_data_uri(url), …})
    pdf = render_pdf(html, stylesheets=["mymodule/documents/permit.css"])
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import segno
from django.template.loader import get_template

__all__ = [
    "CommuneMasthead",
    "is_arabic",
    "isolate",
    "qr_data_uri",
    "render_pdf",
    "stylesheet",
    "weasyprint",
]

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


def is_arabic(text: str) -> bool:
    """True when the text has an Arabic letter (print it right to left, in the Arabic font)."""
    return bool(_ARABIC.search(text))


def isolate(text: str) -> str:
    """The text between Unicode isolates (FSI … PDI), for PDFs: a Latin name inside an Arabic line keeps its own
    order and cannot drag the punctuation and figures around it along. In HTML use <bdi> or dir="auto"."""
    return f"\u2068{text}\u2069" if text else ""


def pick(fr: str, ar: str, *, arabic: bool) -> str:
    """The Arabic text when asked and there is one, else the French one."""
    return ar if arabic and ar else fr


@functools.cache
def weasyprint() -> tuple[Any, Any, Any]:
    """(HTML class, CSS class, the shared FontConfiguration), imported on first use and kept for the process."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    return HTML, CSS, FontConfiguration()


@functools.cache
def stylesheet(template_name: str) -> Any:
    """A stylesheet found by the template loaders (e.g. "regie/documents/base.css"), parsed once per process."""
    _, css_class, font_config = weasyprint()
    source = get_template(template_name).template.source  # type: ignore[attr-defined]
    return css_class(string=source, font_config=font_config)


def render_pdf(markup: str, *, stylesheets: Sequence[str] = (), fit_height: bool = False) -> bytes:
    """PDF bytes of the HTML with these stylesheets (template names). `fit_height`: a one-page roll (a ticket)
    cut just below its content (CSS has no auto page height: the page is laid out long, then shortened)."""
    html_class, _, font_config = weasyprint()
    sheets = [stylesheet(name) for name in stylesheets]
    document = html_class(string=markup, base_url=None).render(stylesheets=sheets, font_config=font_config)
    if fit_height and len(document.pages) == 1:
        page = document.pages[0]
        box = page._page_box  # noqa: SLF001 (WeasyPrint keeps the laid-out page box there)
        root = box.children[0]
        page.height = min(page.height, root.position_y + root.margin_height() + box.margin_bottom)
    return bytes(document.write_pdf())


def qr_data_uri(data: str, *, kind: Literal["png", "svg"] = "png", scale: int = 1, border: int = 2) -> str:
    """A QR code (error correction M) as a data URI. PNG at scale 1 is one pixel per module, to be scaled up by
    the stylesheet with `image-rendering: pixelated`: WeasyPrint embeds a tiny image instead of parsing an SVG
    path of every module. SVG when the layout wants a vector image."""
    qr = segno.make(data, error="m")
    if kind == "svg":
        return str(qr.svg_data_uri(scale=scale, border=border))
    return str(qr.png_data_uri(scale=scale, border=border))


@dataclass(frozen=True, slots=True, kw_only=True)
class CommuneMasthead:
    """The head of an official document, in both languages: the kingdom and the ministry (fixed), then the
    region, the province, the commune and the issuing office (a bureau, a régie). Bare names: the labels
    ("Commune :", "جماعة") are the template's. `reference`: e.g. the arrêté creating the office."""

    commune_fr: str
    commune_ar: str
    province_fr: str = ""
    province_ar: str = ""
    region_fr: str = ""
    region_ar: str = ""
    office_fr: str = ""
    office_ar: str = ""
    office_label_fr: str = ""
    office_label_ar: str = ""
    reference: str = ""


MASTHEAD_TEMPLATE = "kernel/documents/masthead.html"
"""`{% include "kernel/documents/masthead.html" with masthead=… style="table" %}`: style "table" (three columns,
the emblem in the middle, for A4 documents) or "compact" (two blocks, for A5 receipts and listings)."""
