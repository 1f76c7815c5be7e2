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
"""

from __future__ import annotations

import datetime as dt
import html
import io
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Literal

from django.db import connection
from django.template.loader import get_template
from django.utils import timezone

from jamaa.platform.kernel.documents import (
    CommuneMasthead,
    is_arabic,
    qr_data_uri,
    render_pdf,
    stylesheet,
    weasyprint,
)
from jamaa.platform.kernel.words import amount_ar, amount_fr, format_dh

__all__ = [
    "Masthead",
    "OrdreData",
    "OrdreLineData",
    "BordereauData",
    "QuittanceData",
    "ReleveData",
    "ReleveItem",
    "RestesData",
    "ResteLine",
    "render_bordereau",
    "render_ordre",
    "render_quittance",
    "render_releve",
    "render_restes",
]

ZERO: Final = Decimal("0")

PAYMENT_METHODS: Final[dict[str, tuple[str, str]]] = {
    "cash": ("Espèces", "نقدا"),
    "cheque": ("Chèque", "شيك"),
    "transfer": ("Virement", "تحويل"),
}
BASE_KINDS: Final[dict[str, tuple[str, str]]] = {
    "m2": ("m²", "م²"),
    "percent": ("DH de chiffre d'affaires", "درهم من رقم المعاملات"),
    "night": ("nuitées", "ليلة"),
    "quarter": ("trimestres", "فصل"),
    "fixed": ("acte(s)", "وثيقة"),
}
ORDRE_STATUS: Final[dict[str, tuple[str, str]]] = {
    "issued": ("Émis", "صادر"),
    "taken_in_charge": ("Pris en charge", "متكفل به"),
    "recovered": ("Recouvré", "مستخلص"),
    "cancelled": ("Annulé", "ملغى"),
    "written_off": ("Admis en non-valeur", "مقبول في عدم القيمة"),
    "remitted": ("Remis", "معفى"),
}


def _d(day: dt.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else "—"


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _rate(rate: Decimal) -> str:
    text = f"{rate.normalize():f}"
    return text.replace(".", ",")


# --------------------------------------------------------------------------------------------- input data


@dataclass(frozen=True, slots=True, kw_only=True)
class Masthead:
    """The commune and the régie, in both languages."""

    commune_fr: str
    commune_ar: str
    province: str = ""
    province_ar: str = ""
    regie_fr: str
    regie_ar: str
    arrete: str = ""

    @property
    def common(self) -> CommuneMasthead:
        """The kernel's commune masthead (the régie as the issuing office)."""
        return CommuneMasthead(
            commune_fr=self.commune_fr,
            commune_ar=self.commune_ar,
            province_fr=self.province,
            province_ar=self.province_ar,
            office_fr=self.regie_fr,
            office_ar=self.regie_ar,
            reference=self.arrete,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class QuittanceData:
    exercice: int
    series: str
    number: int
    day: dt.date
    issued_at: dt.datetime
    payer: str
    cin: str = ""
    rc: str = ""
    ice: str = ""
    address: str = ""
    tax_code: str
    tax_fr: str
    tax_ar: str
    base_kind: str
    budget_line: str
    budget_label_fr: str = ""
    budget_label_ar: str = ""
    period: str
    base: Decimal
    rate: Decimal
    principal_dh: Decimal
    penalties_dh: Decimal
    amount_dh: Decimal
    payment_method: str
    agent: str
    code: str
    verify_url: str
    cancelled: bool = False
    cancelled_on: dt.date | None = None
    cancel_reason: str = ""
    offline: bool = False  # numbered from a collector's block (collected_at is the device's clock)

    @property
    def reference(self) -> str:
        return f"{self.exercice}/{self.series}/{self.number:06d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrdreLineData:
    payer: str
    identifier: str
    asset: str
    amount_dh: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class OrdreData:
    exercice: int
    number: int
    kind: str  # individual | collective
    tax_code: str
    tax_fr: str
    tax_ar: str
    budget_line: str
    budget_label_fr: str = ""
    budget_label_ar: str = ""
    subject: str
    period: str
    amount_dh: Decimal
    recovered_dh: Decimal = ZERO
    status: str
    issued_at: dt.datetime
    issued_by: str
    bordereau: str = ""
    lines: tuple[OrdreLineData, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BordereauOrdre:
    number: int
    kind: str
    tax_code: str
    budget_line: str
    subject: str
    lines: int
    amount_dh: Decimal
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BordereauData:
    exercice: int
    number: int
    status: str
    created_at: dt.datetime
    created_by: str
    comptable_reference: str = ""
    total_dh: Decimal
    ordres: tuple[BordereauOrdre, ...]
    by_line: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleveItem:
    """One quittance of the versement: `net_dh` is what the versement counted for it (0 when cancelled
    before the close); a cancelled one gets a counter-entry line of net − amount."""

    exercice: int
    series: str
    number: int
    time: str
    payer: str
    tax_code: str
    budget_line: str
    amount_dh: Decimal
    net_dh: Decimal
    cancelled: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ReleveData:
    exercice: int
    number: int
    day: dt.date
    level: str  # agent | regie
    agent: str
    closed_by: str
    closed_at: dt.datetime
    expected_dh: Decimal
    counted_dh: Decimal
    difference_dh: Decimal
    treasury_reference: str = ""
    items: Sequence[ReleveItem]


@dataclass(frozen=True, slots=True, kw_only=True)
class ResteLine:
    payer: str
    identifier: str
    budget_line: str
    ordres: str
    amount_dh: Decimal
    recovered_dh: Decimal
    remaining_dh: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class RestesData:
    exercice: int
    as_of: dt.date
    lines: tuple[ResteLine, ...]
    total_dh: Decimal
    remaining_dh: Decimal
    by_line: tuple[tuple[str, Decimal], ...] = field(default=())


# ------------------------------------------------------------------------------------------- WeasyPrint


def _pdf(markup: str, *stylesheets: str, fit_height: bool = False) -> bytes:
    """PDF bytes of the markup with these stylesheets of templates/regie/documents/ (parsed once per process)."""
    return render_pdf(markup, stylesheets=[f"regie/documents/{n}" for n in stylesheets], fit_height=fit_height)


# ------------------------------------------------------------------------------------------------ quittance

Layout = Literal["a4", "a5", "ticket"]


def quittance_context(*, masthead: Masthead, q: QuittanceData) -> dict[str, Any]:
    base_fr, base_ar = BASE_KINDS.get(q.base_kind, ("", ""))
    method_fr, method_ar = PAYMENT_METHODS.get(q.payment_method, (q.payment_method, q.payment_method))
    issued = _local(q.issued_at)
    identifiers = [f"CIN {q.cin}" if q.cin else "", f"RC {q.rc}" if q.rc else "", f"ICE {q.ice}" if q.ice else ""]
    return {
        "m": masthead,
        "q": q,
        "identifier": " · ".join(i for i in identifiers if i) or "—",
        "payer_is_arabic": is_arabic(q.payer),
        "day": _d(q.day),
        "time": f"{issued:%H:%M}",
        "base": format_dh(q.base).removesuffix(",00") if q.base_kind != "percent" else format_dh(q.base),
        "base_fr": base_fr,
        "base_ar": base_ar,
        "rate": _rate(q.rate),
        "principal": format_dh(q.principal_dh),
        "penalties": format_dh(q.penalties_dh),
        "amount": format_dh(q.amount_dh),
        "amount_fr": amount_fr(q.amount_dh),
        "amount_ar": amount_ar(q.amount_dh),
        "method_fr": method_fr,
        "method_ar": method_ar,
        "qr": qr_data_uri(q.verify_url),
        "cancelled_on": _d(q.cancelled_on),
    }


def render_quittance(*, masthead: Masthead, q: QuittanceData, layout: Layout = "a5") -> bytes:
    """The quittance as PDF: an A4 page (the A5 layout on A4 paper, for office printers), an A5 page, or a 58 mm
    wide ticket (thermal printers)."""
    template = "a5" if layout == "a4" else layout
    markup = get_template(f"regie/documents/quittance_{template}.html").render(
        quittance_context(masthead=masthead, q=q)
    )
    sheets = (
        ["base.css", "quittance_a5.css", "quittance_a4.css"]
        if layout == "a4"
        else ["base.css", f"quittance_{layout}.css"]
    )
    return _pdf(markup, *sheets, fit_height=layout == "ticket")


# ------------------------------------------------------------------------------------ ordre and bordereau


def render_ordre(*, masthead: Masthead, ordre: OrdreData) -> bytes:
    status_fr, status_ar = ORDRE_STATUS.get(ordre.status, (ordre.status, ordre.status))
    context = {
        "m": masthead,
        "o": ordre,
        "collective": ordre.kind == "collective",
        "status_fr": status_fr,
        "status_ar": status_ar,
        "issued": _d(_local(ordre.issued_at).date()),
        "lines": [
            {
                "payer": ln.payer,
                "ar": is_arabic(ln.payer),
                "identifier": ln.identifier,
                "asset": ln.asset,
                "amount": format_dh(ln.amount_dh),
            }
            for ln in ordre.lines
        ],
        "amount": format_dh(ordre.amount_dh),
        "recovered": format_dh(ordre.recovered_dh),
        "amount_fr": amount_fr(ordre.amount_dh),
        "amount_ar": amount_ar(ordre.amount_dh),
    }
    return _pdf(get_template("regie/documents/ordre.html").render(context), "base.css", "listing.css")


def render_bordereau(*, masthead: Masthead, bordereau: BordereauData) -> bytes:
    context = {
        "m": masthead,
        "b": bordereau,
        "taken": bordereau.status == "taken_in_charge",
        "created": _d(_local(bordereau.created_at).date()),
        "ordres": [
            {
                "o": o,
                "amount": format_dh(o.amount_dh),
                "kind_fr": "Collectif" if o.kind == "collective" else "Individuel",
                "kind_ar": "جماعي" if o.kind == "collective" else "فردي",
                "status_fr": ORDRE_STATUS.get(o.status, (o.status, ""))[0],
            }
            for o in bordereau.ordres
        ],
        "by_line": [(code, format_dh(total)) for code, total in bordereau.by_line],
        "total": format_dh(bordereau.total_dh),
        "total_fr": amount_fr(bordereau.total_dh),
        "total_ar": amount_ar(bordereau.total_dh),
    }
    return _pdf(get_template("regie/documents/bordereau.html").render(context), "base.css", "listing.css")


def render_restes(*, masthead: Masthead, restes: RestesData) -> bytes:
    context = {
        "m": masthead,
        "r": restes,
        "as_of": _d(restes.as_of),
        "lines": [
            {
                "ln": ln,
                "ar": is_arabic(ln.payer),
                "amount": format_dh(ln.amount_dh),
                "recovered": format_dh(ln.recovered_dh),
                "remaining": format_dh(ln.remaining_dh),
            }
            for ln in restes.lines
        ],
        "by_line": [(code, format_dh(total)) for code, total in restes.by_line],
        "total": format_dh(restes.total_dh),
        "remaining": format_dh(restes.remaining_dh),
        "remaining_fr": amount_fr(restes.remaining_dh),
        "remaining_ar": amount_ar(restes.remaining_dh),
    }
    return _pdf(get_template("regie/documents/restes.html").render(context), "base.css", "listing.css")


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


def _user_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def masthead_for(*, regie_id: int) -> Masthead:
    from .models import Regie

    regie = Regie.objects.get(pk=regie_id)
    tenant = getattr(connection, "tenant", None)
    return Masthead(
        commune_fr=getattr(tenant, "name_fr", "") or "",
        commune_ar=getattr(tenant, "name_ar", "") or "",
        province=getattr(tenant, "province", "") or "",
        province_ar=getattr(tenant, "province_ar", "") or "",
        regie_fr=regie.name_fr,
        regie_ar=regie.name_ar,
        arrete=f"{regie.arrete_number} du {_d(regie.arrete_date)}",
    )


def commune_base_url() -> str:
    """https://<primary host of the current commune> (when no request gives the host)."""
    from jamaa.tenants.models import Domain
    from jamaa.tenants.selectors import commune_host

    tenant = getattr(connection, "tenant", None)
    schema = str(getattr(connection, "schema_name", "public"))
    domain = Domain.objects.filter(tenant__schema_name=schema, is_primary=True).values_list("domain", flat=True).first()
    return f"https://{domain or commune_host(getattr(tenant, 'slug', schema))}"


def _budget_labels() -> dict[str, tuple[str, str]]:
    from .models import BudgetLine

    return {b.code: (b.label_fr, b.label_ar) for b in BudgetLine.objects.all()}


def quittance_data(*, quittance_id: int, viewer: Any, base_url: str | None = None) -> tuple[Masthead, QuittanceData]:
    """The quittance and its masthead, for whoever may read it (selectors.quittance_get decides). Raises
    NotACollector, Quittance.DoesNotExist."""
    from django.urls import reverse

    from . import selectors, verification
    from .models import Quittance

    selectors.quittance_get(quittance_id=quittance_id, viewer=viewer)
    q = Quittance.objects.select_related("series__regie", "tax", "redevable", "agent", "cancellation").get(
        pk=quittance_id
    )
    code = verification.quittance_code(q)
    url = (base_url or commune_base_url()).rstrip("/") + reverse("regie:verify", kwargs={"code": code})
    cancellation = getattr(q, "cancellation", None)
    label_fr, label_ar = _budget_labels().get(q.budget_line, ("", ""))
    principal = q.amount_dh - q.penalties_dh
    data = QuittanceData(
        exercice=q.series.exercice,
        series=q.series.series,
        number=q.number,
        day=q.day,
        issued_at=q.collected_at or q.issued_at,
        payer=q.payer_name,
        cin=q.redevable.cin,
        rc=q.redevable.rc,
        ice=q.redevable.ice,
        address=q.redevable.address,
        tax_code=q.tax.code,
        tax_fr=q.tax.name_fr,
        tax_ar=q.tax.name_ar,
        base_kind=q.tax.base_kind,
        budget_line=q.budget_line,
        budget_label_fr=label_fr,
        budget_label_ar=label_ar,
        period=q.period,
        base=q.base,
        rate=q.rate,
        principal_dh=principal,
        penalties_dh=q.penalties_dh,
        amount_dh=q.amount_dh,
        payment_method=q.payment_method,
        agent=_user_name(q.agent),
        code=code,
        verify_url=url,
        cancelled=cancellation is not None,
        cancelled_on=_local(cancellation.cancelled_at).date() if cancellation is not None else None,
        cancel_reason=cancellation.reason if cancellation is not None else "",
        offline=q.block_id is not None,
    )
    return masthead_for(regie_id=q.series.regie_id), data


def _identifier(redevable: Any) -> str:
    parts = [f"CIN {redevable.cin}" if redevable.cin else "", f"RC {redevable.rc}" if redevable.rc else ""]
    parts.append(f"ICE {redevable.ice}" if redevable.ice else "")
    return " · ".join(p for p in parts if p)


def ordre_data(*, ordre_id: int, viewer: Any) -> tuple[Masthead, OrdreData]:
    """The ordre de recette for whoever may read it (selectors.ordre_get decides). Raises NotARegisseur,
    OrdreRecette.DoesNotExist."""
    from . import selectors
    from .models import OrdreRecette

    selectors.ordre_get(ordre_id=ordre_id, viewer=viewer)
    o = OrdreRecette.objects.select_related("tax", "issued_by", "bordereau").get(pk=ordre_id)
    label_fr, label_ar = _budget_labels().get(o.budget_line, ("", ""))
    lines = tuple(
        OrdreLineData(
            payer=ln.payer_name,
            identifier=_identifier(ln.redevable),
            asset=(f"{ln.asset.reference} {ln.asset.label}".strip() if ln.asset else ""),
            amount_dh=ln.amount_dh,
        )
        for ln in o.lines.select_related("redevable", "asset").order_by("pk")
    )
    data = OrdreData(
        exercice=o.exercice,
        number=o.number,
        kind=o.kind,
        tax_code=o.tax.code,
        tax_fr=o.tax.name_fr,
        tax_ar=o.tax.name_ar,
        budget_line=o.budget_line,
        budget_label_fr=label_fr,
        budget_label_ar=label_ar,
        subject=o.subject,
        period=o.period,
        amount_dh=o.amount_dh,
        recovered_dh=o.recovered_dh,
        status=o.status,
        issued_at=o.issued_at,
        issued_by=_user_name(o.issued_by),
        bordereau=f"{o.bordereau.number}/{o.bordereau.exercice}" if o.bordereau else "",
        lines=lines,
    )
    return masthead_for(regie_id=o.regie_id), data


def bordereau_data(*, bordereau_id: int, viewer: Any) -> tuple[Masthead, BordereauData]:
    """The bordereau for whoever may read it (selectors.bordereau_get decides). Raises NotARegisseur,
    Bordereau.DoesNotExist."""
    from django.db.models import Count

    from . import selectors
    from .models import Bordereau

    selectors.bordereau_get(bordereau_id=bordereau_id, viewer=viewer)
    b = Bordereau.objects.select_related("created_by").get(pk=bordereau_id)
    ordres = tuple(
        BordereauOrdre(
            number=o.number,
            kind=o.kind,
            tax_code=o.tax.code,
            budget_line=o.budget_line,
            subject=o.subject,
            lines=o.n_lines,
            amount_dh=o.amount_dh,
            status=o.status,
        )
        for o in b.ordres.select_related("tax").annotate(n_lines=Count("lines")).order_by("number")
    )
    by_line: dict[str, Decimal] = {}
    for o in ordres:
        by_line[o.budget_line] = by_line.get(o.budget_line, ZERO) + o.amount_dh
    data = BordereauData(
        exercice=b.exercice,
        number=b.number,
        status=b.status,
        created_at=b.created_at,
        created_by=_user_name(b.created_by),
        comptable_reference=b.comptable_reference,
        total_dh=b.total_dh,
        ordres=ordres,
        by_line=tuple(sorted(by_line.items())),
    )
    return masthead_for(regie_id=b.regie_id), data


def releve_data(*, versement_id: int, viewer: Any) -> tuple[Masthead, ReleveData]:
    """The versement and every quittance it took (one query for the items, whatever their number), for whoever
    may read the versement (selectors.versement_get decides: another agent's is "not found"). Raises
    NotACollector, Versement.DoesNotExist."""
    from . import selectors
    from .models import VersementItem

    v = selectors.versement_get(versement_id=versement_id, viewer=viewer)
    rows = (
        VersementItem.objects.filter(versement_id=v.pk)
        .order_by("quittance__series__series", "quittance__number")
        .values_list(
            "amount_dh",
            "quittance__series__exercice",
            "quittance__series__series",
            "quittance__number",
            "quittance__collected_at",
            "quittance__issued_at",
            "quittance__payer_name",
            "quittance__tax__code",
            "quittance__budget_line",
            "quittance__amount_dh",
            "quittance__cancellation__id",
        )
    )
    items = [
        ReleveItem(
            exercice=exercice,
            series=series,
            number=number,
            time=f"{_local(collected or issued):%H:%M}",
            payer=payer,
            tax_code=tax_code,
            budget_line=budget_line,
            amount_dh=amount,
            net_dh=net,
            cancelled=cancellation_id is not None,
        )
        for (
            net,
            exercice,
            series,
            number,
            collected,
            issued,
            payer,
            tax_code,
            budget_line,
            amount,
            cancellation_id,
        ) in rows
    ]
    data = ReleveData(
        exercice=v.exercice,
        number=v.number,
        day=v.day,
        level=v.level,
        agent=_user_name(v.agent),
        closed_by=_user_name(v.closed_by),
        closed_at=v.closed_at,
        expected_dh=v.expected_dh,
        counted_dh=v.counted_dh,
        difference_dh=v.difference_dh,
        treasury_reference=v.treasury_reference,
        items=items,
    )
    return masthead_for(regie_id=v.regie_id), data


def restes_data(*, regie_id: int, exercice: int, as_of: dt.date, viewer: Any) -> tuple[Masthead, RestesData]:
    """The état des restes for whoever may read it (the régisseur). Raises NotARegisseur."""
    from . import selectors

    report = selectors.restes_a_recouvrer(regie_id=regie_id, exercice=exercice, as_of=as_of, viewer=viewer)
    by_line: dict[str, Decimal] = {}
    lines = []
    for row in report.rows:
        by_line[row.budget_line] = by_line.get(row.budget_line, ZERO) + row.remaining_dh
        lines.append(
            ResteLine(
                payer=row.payer_name,
                identifier=row.identifier,
                budget_line=row.budget_line,
                ordres=", ".join(str(n) for n in sorted(row.ordre_numbers)),
                amount_dh=row.amount_dh,
                recovered_dh=row.recovered_dh,
                remaining_dh=row.remaining_dh,
            )
        )
    data = RestesData(
        exercice=exercice,
        as_of=as_of,
        lines=tuple(lines),
        total_dh=report.total_dh,
        remaining_dh=report.remaining_dh,
        by_line=tuple(sorted(by_line.items())),
    )
    return masthead_for(regie_id=regie_id), data
