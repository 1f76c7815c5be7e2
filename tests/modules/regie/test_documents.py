"""Documents of the régie read back from their PDFs (pdftotext, pdffonts, pdfinfo, pdftoppm + zbarimg): quittance
(A5 and ticket), relevé, ordre, bordereau, état des restes, amounts in words. The PDF views, their permissions and
the verification page are in test_documents_views.py.

pdftotext returns Arabic in reading order, but a line mixing Arabic with figures comes out run by run in visual
order: the assertions use what it prints. Amounts use no-break spaces between thousands (normalised here).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jamaa.modules.regie import documents
from jamaa.platform.core.words import amount_ar, amount_fr, format_dh

from .pdftools import info, pages, qr, text, tool

TZ = ZoneInfo("Africa/Casablanca")
URL = "https://fes.jamaa.ma/regie/verify/2026-A-12-0123456789ab/"

MAST = documents.Masthead(
    commune_fr="Fès",
    commune_ar="فاس",
    province="Fès",
    regie_fr="Régie des recettes",
    regie_ar="وكالة المداخيل",
    arrete="3/2026",
)
Q = documents.QuittanceData(
    exercice=2026,
    series="A",
    number=12,
    day=dt.date(2026, 3, 12),
    issued_at=dt.datetime(2026, 3, 12, 10, 32, tzinfo=TZ),
    payer="مقهى الأطلس",
    rc="12345",
    ice="001234567000089",
    tax_code="ODP",
    tax_fr="Occupation du domaine public",
    tax_ar="احتلال الملك العمومي",
    base_kind="m2",
    budget_line="10.20.31",
    budget_label_fr="Occupation temporaire",
    period="T1 2026",
    base=Decimal("12.5"),
    rate=Decimal("70"),
    principal_dh=Decimal("875.00"),
    penalties_dh=Decimal("359.50"),
    amount_dh=Decimal("1234.50"),
    payment_method="cash",
    agent="Karim Agent",
    code="2026-A-12-0123456789ab",
    verify_url=URL,
)
CANCELLED = documents.QuittanceData(
    **{
        **{f: getattr(Q, f) for f in Q.__dataclass_fields__},
        "cancelled": True,
        "cancelled_on": dt.date(2026, 3, 13),
        "cancel_reason": "erreur de montant",
    }
)
PAYERS = ["Café Atlas SARL", "محمد العلوي", "Hôtel Les Mérinides", "فاطمة الزهراء بناني", "Taxi 1234-A"]
TAXES = [("ODP", "10.20.31"), ("LEGALISATION", "401"), ("TNB", "10.20.11")]


def releve(n: int, cancelled_every: int = 37) -> documents.ReleveData:
    items = []
    for i in range(1, n + 1):
        amount = Decimal(1000 + i * 37) / 100
        cancelled = i % cancelled_every == 0
        tax, line = TAXES[i % 3]
        items.append(
            documents.ReleveItem(
                exercice=2026,
                series="A",
                number=i,
                time="10:32",
                payer=PAYERS[i % 5],
                tax_code=tax,
                budget_line=line,
                amount_dh=amount,
                net_dh=Decimal("0") if cancelled else amount,
                cancelled=cancelled,
            )
        )
    net = sum((it.net_dh for it in items), Decimal("0"))
    return documents.ReleveData(
        exercice=2026,
        number=7,
        day=dt.date(2026, 3, 12),
        level="agent",
        agent="Karim Agent",
        closed_by="Régisseur Principal",
        closed_at=dt.datetime(2026, 3, 12, 18, 0, tzinfo=TZ),
        expected_dh=net,
        counted_dh=net,
        difference_dh=Decimal("0"),
        items=items,
    )


ORDRE = documents.OrdreData(
    exercice=2026,
    number=3,
    kind="collective",
    tax_code="ODP",
    tax_fr="Occupation du domaine public",
    tax_ar="احتلال الملك العمومي",
    budget_line="10.20.31",
    subject="Terrasses de cafés sans autorisation",
    period="2026",
    amount_dh=Decimal("2200"),
    status="issued",
    issued_at=dt.datetime(2026, 3, 1, 9, tzinfo=TZ),
    issued_by="Régisseur Principal",
    lines=(
        documents.OrdreLineData(payer="مقهى الأطلس", identifier="RC 12345", asset="T-12", amount_dh=Decimal("1200")),
        documents.OrdreLineData(payer="Café Zitoune", identifier="CIN AB1234", asset="", amount_dh=Decimal("1000")),
    ),
)
BORDEREAU = documents.BordereauData(
    exercice=2026,
    number=1,
    status="issued",
    created_at=dt.datetime(2026, 3, 2, 9, tzinfo=TZ),
    created_by="Régisseur Principal",
    total_dh=Decimal("2350"),
    ordres=(
        documents.BordereauOrdre(
            number=3,
            kind="collective",
            tax_code="ODP",
            budget_line="10.20.31",
            subject="Terrasses",
            lines=2,
            amount_dh=Decimal("2200"),
            status="issued",
        ),
        documents.BordereauOrdre(
            number=4,
            kind="individual",
            tax_code="TRANSPORT",
            budget_line="10.20.23",
            subject="Taxi 12",
            lines=1,
            amount_dh=Decimal("150"),
            status="issued",
        ),
    ),
    by_line=(("10.20.23", Decimal("150")), ("10.20.31", Decimal("2200"))),
)
RESTES = documents.RestesData(
    exercice=2026,
    as_of=dt.date(2026, 6, 30),
    lines=(
        documents.ResteLine(
            payer="مقهى الأطلس",
            identifier="RC 12345",
            budget_line="10.20.31",
            ordres="3",
            amount_dh=Decimal("1200"),
            recovered_dh=Decimal("0"),
            remaining_dh=Decimal("1200"),
        ),
        documents.ResteLine(
            payer="Café Zitoune",
            identifier="CIN AB1234",
            budget_line="10.20.31",
            ordres="3, 5",
            amount_dh=Decimal("1500"),
            recovered_dh=Decimal("500"),
            remaining_dh=Decimal("1000"),
        ),
    ),
    total_dh=Decimal("2700"),
    remaining_dh=Decimal("2200"),
    by_line=(("10.20.31", Decimal("2200")),),
)


def dh(value: str) -> str:
    """An amount as pdftotext prints it (no-break spaces normalised)."""
    return format_dh(Decimal(value)).replace("\u00a0", " ")


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    return {
        "a5": documents.render_quittance(masthead=MAST, q=Q, layout="a5"),
        "ticket": documents.render_quittance(masthead=MAST, q=Q, layout="ticket"),
        "cancelled": documents.render_quittance(masthead=MAST, q=CANCELLED, layout="a5"),
        "ordre": documents.render_ordre(masthead=MAST, ordre=ORDRE),
        "bordereau": documents.render_bordereau(masthead=MAST, bordereau=BORDEREAU),
        "restes": documents.render_restes(masthead=MAST, restes=RESTES),
        "releve": documents.render_releve(masthead=MAST, releve=releve(140), parallel=True),
        "releve_seq": documents.render_releve(masthead=MAST, releve=releve(140), parallel=False),
    }


# ------------------------------------------------------------------------------------------------ quittance


def test_quittance_a5_in_french_and_arabic(pdfs: dict[str, bytes]) -> None:
    plain = text(pdfs["a5"])
    assert pages(pdfs["a5"]) == 1 and "419.528 x 595.276 pts" in info(pdfs["a5"])
    for expected in (
        "ROYAUME DU MAROC",
        "Commune de Fès",
        "Régie des recettes",
        "المملكة المغربية",
        "جماعة فاس",
        "وكالة المداخيل",
        "QUITTANCE",
        "وصل أداء",
        "N° 2026/A/000012",
        "12/03/2026 10:32",
        "مقهى الأطلس",
        "RC 12345 · ICE 001234567000089",
        "Occupation du domaine public (ODP)",
        "احتلال الملك العمومي",
        "10.20.31 — Occupation temporaire",
        "T1 2026",
        "12,50 m² × 70 = 875,00 DH",
        "359,50 DH",
        "1 234,50 DH",
        "mille deux cent trente-quatre dirhams et cinquante centimes",
        "ألف ومائتان وأربعة وثلاثون درهما وخمسون سنتيما",
        "Espèces",
        "نقدا",
        "Karim Agent",
        "2026-A-12-0123456789ab",
        URL,
    ):
        assert expected in plain, expected
    assert "ANNULÉE" not in plain and "ملغاة" not in plain


def test_cancelled_quittance_is_stamped(pdfs: dict[str, bytes]) -> None:
    plain = text(pdfs["cancelled"])
    assert "ANNULÉE" in plain and "ملغاة" in plain and "le 13/03/2026 — erreur de montant" in plain


def test_ticket_is_58_mm_wide_and_cut_to_its_content(pdfs: dict[str, bytes]) -> None:
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info(pdfs["ticket"]))
    assert size is not None
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in size.groups())
    assert round(width_mm) == 58 and 80 < height_mm < 250, (width_mm, height_mm)
    plain = text(pdfs["ticket"])
    for expected in (
        "QUITTANCE N° 2026/A/000012",
        "وصل أداء",
        "جماعة فاس",
        "1 234,50 DH",
        "mille deux cent trente-quatre dirhams et cinquante centimes",
        "ألف ومائتان وأربعة وثلاثون درهما وخمسون سنتيما",
        "2026-A-12-0123456789ab",
    ):
        assert expected in plain, expected


@pytest.mark.parametrize("kind", ["a5", "ticket"])
def test_quittance_qr_decodes_to_the_verify_url(kind: str, pdfs: dict[str, bytes], tmp_path: Path) -> None:
    assert qr(pdfs[kind], tmp_path) == URL


def test_arabic_font_embedded(pdfs: dict[str, bytes]) -> None:
    for kind in ("a5", "ticket", "releve", "ordre"):
        out = subprocess.run([tool("pdffonts"), "-"], input=pdfs[kind], capture_output=True, check=True)
        lines = out.stdout.decode().splitlines()
        arabic = [line for line in lines if re.search(r"Noto-?Naskh-?Arabic|Amiri", line)]
        assert arabic and all(line.split()[-5] == "yes" for line in arabic), (kind, lines)
        assert not any("DejaVu" in line or "Kacst" in line for line in lines), lines
    assert not re.search("[\u0660-\u0669]", text(pdfs["a5"]))  # Western digits


def test_quittance_embeds_one_font_family_for_both_scripts(pdfs: dict[str, bytes]) -> None:
    """Issue 17 item 11: the quittance is set in one family for Latin and Arabic (Amiri, regular and bold: two
    faces to subset, not five); its text still reads back as printed (the test above) and its QR decodes."""
    for kind in ("a5", "ticket", "cancelled"):
        out = subprocess.run([tool("pdffonts"), "-"], input=pdfs[kind], capture_output=True, check=True)
        faces = {line.split()[0].split("+")[-1] for line in out.stdout.decode().splitlines()[2:] if line.strip()}
        assert faces and faces <= {"Amiri", "Amiri-Bold"}, (kind, faces)


# ---------------------------------------------------------------------------------------------------- relevé


def test_releve_lists_every_quittance_once_with_page_totals(pdfs: dict[str, bytes]) -> None:
    data = releve(140)
    pdf = pdfs["releve"]
    n = pages(pdf)
    layout = text(pdf, layout=True)
    numbers = [int(m) for m in re.findall(r"^\d+ A/(\d{6}) 10:32 ", layout, re.M)]
    assert numbers == list(range(1, 141))
    cancelled = [it for it in data.items if it.cancelled]
    assert len(re.findall(r" ANNULÉE", layout)) == len(cancelled) == 3
    assert layout.count("- contre-passation") == 3
    for it in cancelled:
        assert f"-{dh(str(it.amount_dh))}" in layout
    # Page totals: brought forward, the page, carried forward; pages numbered i / n in advance.
    lines = [(it.amount_dh, [it.net_dh - it.amount_dh] if it.cancelled else []) for it in data.items]
    flat = [a for amount, entry in lines for a in (amount, *entry)]
    carried = re.findall(r"À reporter ([\d ]+,\d\d)", layout)
    bounds = documents._paginate(len(flat))  # noqa: SLF001
    assert len(bounds) == n and n >= 4
    expected = []
    total = Decimal("0")
    for start, end in bounds[:-1]:
        total += sum(flat[start:end], Decimal("0"))
        expected.append(dh(str(total)))
    assert carried == expected
    for i in range(1, n + 1):
        assert f"page {i} / {n}" in layout
    net = data.expected_dh
    gross = sum((it.amount_dh for it in data.items), Decimal("0"))
    plain = text(pdf)
    assert f"Total {dh(str(net))}" in layout
    assert f"Montant brut des quittances {dh(str(gross))}" in layout
    assert amount_fr(net) in plain and amount_ar(net) in plain
    assert "Relevé nominatif des quittances" in plain and "البيان الاسمي للوصولات" in plain
    assert "Versement n° 7/2026 du 12/03/2026" in plain
    assert "محمد العلوي" in plain and "فاطمة الزهراء بناني" in plain and "Hôtel Les Mérinides" in plain
    assert "ne correspond pas" not in plain


def test_releve_rendered_in_parallel_equals_one_document(pdfs: dict[str, bytes]) -> None:
    assert pages(pdfs["releve"]) == pages(pdfs["releve_seq"])
    assert text(pdfs["releve"], layout=True) == text(pdfs["releve_seq"], layout=True)


def test_empty_releve_and_short_last_page() -> None:
    empty = documents.ReleveData(**{**{f: getattr(releve(1), f) for f in releve(1).__dataclass_fields__}, "items": []})
    layout = text(documents.render_releve(masthead=MAST, releve=empty), layout=True)
    assert "Nombre de quittances 0" in layout and "Total net versé 0,00" in layout
    # Exactly one full first page: the grand total moves to a page of its own.
    full = releve(documents.ROWS_FIRST_PAGE, cancelled_every=10_000)
    assert len(documents._paginate(documents.ROWS_FIRST_PAGE)) == 2  # noqa: SLF001
    assert pages(documents.render_releve(masthead=MAST, releve=full)) == 2


# ------------------------------------------------------------------------------- ordre, bordereau, restes


def test_ordre_de_recette(pdfs: dict[str, bytes]) -> None:
    plain = text(pdfs["ordre"])
    for expected in (
        "ORDRE DE RECETTE COLLECTIF",
        "أمر بالمداخيل جماعي",
        "N° 3 / 2026",
        "Occupation du domaine public (ODP)",
        "10.20.31",
        "Terrasses de cafés sans autorisation",
        "مقهى الأطلس",
        "Café Zitoune",
        "CIN AB1234",
        "1 200,00",
        "2 200,00",
        "deux mille deux cents dirhams",
        "ألفان ومائتا درهم",
        "Émis",
        "صادر",
    ):
        assert expected in plain, expected


def test_bordereau(pdfs: dict[str, bytes]) -> None:
    plain = text(pdfs["bordereau"])
    for expected in (
        "BORDEREAU D'ÉMISSION DES ORDRES DE RECETTE",
        "جدول إصدار الأوامر بالمداخيل",
        "N° 1 / 2026",
        "Taxi 12",
        "TRANSPORT",
        "Ligne 10.20.31",
        "2 350,00",
        "deux mille trois cent cinquante dirhams",
        "ألفان وثلاثمائة وخمسون درهما",
    ):
        assert expected in plain, expected


def test_etat_des_restes(pdfs: dict[str, bytes]) -> None:
    plain = text(pdfs["restes"])
    for expected in (
        "ÉTAT DES RESTES À RECOUVRER",
        "بيان الباقي استخلاصه",
        "Exercice 2026 — au 30/06/2026",
        "مقهى الأطلس",
        "Café Zitoune",
        "3, 5",
        "1 000,00",
        "2 200,00",
        "deux mille deux cents dirhams",
        "ألفان ومائتا درهم",
    ):
        assert expected in plain, expected


# ---------------------------------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("amount", "fr", "ar"),
    [
        ("1", "un dirham", "درهم واحد"),
        ("2", "deux dirhams", "درهمان"),
        ("0.50", "cinquante centimes", "خمسون سنتيما"),
        ("10", "dix dirhams", "عشرة دراهم"),
        ("11.01", "onze dirhams et un centime", "أحد عشر درهما وسنتيم واحد"),
        ("200", "deux cents dirhams", "مائتا درهم"),
        ("2000", "deux mille dirhams", "ألفا درهم"),
        ("875", "huit cent soixante-quinze dirhams", "ثمانمائة وخمسة وسبعون درهما"),
        ("1000000", "un million de dirhams", "مليون درهم"),
        (
            "3500000.10",
            "trois millions cinq cent mille dirhams et dix centimes",
            "ثلاثة ملايين وخمسمائة ألف درهم وعشرة سنتيمات",
        ),
    ],
)
def test_amounts_in_words(amount: str, fr: str, ar: str) -> None:
    assert amount_fr(Decimal(amount)) == fr
    assert amount_ar(Decimal(amount)) == ar


def test_amount_in_figures() -> None:
    assert format_dh(Decimal("1234567.5")) == "1\u00a0234\u00a0567,50"
    assert format_dh(Decimal("-12.3")) == "-12,30"
    with pytest.raises(ValueError):
        amount_fr(Decimal("-1"))
