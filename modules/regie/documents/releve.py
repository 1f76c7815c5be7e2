"""The relevé nominatif of a versement's quittances: fixed-height pages of preformatted lines, rendered by chunks in
a warm pool of forked processes and joined with pikepdf."""

from __future__ import annotations

import html
import io
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from django.template.loader import get_template

from jamaa.platform.kernel.documents import (
    is_arabic,
    stylesheet,
    weasyprint,
)
from jamaa.platform.kernel.words import amount_ar, amount_fr, format_dh

from .common import ZERO, _d, _local, _pdf
from .data import Masthead, ReleveData, ReleveItem

# ---------------------------------------------------------------------------------------------------- relevé

# Page geometry (mm, A4 portrait, see releve.css): rows of 4.2 mm; the first page carries the versement's
# header, the last one the grand total, amounts in words and signatures.
ROWS_PER_PAGE: Final = 55
ROWS_FIRST_PAGE: Final = 46
ROWS_FOR_TOTAL: Final = 15
ROW_MM: Final = 4.2
FIRST_PAGE_HEADER_MM: Final = 37
PAYER_CHARS: Final = 46

# Characters of the monospaced part of a row: index, number, time, tax, budget line, amount, status.
_MONO_HEAD_FR = f"{'N°':>5} {'Quittance':<13} {'Heure':<5} {'Taxe':<12} {'Ligne':<8} {'Montant DH':>13} Statut"


@dataclass(frozen=True, slots=True)
class _Line:
    mono: str
    payer: str
    amount: Decimal  # what the line adds to the total (net effect: amount, or the counter-entry)


def _releve_lines(items: Sequence[ReleveItem], exercice: int) -> tuple[list[_Line], int, Decimal, Decimal]:
    """The relevé's lines in order (a cancelled quittance then its counter-entry), the count of quittances,
    the gross total and the total of counter-entries. Every glyph costs layout and drawing time, so a row says
    no more than it must: the exercice only when it is not the versement's, the status only when cancelled."""
    lines: list[_Line] = []
    gross = ZERO
    counter = ZERO
    for index, it in enumerate(items, start=1):
        ref = f"{it.series}/{it.number:06d}" if it.exercice == exercice else f"{it.exercice}/{it.series}/{it.number}"
        payer = it.payer if len(it.payer) <= PAYER_CHARS else it.payer[: PAYER_CHARS - 1] + "…"
        lines.append(
            _Line(
                f"{index:>5} {ref:<13} {it.time:<5} {it.tax_code[:12]:<12} {it.budget_line[:8]:<8} "
                f"{format_dh(it.amount_dh):>13}{' ANNULÉE' if it.cancelled else ''}",
                payer,
                it.amount_dh,
            )
        )
        gross += it.amount_dh
        entry = it.net_dh - it.amount_dh
        if entry:
            counter += entry
            lines.append(
                _Line(
                    f"{'':>5} {'- contre-passation':<41} {format_dh(entry):>13}",
                    f"إلغاء الوصل {it.number} — annulation n° {it.number}",
                    entry,
                )
            )
    return lines, len(items), gross, counter


