"""Document plumbing: one warm WeasyPrint, QR codes that scan back, the masthead in both styles, is_arabic."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from jamaa.platform.kernel import documents
from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, qr_data_uri, render_pdf

MAST = CommuneMasthead(
    commune_fr="Sefrou",
    commune_ar="صفرو",
    province_fr="Sefrou",
    province_ar="صفرو",
    region_fr="Fès-Meknès",
    region_ar="فاس مكناس",
    office_fr="Bureau central",
    office_ar="المكتب المركزي",
    office_label_fr="Bureau : ",
    office_label_ar="المكتب: ",
)


def text_of(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_is_arabic() -> None:
    assert is_arabic("محمد العلوي")
    assert is_arabic("Café أطلس")
    assert not is_arabic("Café Atlas 1234")
    assert not is_arabic("")
    assert documents.pick("Fès", "فاس", arabic=True) == "فاس"
    assert documents.pick("Fès", "", arabic=True) == "Fès"
    assert documents.pick("Fès", "فاس", arabic=False) == "Fès"


def test_one_weasyprint_and_one_parsed_stylesheet_per_process(tmp_path: Path) -> None:
    first = documents.weasyprint()
    pdf = render_pdf("<p>Bonjour — مرحبا</p>", stylesheets=["regie/documents/base.css"])
    assert pdf.startswith(b"%PDF-")
    assert documents.weasyprint() is first
    assert documents.stylesheet("regie/documents/base.css") is documents.stylesheet("regie/documents/base.css")
    assert "Bonjour" in text_of(pdf, tmp_path)


def test_fit_height_cuts_a_ticket_below_its_content(tmp_path: Path) -> None:
    css = tmp_path / "x.css"
    markup = "<style>@page{size:58mm 400mm;margin:2mm}</style><p>Ticket</p>"
    long = render_pdf(markup)
    short = render_pdf(markup, fit_height=True)
    (tmp_path / "a.pdf").write_bytes(long)
    (tmp_path / "b.pdf").write_bytes(short)

    def height(name: str) -> float:
        info = subprocess.run(["pdfinfo", str(tmp_path / name)], capture_output=True, text=True, check=True).stdout
        size = next(line for line in info.splitlines() if line.startswith("Page size"))
        return float(size.split("x")[1].split()[0])

    assert height("b.pdf") < height("a.pdf") / 4
    assert not css.exists()


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_qr_data_uri_scans_back(kind: str, tmp_path: Path) -> None:
    url = "https://sefrou.jamaa.ma/verify/regie.quittance/2026-A-1-0123456789ab/"
    uri = qr_data_uri(url, kind=kind, scale=4 if kind == "svg" else 1)  # type: ignore[arg-type]
    assert uri.startswith(f"data:image/{'png' if kind == 'png' else 'svg+xml'}")
    if kind == "png":
        png = tmp_path / "qr.png"
        png.write_bytes(base64.b64decode(uri.split(",", 1)[1]))
        big = tmp_path / "big.png"
        # zbarimg needs more than one pixel per module: scale the image up through the PDF path instead
        pdf = render_pdf(f'<img src="{uri}" style="width:60mm;image-rendering:pixelated">')
        (tmp_path / "q.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(tmp_path / "q.pdf"), str(big)[:-4]],
                       check=True)  # fmt: skip
        assert shutil.which("zbarimg")
        scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(big)], capture_output=True, check=True).stdout
        assert scanned.decode().strip() == url


def test_masthead_table_style_has_every_line_in_both_languages() -> None:
    html = render_to_string("kernel/documents/masthead.html", {"masthead": MAST, "style": "table"})
    for text in ("Royaume du Maroc", "Région : Fès-Meknès", "Préfecture ou province : Sefrou", "Commune : Sefrou",
                 "Bureau : Bureau central", "المملكة المغربية", "جهة: فاس مكناس", "جماعة: صفرو",
                 "المكتب: المكتب المركزي", 'class="star"'):  # fmt: skip
        assert text in html, text


def test_masthead_compact_style_is_two_blocks() -> None:
    html = render_to_string("kernel/documents/masthead.html", {"masthead": MAST, "style": "compact"}).strip()
    assert html.startswith('<div class="mast"><div class="fr"><div class="k">Royaume du Maroc</div>')
    assert "Province : Sefrou<br>Commune de Sefrou<br><b>Bureau : Bureau central</b>" in html
    assert "جماعة صفرو<br><b>المكتب: المكتب المركزي</b>" in html
    assert "star" not in html


def test_words_keep_their_old_import_path() -> None:
    from jamaa.platform.core import words as old
    from jamaa.platform.kernel import words

    assert old.amount_fr is words.amount_fr
    assert words.date_fr(__import__("datetime").date(2026, 3, 12)) == "le douze mars deux mille vingt-six"
    assert words.number_ar(2026, case="genitive") == "ألفين وستة وعشرين"
