"""Civil-status documents rendered to PDF and read back with poppler (pdftotext, pdffonts, pdfinfo, pdftoppm) and
zbarimg. No database: plain functions on frozen dataclasses.

pdftotext gives Arabic words in reading order, but a line mixing Arabic with figures or Latin comes out run by
run in visual order ("رسم عدد 1234" reads back as "1234 رسم عدد"): the assertions use what it actually prints.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jamaa.modules.etatcivil import calendars, words
from jamaa.modules.etatcivil.calendars import HijriDate, HijriDateError, HijriRangeError
from jamaa.modules.etatcivil.documents import (
    ActData,
    CommuneHeader,
    DocumentKind,
    DocumentKindError,
    DocumentRequest,
    NoteData,
    render_document,
    render_html,
)

TZ = ZoneInfo("Africa/Casablanca")
CODE = "K7QF-2M9X-HT4C"
URL = f"https://fes.jamaa.ma/verifier/{CODE}"

HEADER = CommuneHeader(
    name_fr="Fès",
    name_ar="فاس",
    province_fr="Fès",
    province_ar="فاس",
    region_fr="Fès-Meknès",
    region_ar="فاس مكناس",
    bureau_fr="Fès-Agdal",
    bureau_ar="فاس أكدال",
)

MARRIAGE = NoteData(
    kind="marriage",
    text_ar=(
        "تزوج المعني بالأمر بالسيدة فاطمة الزهراء بناني بمقتضى عقد زواج عدد 245 صحيفة 180 "
        "بتاريخ 12 يونيو 2048 لدى قسم قضاء الأسرة بفاس."
    ),
    text_fr=(
        "L'intéressé a épousé Mme Fatima Zahra Bennani, acte de mariage n° 245 folio 180 du 12 juin 2048, "
        "section de la justice de la famille de Fès."
    ),
    authority="قسم قضاء الأسرة بفاس",
    document_number="245/2048",
    document_date=dt.date(2048, 6, 12),
    noted_on=dt.date(2048, 6, 20),
)
RECTIFICATION = NoteData(
    kind="rectification",
    text_ar="صحح الاسم العائلي بالحروف اللاتينية ليقرأ EL ALAOUI عوض ALAOUI بناء على مقرر السيد وكيل الملك.",
    text_fr=(
        "Le nom de famille en caractères latins est rectifié pour se lire EL ALAOUI au lieu de ALAOUI, "
        "sur décision du procureur du Roi."
    ),
    authority="Procureur du Roi près le tribunal de première instance de Fès",
    document_number="R-118/2025",
    document_date=dt.date(2025, 2, 3),
    noted_on=dt.date(2025, 2, 10),
)

BIRTH = ActData(
    kind="birth",
    number=1234,
    year=2024,
    bureau_code="FES-AGD",
    drawn_up_on=dt.date(2024, 3, 18),
    event_date=dt.date(2024, 3, 15),
    event_time=dt.time(10, 30),
    place_ar="فاس",
    place_fr="Fès",
    sex="M",
    given_name_ar="يوسف",
    family_name_ar="العلوي",
    given_name_fr="Youssef",
    family_name_fr="El Alaoui",
    father_name_ar="محمد بن أحمد العلوي",
    father_name_fr="Mohamed El Alaoui",
    mother_name_ar="خديجة بنت علي الفاسي",
    mother_name_fr="Khadija El Fassi",
    father_birth="1990/05/02 بفاس",
    mother_birth="12/11/1992 à Meknès",
    father_profession="أستاذ",
    mother_profession="Médecin",
    father_nationality="مغربية",
    mother_nationality="Marocaine",
    parents_address="زنقة الأطلس، أكدال، فاس",
    declarant_name="محمد العلوي",
    declarant_relationship="الأب",
    declarant_age=34,
    signed_at=dt.datetime(2024, 3, 18, 11, 5, tzinfo=TZ),
    officer_name="عبد الرحيم الإدريسي",
    notes=(MARRIAGE, RECTIFICATION),
)

DEATH = ActData(
    kind="death",
    number=87,
    year=2025,
    bureau_code="FES-AGD",
    drawn_up_on=dt.date(2025, 1, 8),
    event_date=dt.date(2025, 1, 7),
    event_time=dt.time(21, 15),
    place_ar="المستشفى الجامعي الحسن الثاني، فاس",
    place_fr="CHU Hassan II, Fès",
    sex="F",
    given_name_ar="زينب",
    family_name_ar="الفاسي",
    given_name_fr="Zineb",
    family_name_fr="El Fassi",
    father_name_ar="علي الفاسي",
    father_name_fr="Ali El Fassi",
    mother_name_ar="رقية بنيس",
    mother_name_fr="Rkia Bennis",
    deceased_birth_date=dt.date(1941, 6, 1),
    deceased_birth_place_ar="صفرو",
    deceased_birth_place_fr="Sefrou",
    declarant_name="علي بنيس",
    declarant_relationship="الابن",
    signed_at=dt.datetime(2025, 1, 8, 9, 0, tzinfo=TZ),
    officer_name="عبد الرحيم الإدريسي",
)

KINDS: tuple[DocumentKind, ...] = ("full_copy", "birth_extract", "death_extract", "personal_record")
TOOLS = {"pdftotext": "poppler-utils", "pdffonts": "poppler-utils", "pdfinfo": "poppler-utils"}
TOOLS |= {"pdftoppm": "poppler-utils", "zbarimg": "zbar-tools"}


def request(kind: DocumentKind, **changes: object) -> DocumentRequest:
    values: dict[str, object] = {
        "kind": kind,
        "verification_code": CODE,
        "verify_url": URL,
        "issued_at": dt.datetime(2050, 5, 20, 10, 5, tzinfo=TZ),
        "officer_name": "عبد الرحيم الإدريسي",
        "requester_name": "Youssef El Alaoui",
        "requester_capacity": "l'intéressé",
    }
    values.update(changes)
    return DocumentRequest(**values)  # type: ignore[arg-type]


def act_for(kind: DocumentKind) -> ActData:
    return DEATH if kind == "death_extract" else BIRTH


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is required for the PDF checks: apt-get install {TOOLS[name]}"
    return path


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdftotext(pdf: bytes, *, layout: bool) -> str:
    """pdftotext's output without its bidi embedding marks, whitespace runs collapsed to one space per line."""
    args = [tool("pdftotext"), *(["-layout"] if layout else []), "-enc", "UTF-8", "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode()
    lines = (re.sub(r"[ \t]+", " ", _BIDI_CONTROLS.sub("", line)).strip() for line in out.splitlines())
    return "\n".join(line for line in lines if line)


def flat(text: str) -> str:
    """All whitespace (line breaks included) as single spaces: a wrapped cell reads as one phrase."""
    return re.sub(r"\s+", " ", text)


def contains(plain: str, expected: str) -> bool:
    """`expected` in the flattened plain text, allowing for a line break after a hyphen: pdftotext joins
    "quarante-" + "six" at a line end into "quarantesix"."""
    pattern = r"\s+".join(re.escape(word).replace("\\-", "-?") for word in expected.split())
    return re.search(pattern, plain) is not None


def page_count(pdf: bytes) -> int:
    out = subprocess.run([tool("pdfinfo"), "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    assert match, out
    return int(match.group(1))


@pytest.fixture(scope="module")
def pdfs() -> dict[str, bytes]:
    """The four documents rendered once (full_copy of the birth act, death extract of the death act)."""
    return {kind: render_document(header=HEADER, act=act_for(kind), request=request(kind)) for kind in KINDS}


@pytest.fixture(scope="module")
def texts(pdfs: dict[str, bytes]) -> dict[str, tuple[str, str]]:
    """(layout text, plain text flattened) of each document."""
    return {kind: (pdftotext(pdf, layout=True), flat(pdftotext(pdf, layout=False))) for kind, pdf in pdfs.items()}


def arabic_runs(text: str) -> list[str]:
    """The stretches of Arabic words between figures, Latin words and punctuation: what pdftotext keeps whole."""
    runs = re.findall(r"[\u0621-\u064a]+(?:\s+[\u0621-\u064a]+)*", text)
    return [run for run in runs if run.strip()]


# ----------------------------------------------------------------------------------------------- documents


def test_every_document_is_a_pdf(pdfs: dict[str, bytes]) -> None:
    for kind, pdf in pdfs.items():
        assert pdf.startswith(b"%PDF-"), kind
    assert page_count(pdfs["birth_extract"]) == 1
    assert page_count(pdfs["death_extract"]) == 1
    assert page_count(pdfs["personal_record"]) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_header_titles_and_act_reference(kind: DocumentKind, texts: dict[str, tuple[str, str]]) -> None:
    layout, plain = texts[kind]
    titles = {
        "full_copy": ("COPIE INTÉGRALE D'ACTE DE NAISSANCE", "نسخة كاملة من رسم الولادة"),
        "birth_extract": ("EXTRAIT D'ACTE DE NAISSANCE", "نسخة موجزة من رسم الولادة"),
        "death_extract": ("EXTRAIT D'ACTE DE DÉCÈS", "نسخة موجزة من رسم الوفاة"),
        "personal_record": ("FICHE INDIVIDUELLE D'ÉTAT CIVIL", "البطاقة الشخصية للحالة المدنية"),
    }[kind]
    for expected in (
        "ROYAUME DU MAROC",
        "Ministère de l'Intérieur",
        "Préfecture ou province : Fès",
        "Commune : Fès",
        "Bureau d'état civil : Fès-Agdal",
        "المملكة المغربية",
        "وزارة الداخلية",
        "مكتب الحالة المدنية",
        "فاس أكدال",
        *titles,
    ):
        assert expected in plain, expected
    if kind == "death_extract":
        assert "Acte n° 87 — Année 2025 (1446 H)" in plain
        assert "87 رسم عدد" in plain  # "رسم عدد 87", runs in visual order
    else:
        assert "Acte n° 1234 — Année 2024 (1445 H)" in plain
        assert "1234 رسم عدد" in plain
        # French left, Arabic right, on the same line.
        assert re.search(r"Acte n° 1234 — Année 2024 \(1445 H\) .*هـ1445 م الموافق2024 — سنة1234 رسم عدد", layout)
    assert CODE in plain and URL in plain.replace(" ", "")


@pytest.mark.parametrize("kind", ["full_copy", "birth_extract", "personal_record"])
def test_birth_values_in_both_languages(kind: DocumentKind, texts: dict[str, tuple[str, str]]) -> None:
    layout, plain = texts[kind]
    # One row per field: French label, French value, Arabic value, Arabic label, left to right.
    for row in (
        r"Prénom Youssef يوسف الاسم الشخصي",
        r"Nom de famille El Alaoui العلوي الاسم العائلي",
        r"Lieu de naissance Fès فاس مكان الازدياد",
        r"Sexe Masculin ذكر الجنس",
        r"Père Mohamed El Alaoui محمد بن أحمد العلوي الأب",
        r"Mère Khadija El Fassi خديجة بنت علي الفاسي الأم",
    ):
        assert re.search(f"^{row}$", layout, re.M), row
    for expected in (
        # Gregorian and Hijri, in figures and in words, in both languages.
        "15/03/2024",
        "5 Ramadan 1445 H",
        "le quinze mars deux mille vingt-quatre",
        "le cinq Ramadan mille quatre cent quarante-cinq",
        "م15/03/2024",
        "هـ1445 رمضان5",
        "الخامس عشر من مارس سنة ألفين وأربعة وعشرين",
        "الخامس من رمضان سنة ألف وأربعمائة وخمسة وأربعين",
        "10:30",
        "dix heures trente minutes",
        "الساعة العاشرة وثلاثون دقيقة صباحا",
    ):
        assert contains(plain, expected), expected


def test_birth_extract_summarises_the_notes_and_its_validity(texts: dict[str, tuple[str, str]]) -> None:
    layout, plain = texts["birth_extract"]
    assert re.search(r"^Mentions Mariage — 12/06/2048 12/06/2048 — زواج البيانات الهامشية$", layout, re.M)
    assert re.search(r"^marginales Rectification — 03/02/2025 03/02/2025 — تصحيح$", layout, re.M)
    assert "Valable trois mois à compter de la date de délivrance." in plain
    assert "صالحة لمدة ثلاثة أشهر ابتداء من تاريخ تسليمها" in plain
    assert "Fait à Fès, le 20/05/2050 (29 Chaabane 1472 H)" in plain
    assert "le vingt mai deux mille cinquante" in plain
    assert "العشرون من ماي سنة ألفين وخمسين" in plain
    assert "Délivré à : Youssef El Alaoui (l'intéressé)" in plain
    assert "ضابط الحالة المدنية" in plain and "عبد الرحيم الإدريسي" in plain


def test_full_copy_has_every_marginal_note(texts: dict[str, tuple[str, str]]) -> None:
    _, plain = texts["full_copy"]
    assert "MENTIONS MARGINALES (2)" in plain
    assert "Mention n° 1 — Mariage" in plain and "Mention n° 2 — Rectification" in plain
    assert len(re.findall(r"Mention n° \d+ —", plain)) == 2
    assert "البيان رقم" in plain and plain.count("البيان رقم") == 2
    for note in BIRTH.notes:
        assert note.text_fr in plain
        for run in arabic_runs(note.text_ar):
            assert run in plain, run
        assert note.authority in plain
        assert f"n° {note.document_number} du {note.document_date:%d/%m/%Y}" in plain
    assert "Porté en marge le 20/06/2048 (9 Ramadan 1470 H)" in plain
    assert "Porté en marge le 10/02/2025 (11 Chaabane 1446 H)" in plain
    # The whole act: parents, declaration, signature.
    for expected in (
        "أستاذ",
        "Médecin",
        "مغربية",
        "Marocaine",
        "محمد العلوي",
        "الأب",
        *arabic_runs(BIRTH.parents_address),
    ):
        assert expected in plain, expected
    assert "Dans le délai légal de trente jours" in plain and "داخل الأجل القانوني" in plain
    assert "Acte dressé le 18/03/2024" in plain
    assert contains(plain, "le dix-huit mars deux mille vingt-quatre")
    assert "الثامن عشر من مارس سنة ألفين وأربعة وعشرين" in plain
    assert "18/03/2024 11:05" in plain


def test_full_copy_with_many_notes_misses_none() -> None:
    kinds = ["marriage", "divorce", "judgment", "name_change", "rectification", "other", "marriage", "death"]
    notes = tuple(
        NoteData(
            kind=kind,
            text_ar=f"بيان هامشي رقم {i} يتعلق بالمعني بالأمر حسب الوثيقة المدلى بها لدى مكتب الحالة المدنية",
            text_fr=f"Mention marginale numéro {i} portée au vu du document produit au bureau d'état civil.",
            authority="المحكمة الابتدائية بفاس",
            document_number=f"{100 + i}/2030",
            document_date=dt.date(2030, 1, i),
            noted_on=dt.date(2030, 2, i),
        )
        for i, kind in enumerate(kinds, start=1)
    )
    act = ActData(**{**{f: getattr(BIRTH, f) for f in BIRTH.__dataclass_fields__}, "notes": notes})
    pdf = render_document(header=HEADER, act=act, request=request("full_copy"))
    layout, plain = pdftotext(pdf, layout=True), flat(pdftotext(pdf, layout=False))
    assert page_count(pdf) >= 3
    # Layout mode keeps the page order (plain mode may move a block across a page break); pdftotext sets the
    # closing parenthesis of a mixed French/Arabic line on the wrong side: "(8)" reads back as ")… (8".
    assert f"MENTIONS MARGINALES ({len(notes)}" in layout
    numbers = [int(n) for n in re.findall(r"^Mention n° (\d+) — .* البيان رقم — (?:\1)", layout, re.M)]
    assert numbers == list(range(1, len(notes) + 1))
    for i, note in enumerate(notes, start=1):
        assert note.text_fr in plain, i
        assert f"n° {note.document_number} du {note.document_date:%d/%m/%Y}" in plain, i
    assert plain.count("يتعلق بالمعني بالأمر حسب الوثيقة المدلى بها لدى مكتب الحالة المدنية") == len(notes)
    # The verification code is on every page.
    assert pdftotext(pdf, layout=True).count(f"Code de vérification : {CODE}") == page_count(pdf)


def test_full_copy_without_notes_says_so() -> None:
    act = ActData(**{**{f: getattr(BIRTH, f) for f in BIRTH.__dataclass_fields__}, "notes": ()})
    plain = flat(pdftotext(render_document(header=HEADER, act=act, request=request("full_copy")), layout=False))
    assert "MENTIONS MARGINALES (0)" in plain and "Néant" in plain and "لا شيء" in plain


def test_death_extract(texts: dict[str, tuple[str, str]]) -> None:
    layout, plain = texts["death_extract"]
    for row in (
        r"Prénom Zineb زينب الاسم الشخصي",
        r"Nom de famille El Fassi الفاسي الاسم العائلي",
        r"Sexe Féminin أنثى الجنس",
        # The Arabic comma splits the value into runs that pdftotext lays out in visual order.
        r"Lieu du décès CHU Hassan II, Fès فاس،المستشفى الجامعي الحسن الثاني مكان الوفاة",
        r"Père Ali El Fassi علي الفاسي الأب",
        r"Mère Rkia Bennis رقية بنيس الأم",
    ):
        assert re.search(f"^{row}$", layout, re.M), row
    for expected in (
        "07/01/2025",
        "7 Rajab 1446 H",
        "le sept janvier deux mille vingt-cinq",
        "le sept Rajab mille quatre cent quarante-six",
        "السابع من يناير سنة ألفين وخمسة وعشرين",
        "السابع من رجب سنة ألف وأربعمائة وستة وأربعين",
        "21:15",
        "vingt et une heures quinze minutes",
        "الساعة التاسعة وخمس عشرة دقيقة ليلا",
        "le premier juin mille neuf cent quarante et un",
        "الأول من يونيو سنة ألف وتسعمائة وواحد وأربعين",
        "Néant",
    ):
        assert contains(plain, expected), expected


def test_personal_record(texts: dict[str, tuple[str, str]]) -> None:
    _, plain = texts["personal_record"]
    assert "Établie au vu de l'acte de naissance de Youssef El Alaoui." in plain
    assert "حررت بناء على رسم ولادة يوسف العلوي" in plain
    assert "Mariage — 12/06/2048" in plain and "Rectification — 03/02/2025" in plain


@pytest.mark.parametrize(
    ("kind", "act"),
    [("death_extract", BIRTH), ("birth_extract", DEATH), ("personal_record", DEATH)],
)
def test_document_that_does_not_fit_the_act_is_refused(kind: DocumentKind, act: ActData) -> None:
    for render in (render_document, render_html):
        with pytest.raises(DocumentKindError, match=f"{kind} cannot be issued from a {act.kind} act"):
            render(header=HEADER, act=act, request=request(kind))
    assert issubclass(DocumentKindError, ValueError)


def test_unknown_document_kind_is_refused() -> None:
    with pytest.raises(DocumentKindError, match="unknown document kind 'livret'"):
        render_html(header=HEADER, act=BIRTH, request=request("livret"))  # type: ignore[arg-type]


def test_full_copy_of_a_death_act() -> None:
    pdf = render_document(header=HEADER, act=DEATH, request=request("full_copy"))
    plain = flat(pdftotext(pdf, layout=False))
    assert "COPIE INTÉGRALE D'ACTE DE DÉCÈS" in plain and "نسخة كاملة من رسم الوفاة" in plain
    assert "MENTIONS MARGINALES (0)" in plain


def test_act_outside_the_hijri_range_prints_the_gregorian_date_only() -> None:
    old = ActData(
        kind="birth",
        number=12,
        year=1921,
        bureau_code="FES-MED",
        drawn_up_on=dt.date(1921, 4, 2),
        event_date=dt.date(1921, 3, 30),
        given_name_ar="إدريس",
        family_name_ar="التازي",
    )
    plain = flat(pdftotext(render_document(header=HEADER, act=old, request=request("birth_extract")), layout=False))
    assert "Acte n° 12 — Année 1921" in plain and "(1921" not in plain
    assert "30/03/1921" in plain and "le trente mars mille neuf cent vingt et un" in plain
    assert "الثلاثون من مارس سنة ألف وتسعمائة وواحد وعشرين" in plain
    assert " H" not in plain.split("Date de")[1].split("Lieu")[0]


def test_recorded_hijri_date_governs() -> None:
    """Moroccan moon sighting: the Hijri date written in the act is printed as written, not recomputed."""
    act = ActData(**{**{f: getattr(BIRTH, f) for f in BIRTH.__dataclass_fields__}, "event_hijri": "4 رمضان 1445"})
    html = render_html(header=HEADER, act=act, request=request("birth_extract"))
    assert "4 رمضان 1445" in html and "5 Ramadan 1445 H" not in html


def test_values_are_escaped() -> None:
    act = ActData(**{**{f: getattr(BIRTH, f) for f in BIRTH.__dataclass_fields__}, "given_name_fr": "<b>Y</b> & Co"})
    html = render_html(header=HEADER, act=act, request=request("birth_extract"))
    assert "&lt;b&gt;Y&lt;/b&gt; &amp; Co" in html and "<b>Y</b>" not in html


def test_arabic_font_embedded_with_western_digits(pdfs: dict[str, bytes]) -> None:
    for kind, pdf in pdfs.items():
        out = subprocess.run([tool("pdffonts"), "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        arabic = [line for line in out.splitlines() if re.search(r"Noto-?Naskh-?Arabic|Amiri", line)]
        assert arabic, f"{kind}: no Arabic font embedded\n{out}"
        assert all(line.split()[-5] == "yes" for line in arabic), out  # the "emb" column
        assert "Kacst" not in out and "DejaVu" not in out, out
    plain = texts_of(pdfs["birth_extract"])
    assert "١" not in plain and "٢" not in plain  # digits stay Western


def texts_of(pdf: bytes) -> str:
    return flat(pdftotext(pdf, layout=False))


@pytest.mark.parametrize("kind", ["birth_extract", "death_extract", "personal_record", "full_copy"])
def test_qr_code_decodes_to_the_verify_url(kind: DocumentKind, pdfs: dict[str, bytes], tmp_path: Path) -> None:
    pdf = pdfs[kind]
    last = page_count(pdf)  # the QR code sits with the signature, on the last page (page 1 of an extract)
    subprocess.run(
        [tool("pdftoppm"), "-r", "150", "-png", "-f", str(last), "-l", str(last), "-", str(tmp_path / "page")],
        input=pdf,
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    out = subprocess.run([tool("zbarimg"), "--quiet", "--raw", str(png)], capture_output=True, check=True).stdout
    assert out.decode().strip() == URL


def test_warm_render_reuses_one_weasyprint() -> None:
    from jamaa.platform.kernel import documents

    render_document(header=HEADER, act=BIRTH, request=request("birth_extract"))
    first = documents.weasyprint()
    render_document(header=HEADER, act=BIRTH, request=request("birth_extract"))
    assert documents.weasyprint() is first


# ----------------------------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    ("day", "fr", "ar"),
    [
        (dt.date(2024, 3, 15), "le quinze mars deux mille vingt-quatre", "الخامس عشر من مارس سنة ألفين وأربعة وعشرين"),
        (dt.date(2021, 1, 1), "le premier janvier deux mille vingt et un", "الأول من يناير سنة ألفين وواحد وعشرين"),
        (
            dt.date(1999, 8, 31),
            "le trente et un août mille neuf cent quatre-vingt-dix-neuf",
            "الحادي والثلاثون من غشت سنة ألف وتسعمائة وتسعة وتسعين",
        ),
        (dt.date(2000, 7, 20), "le vingt juillet deux mille", "العشرون من يوليوز سنة ألفين"),
        (
            dt.date(1962, 12, 12),
            "le douze décembre mille neuf cent soixante-deux",
            "الثاني عشر من دجنبر سنة ألف وتسعمائة واثنين وستين",
        ),
    ],
)
def test_dates_in_words(day: dt.date, fr: str, ar: str) -> None:
    assert words.date_fr(day) == fr
    assert words.date_ar(day) == ar


def test_hijri_dates_in_words() -> None:
    h = HijriDate(1445, 9, 5)
    assert words.hijri_fr(h) == "le cinq Ramadan mille quatre cent quarante-cinq"
    assert words.hijri_ar(h) == "الخامس من رمضان سنة ألف وأربعمائة وخمسة وأربعين"
    assert words.hijri_ar(HijriDate(1446, 12, 30)) == "الثلاثون من ذو الحجة سنة ألف وأربعمائة وستة وأربعين"


@pytest.mark.parametrize(
    ("n", "nominative", "genitive"),
    [
        (0, "صفر", "صفر"),
        (2, "اثنان", "اثنين"),
        (11, "أحد عشر", "أحد عشر"),
        (12, "اثنا عشر", "اثني عشر"),
        (20, "عشرون", "عشرين"),
        (21, "واحد وعشرون", "واحد وعشرين"),
        (100, "مائة", "مائة"),
        (200, "مائتان", "مائتين"),
        (1000, "ألف", "ألف"),
        (2000, "ألفان", "ألفين"),
        (3000, "ثلاثة آلاف", "ثلاثة آلاف"),
        (11000, "أحد عشر ألفا", "أحد عشر ألفا"),
        (100000, "مائة ألف", "مائة ألف"),
        (1445, "ألف وأربعمائة وخمسة وأربعون", "ألف وأربعمائة وخمسة وأربعين"),
        (2024, "ألفان وأربعة وعشرون", "ألفين وأربعة وعشرين"),
    ],
)
def test_arabic_numbers(n: int, nominative: str, genitive: str) -> None:
    assert words.number_ar(n) == nominative
    assert words.number_ar(n, case="genitive") == genitive


@pytest.mark.parametrize("bad", [-1, 1_000_000])
def test_arabic_numbers_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError):
        words.number_ar(bad)


def test_french_numbers() -> None:
    assert words.number_fr(80) == "quatre-vingts"
    assert words.number_fr(71) == "soixante et onze"
    assert words.number_fr(1445) == "mille quatre cent quarante-cinq"
    with pytest.raises(ValueError):
        words.number_fr(-3)


def test_day_ordinals() -> None:
    ordinals = [words.day_ordinal_ar(d) for d in range(1, 32)]
    assert len(set(ordinals)) == 31
    assert ordinals[0] == "الأول" and ordinals[10] == "الحادي عشر" and ordinals[19] == "العشرون"
    assert ordinals[20] == "الحادي والعشرون" and ordinals[30] == "الحادي والثلاثون"
    for bad in (0, 32):
        with pytest.raises(ValueError):
            words.day_ordinal_ar(bad)


@pytest.mark.parametrize(
    ("moment", "fr", "ar"),
    [
        (dt.time(10, 30), "dix heures trente minutes", "الساعة العاشرة وثلاثون دقيقة صباحا"),
        (dt.time(0, 0), "zéro heure", "الساعة الثانية عشرة ليلا"),
        (dt.time(1, 1), "une heure une minute", "الساعة الواحدة ودقيقة واحدة ليلا"),
        (dt.time(21, 21), "vingt et une heures vingt et une minutes", "الساعة التاسعة وإحدى وعشرون دقيقة ليلا"),
        (dt.time(14, 5), "quatorze heures cinq minutes", "الساعة الثانية وخمس دقائق بعد الزوال"),
        (dt.time(19, 12), "dix-neuf heures douze minutes", "الساعة السابعة واثنتا عشرة دقيقة مساء"),
    ],
)
def test_times_in_words(moment: dt.time, fr: str, ar: str) -> None:
    assert words.time_fr(moment) == fr
    assert words.time_ar(moment) == ar


# ----------------------------------------------------------------------------------------------- calendars


def test_known_hijri_dates() -> None:
    assert calendars.to_hijri(dt.date(2024, 3, 15)) == HijriDate(1445, 9, 5)  # 5 Ramadan 1445 (Umm al-Qura)
    assert calendars.from_hijri(1445, 9, 5) == dt.date(2024, 3, 15)
    assert calendars.to_hijri(dt.date(2024, 7, 7)) == HijriDate(1446, 1, 1)  # 1 Muharram 1446
    assert calendars.to_hijri(dt.datetime(2024, 3, 15, 23, 0, tzinfo=TZ)) == HijriDate(1445, 9, 5)
    h = calendars.to_hijri(dt.date(2024, 3, 15))
    assert (h.month_name_ar, h.month_name_fr, h.numeric(), str(h)) == ("رمضان", "Ramadan", "05/09/1445", "1445-09-05")


def test_round_trip_over_the_whole_range() -> None:
    day = calendars.GREGORIAN_MIN
    while day <= calendars.GREGORIAN_MAX:
        h = calendars.to_hijri(day)
        assert calendars.from_hijri(h.year, h.month, h.day) == day
        day += dt.timedelta(days=97)
    assert calendars.to_hijri(calendars.GREGORIAN_MIN) == HijriDate(1343, 1, 1)
    assert calendars.to_hijri(calendars.GREGORIAN_MAX) == HijriDate(1500, 12, 30)


@pytest.mark.parametrize(
    "convert",
    [
        lambda: calendars.to_hijri(dt.date(1924, 7, 31)),
        lambda: calendars.to_hijri(dt.date(1900, 1, 1)),
        lambda: calendars.to_hijri(dt.date(2077, 11, 17)),
        lambda: calendars.from_hijri(1342, 12, 29),
        lambda: calendars.from_hijri(1501, 1, 1),
    ],
)
def test_dates_outside_the_converter_range(convert: Callable[[], object]) -> None:
    with pytest.raises(HijriRangeError, match=r"outside the Hijri converter's range 1924-08-01 – 2077-11-16"):
        convert()
    assert issubclass(HijriRangeError, ValueError)
    assert not calendars.in_range(dt.date(1924, 7, 31)) and calendars.in_range(dt.date(1924, 8, 1))


def test_invalid_hijri_date_is_not_a_range_error() -> None:
    with pytest.raises(HijriDateError, match="invalid Hijri date 1445-08-30") as info:
        calendars.from_hijri(1445, 8, 30)  # Shaaban 1445 has 29 days
    assert not isinstance(info.value, HijriRangeError)