def _paginate(count: int) -> list[tuple[int, int]]:
    """(start, end) of the lines on each page; the last page keeps room for the grand total."""
    pages: list[tuple[int, int]] = []
    start = 0
    capacity = ROWS_FIRST_PAGE
    while True:
        end = min(count, start + capacity)
        pages.append((start, end))
        if end >= count:
            if capacity - (end - start) < ROWS_FOR_TOTAL:
                pages.append((count, count))  # the grand total on a page of its own
            return pages
        start, capacity = end, ROWS_PER_PAGE


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _releve_page(
    *,
    index: int,
    pages: int,
    lines: Sequence[_Line],
    brought: Decimal,
    head: str,
    first: str,
    last: str,
) -> str:
    """One page: running head, column heads, the rows as two columns of preformatted lines, page totals."""
    page_total = sum((ln.amount for ln in lines), ZERO)
    carried = brought + page_total
    # Payers: Latin names in a left-to-right column, Arabic ones in a right-to-left column over the same place.
    latin = "\n".join("" if is_arabic(ln.payer) else _e(ln.payer) for ln in lines)
    arabic = "\n".join(_e(ln.payer) if is_arabic(ln.payer) else "" for ln in lines)
    mono = "\n".join(_e(ln.mono) for ln in lines)
    top = FIRST_PAGE_HEADER_MM if index == 1 else 0
    rows_mm = len(lines) * ROW_MM
    out = [
        f'<section class="page{" p1" if index == 1 else ""}">',
        head.replace("{page}", f"{index} / {pages}"),
        first if index == 1 else "",
        f'<div class="cols" style="top:{18 + top}mm">{_MONO_HEAD_FR_HTML}</div>',
        f'<div class="rows" style="top:{27 + top}mm;height:{rows_mm:.1f}mm">',
        f'<div class="mono">{mono}</div><div class="payer">{latin}</div><div class="payer ar">{arabic}</div>',
        "</div>",
    ]
    totals_top = 27 + top + rows_mm + 1.5
    totals = [
        ("Report", "المنقول", brought),
        ("Total de la page", "مجموع الصفحة", page_total),
        ("À reporter" if index < pages else "Total", "يرحل" if index < pages else "المجموع", carried),
    ]
    # One preformatted block (three lines) rather than nine positioned boxes: fewer boxes per page.
    block = "\n".join(f"{fr:<17}{format_dh(value):>16}   {ar}" for fr, ar, value in totals)
    out.append(f'<div class="totals" style="top:{totals_top:.1f}mm">{_e(block)}</div>')
    if index == pages:
        out.append(last.replace("{top}", f"{totals_top + 16:.1f}"))
    out.append("</section>")
    return "".join(out)


_MONO_HEAD_FR_HTML = (
    f'<div class="mono">{html.escape(_MONO_HEAD_FR)}</div>'
    '<div class="payer">Redevable</div><div class="payer ar">الملزم</div>'
    '<div class="cols-ar" dir="rtl">الرقم · الوصل · الساعة · الرسم · السطر · المبلغ · الحالة</div>'
)


def releve_html_pages(*, masthead: Masthead, releve: ReleveData) -> list[str]:
    """The relevé as one HTML fragment per page (each an independent fixed-height block)."""
    lines, count, gross, counter = _releve_lines(releve.items, releve.exercice)
    bounds = _paginate(len(lines))
    net = gross + counter
    context = {
        "m": masthead,
        "v": releve,
        "day": _d(releve.day),
        "closed_at": f"{_d(_local(releve.closed_at).date())} {_local(releve.closed_at):%H:%M}",
        "expected": format_dh(releve.expected_dh),
        "counted": format_dh(releve.counted_dh),
        "difference": format_dh(releve.difference_dh),
        "count": count,
        "gross": format_dh(gross),
        "counter": format_dh(counter),
        "net": format_dh(net),
        "net_fr": amount_fr(abs(net)),
        "net_ar": amount_ar(abs(net)),
        "balanced": net == releve.expected_dh,
        "cancelled": sum(1 for it in releve.items if it.cancelled),
    }
    template = get_template("regie/documents/releve_parts.html")
    head = template.render({**context, "part": "head"})
    first = template.render({**context, "part": "first"})
    last = template.render({**context, "part": "last"})
    pages: list[str] = []
    brought = ZERO
    for index, (start, end) in enumerate(bounds, start=1):
        chunk = lines[start:end]
        pages.append(
            _releve_page(
                index=index, pages=len(bounds), lines=chunk, brought=brought, head=head, first=first, last=last
            )
        )
        brought += sum((ln.amount for ln in chunk), ZERO)
    return pages


def _releve_document(pages: Sequence[str]) -> str:
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Relevé nominatif</title></head><body>'
        + "".join(pages)
        + "</body></html>"
    )


def _render_chunk(pages: Sequence[str]) -> bytes:
    return _pdf(_releve_document(pages), "releve.css")


# A warm pool of forked renderers (forked after WeasyPrint and the stylesheets are loaded, so a chunk costs only
# its layout). Forked children never touch the database: they get HTML and return PDF bytes.
_POOL: ProcessPoolExecutor | None = None
_POOL_PID: int | None = None
PARALLEL_MIN_PAGES: Final = 6


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _may_fork() -> bool:
    return (
        _workers() > 1
        and not multiprocessing.current_process().daemon
        and "fork" in multiprocessing.get_all_start_methods()
    )


def _pool() -> ProcessPoolExecutor:
    global _POOL, _POOL_PID
    if _POOL is None or _POOL_PID != os.getpid():
        stylesheet("regie/documents/releve.css")  # loaded before the fork: inherited by the workers
        _POOL = ProcessPoolExecutor(max_workers=_workers(), mp_context=multiprocessing.get_context("fork"))
        _POOL_PID = os.getpid()
        # Start the workers now (each warms up on a one-page document).
        list(_POOL.map(_render_chunk, [[_WARM_PAGE]] * _workers()))
    return _POOL


_WARM_PAGE = (
    '<section class="page"><div class="rows"><div class="mono">1 2026/A/000001</div>'
    '<div class="payer">Warm</div><div class="payer ar">تسخين</div></div></section>'
)


def warm_up(*, parallel: bool = True) -> None:
    """Load WeasyPrint, the stylesheets and (when this process may fork) the renderers' pool."""
    _render_chunk([_WARM_PAGE])
    if parallel and _may_fork():
        _pool()


def _merge(pdfs: Sequence[bytes]) -> bytes:
    import pikepdf

    merged = pikepdf.Pdf.new()
    sources = [pikepdf.Pdf.open(io.BytesIO(pdf)) for pdf in pdfs]
    for source in sources:
        merged.pages.extend(source.pages)
    out = io.BytesIO()
    merged.save(out, compress_streams=True)
    return out.getvalue()


def render_releve(*, masthead: Masthead, releve: ReleveData, parallel: bool | None = None) -> bytes:
    """The relevé nominatif as PDF. `parallel`: None = by size and by what the process may do."""
    pages = releve_html_pages(masthead=masthead, releve=releve)
    if parallel is None:
        parallel = len(pages) >= PARALLEL_MIN_PAGES
    if not parallel or not _may_fork():
        return _render_chunk(pages)
    # Two chunks per worker: a worker slowed by another process's load does not hold the whole relevé back.
    size = -(-len(pages) // (2 * _workers()))
    chunks = [pages[i : i + size] for i in range(0, len(pages), size)]
    try:
        pdfs = list(_pool().map(_render_chunk, chunks))
    except Exception:  # a broken pool (a worker killed): render here, and start a fresh pool next time
        global _POOL
        _POOL = None
        return _render_chunk(pages)
    return _merge(pdfs)


def releve_html_naive(*, masthead: Masthead, releve: ReleveData) -> str:
    """The same relevé as one plain HTML table (the benchmark's baseline; not used by the views)."""
    rows = []
    for index, it in enumerate(releve.items, start=1):
        payer = f'<td class="ar" dir="rtl">{_e(it.payer)}</td>' if is_arabic(it.payer) else f"<td>{_e(it.payer)}</td>"
        rows.append(
            f"<tr><td>{index}</td><td>{it.exercice}/{it.series}/{it.number:06d}</td><td>{it.time}</td>{payer}"
            f"<td>{_e(it.tax_code)}</td><td>{_e(it.budget_line)}</td><td class='n'>{format_dh(it.amount_dh)}</td>"
            f"<td>{'ANNULÉE / ملغاة' if it.cancelled else 'Valide'}</td></tr>"
        )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
        "@page{size:A4;margin:12mm 10mm;@bottom-center{content:counter(page) ' / ' counter(pages)}}"
        "html{font-family:'Noto Serif','Noto Naskh Arabic',serif;font-feature-settings:'liga' 0;font-size:8pt}"
        ".ar{font-family:'Noto Naskh Arabic','Noto Serif';direction:rtl;unicode-bidi:embed;text-align:right}"
        "table{border-collapse:collapse;width:100%}td,th{border:.4pt solid #999;padding:.5mm 1mm;"
        "vertical-align:baseline}.n{text-align:right}</style></head><body>"
        f"<h1>Relevé nominatif — versement {releve.number}/{releve.exercice}</h1><table><thead><tr><th>N°</th>"
        "<th>Quittance</th><th>Heure</th><th>Redevable / الملزم</th><th>Taxe</th><th>Ligne</th><th>Montant</th>"
        f"<th>Statut</th></tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>"
    )


def render_naive_releve(*, masthead: Masthead, releve: ReleveData) -> bytes:
    html_class, _, font_config = weasyprint()
    markup = releve_html_naive(masthead=masthead, releve=releve)
    return bytes(html_class(string=markup).write_pdf(font_config=font_config))


# ================================================================================ builders (database reads)
# Below: the reads that fill the dataclasses above from the current commune's schema.
