"""Official civil-status documents as PDF: copie intégrale, birth and death extracts, fiche individuelle.

A pure rendering layer: the service layer reads the act, its marginal notes and the commune from the database,
checks the requester's right and logs the issue, then fills the frozen dataclasses below and calls
`render_document`. Nothing here touches the database or checks permissions.

Layout (templates in templates/etatcivil/documents/): A4, French on the left and Arabic right-to-left on the
right of every row; dates in the Gregorian and Hijri calendars, in figures and written out in both languages;
act number and year; a verification code and a QR code to the verification URL on every document.

Fonts (Debian fonts-noto-core, fonts-hosny-amiri): Noto Serif for French, first because it has no Arabic glyphs;
Noto Naskh Arabic, then Amiri, for Arabic; both keep Western digits. Arabic optional ligatures are off ("liga" 0)
so that the text read back from the PDF (copy-paste, pdftotext, screen readers) is the text printed: WeasyPrint
maps each glyph to one string, and Amiri's ligatures lost letters (الداخلية) while Noto's turned الله into اهلل.

The plumbing is the kernel's (`jamaa.platform.kernel.documents`): WeasyPrint imported once per process with one
shared FontConfiguration (a warm one-page extract renders in ~0.4 s here), the QR code, `is_arabic` and the
commune masthead (`kernel/documents/masthead.html`, its "table" style). The layouts stay here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Final, Literal

from django.template.loader import get_template
from django.utils import timezone

from jamaa.platform.kernel.documents import CommuneMasthead, is_arabic, isolate, qr_data_uri, render_pdf

from . import words
from .calendars import HijriDateError, to_hijri

__all__ = [
    "ActData",
    "CommuneHeader",
    "DocumentKind",
    "DocumentKindError",
    "DocumentRequest",
    "NoteData",
    "render_document",
    "render_html",
]

DocumentKind = Literal["full_copy", "birth_extract", "death_extract", "personal_record"]
ActKind = Literal["birth", "death"]

# --------------------------------------------------------------------------------------------- input data


@dataclass(frozen=True, slots=True, kw_only=True)
class CommuneHeader:
    """The issuing commune and bureau, in both languages (bare names: the labels are the template's)."""

    name_fr: str
    name_ar: str
    province_fr: str
    province_ar: str
    region_fr: str = ""
    region_ar: str = ""
    bureau_fr: str
    bureau_ar: str

    @property
    def masthead(self) -> CommuneMasthead:
        """The kernel's commune masthead for this header (the bureau as the issuing office)."""
        return CommuneMasthead(
            commune_fr=self.name_fr,
            commune_ar=self.name_ar,
            province_fr=self.province_fr,
            province_ar=self.province_ar,
            region_fr=self.region_fr,
            region_ar=self.region_ar,
            office_fr=self.bureau_fr,
            office_ar=self.bureau_ar,
            office_label_fr="Bureau d'état civil : ",
            office_label_ar="مكتب الحالة المدنية: ",
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class NoteData:
    """One marginal note (kind: marriage, divorce, death, rectification, name_change, judgment, father_name…)."""

    kind: str
    text_ar: str
    text_fr: str = ""
    authority: str
    document_number: str
    document_date: datetime.date | None  # None: an imported note whose source had no document
    noted_on: datetime.date


@dataclass(frozen=True, slots=True, kw_only=True)
class ActData:
    """A signed birth or death act as it stands in the register. Free-text fields are printed as given.

    `event_hijri` / `drawn_up_hijri`: the Hijri date as recorded in the act (Morocco sights the moon, so it may
    differ from Umm al-Qura by a day or two); when given it is printed verbatim instead of the computed one.
    For a death act the names are the deceased's; `deceased_birth_*` and `birth_act_reference` come from the
    linked birth act when there is one.
    """

    kind: ActKind
    number: int
    year: int
    bureau_code: str
    drawn_up_on: datetime.date | None
    event_date: datetime.date | None
    event_time: datetime.time | None = None
    place_ar: str = ""
    place_fr: str = ""
    sex: Literal["M", "F", ""] = ""
    given_name_ar: str
    family_name_ar: str
    given_name_fr: str = ""
    family_name_fr: str = ""
    father_name_ar: str = ""
    father_name_fr: str = ""
    mother_name_ar: str = ""
    mother_name_fr: str = ""
    father_birth: str = ""
    mother_birth: str = ""
    father_profession: str = ""
    mother_profession: str = ""
    father_nationality: str = ""
    mother_nationality: str = ""
    parents_address: str = ""
    grandfathers: str = ""
    declarant_name: str = ""
    declarant_age: int | None = None
    declarant_profession: str = ""
    declarant_address: str = ""
    declarant_relationship: str = ""
    declaration_type: Literal["on_time", "judgment"] = "on_time"
    judgment_court: str = ""
    judgment_number: str = ""
    judgment_date: datetime.date | None = None
    signed_at: datetime.datetime | None = None
    officer_name: str = ""
    event_hijri: str = ""
    drawn_up_hijri: str = ""
    deceased_birth_date: datetime.date | None = None
    deceased_birth_place_ar: str = ""
    deceased_birth_place_fr: str = ""
    birth_act_reference: str = ""
    notes: tuple[NoteData, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentRequest:
    kind: DocumentKind
    verification_code: str
    verify_url: str
    issued_at: datetime.datetime
    officer_name: str
    requester_name: str
    requester_capacity: str = ""


class DocumentKindError(ValueError):
    """The document asked for does not exist for this act (a death extract of a birth act, and so on)."""


# Which acts each document can be drawn from.
_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "full_copy": frozenset({"birth", "death"}),
    "birth_extract": frozenset({"birth"}),
    "death_extract": frozenset({"death"}),
    "personal_record": frozenset({"birth"}),
}

_TITLES: Final[dict[tuple[str, str], tuple[str, str]]] = {
    ("full_copy", "birth"): ("Copie intégrale d'acte de naissance", "نسخة كاملة من رسم الولادة"),
    ("full_copy", "death"): ("Copie intégrale d'acte de décès", "نسخة كاملة من رسم الوفاة"),
    ("birth_extract", "birth"): ("Extrait d'acte de naissance", "نسخة موجزة من رسم الولادة"),
    ("death_extract", "death"): ("Extrait d'acte de décès", "نسخة موجزة من رسم الوفاة"),
    ("personal_record", "birth"): ("Fiche individuelle d'état civil", "البطاقة الشخصية للحالة المدنية"),
}

NOTE_KINDS: Final[dict[str, tuple[str, str]]] = {
    "marriage": ("Mariage", "زواج"),
    "divorce": ("Divorce", "طلاق"),
    "death": ("Décès", "وفاة"),
    "rectification": ("Rectification", "تصحيح"),
    "name_change": ("Changement de nom", "تغيير الاسم"),
    "judgment": ("Jugement", "حكم قضائي"),
    "father_name": ("Choix du prénom du père", "اختيار الاسم الشخصي للأب"),
    "other": ("Autre mention", "بيان آخر"),
}


def document_title(kind: str, act_kind: str) -> tuple[str, str]:
    """The document's title in French and Arabic ("Extrait d'acte de naissance", …)."""
    return _TITLES[(kind, act_kind)]


_SEX: Final[dict[str, tuple[str, str]]] = {"M": ("Masculin", "ذكر"), "F": ("Féminin", "أنثى")}

_DASH: Final = "—"

# ------------------------------------------------------------------------------------------- view models


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    minor: bool = False  # the written-out form, printed smaller under the figures


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a bilingual table: French label | French value | Arabic value | Arabic label.

    A value known in one script only (a profession, an address, a name keyed once) is `single`: it spans both
    value cells, right-to-left when it is Arabic.
    """

    label_fr: str
    label_ar: str
    fr: tuple[Line, ...] = ()
    ar: tuple[Line, ...] = ()
    single: str = ""
    strong: bool = False

    @property
    def single_is_arabic(self) -> bool:
        return is_arabic(self.single)


@dataclass(frozen=True, slots=True)
class Section:
    title_fr: str
    title_ar: str
    rows: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class NoteView:
    index: int
    kind_fr: str
    kind_ar: str
    text_fr: str
    text_ar: str
    rows: tuple[Row, ...]  # authority, authorising document, date noted


def _or_dash(text: str) -> str:
    return text.strip() or _DASH


def _numeric(day: datetime.date | None) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else _DASH


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _hijri(day: datetime.date) -> tuple[str, str, str, str] | None:
    """(figures fr, words fr, figures ar, words ar) of the Hijri date, or None outside the converter's range."""
    try:
        h = to_hijri(day)
    except HijriDateError:
        return None
    return (
        f"{h.day} {h.month_name_fr} {h.year} H",
        words.hijri_fr(h),
        f"{h.day} {h.month_name_ar} {h.year} هـ",
        words.hijri_ar(h),
    )


def _date_row(label_fr: str, label_ar: str, day: datetime.date | None, recorded_hijri: str = "") -> Row:
    """A date in figures and words, Gregorian then Hijri, in both languages."""
    if day is None:
        return Row(label_fr, label_ar, single=_DASH)
    fr = [Line(_numeric(day)), Line(words.date_fr(day), minor=True)]
    ar = [Line(_numeric(day) + " م"), Line(words.date_ar(day), minor=True)]
    if recorded_hijri.strip():
        fr.append(Line(f"{recorded_hijri.strip()} (hégire)"))
        ar.append(Line(recorded_hijri.strip()))
    elif (h := _hijri(day)) is not None:
        fr += [Line(h[0]), Line(h[1], minor=True)]
        ar += [Line(h[2]), Line(h[3], minor=True)]
    return Row(label_fr, label_ar, tuple(fr), tuple(ar))


def _time_row(label_fr: str, label_ar: str, moment: datetime.time | None) -> Row | None:
    if moment is None:
        return None
    figures = f"{moment.hour:02d}:{moment.minute:02d}"
    return Row(
        label_fr,
        label_ar,
        (Line(figures), Line(words.time_fr(moment), minor=True)),
        (Line(figures), Line(words.time_ar(moment), minor=True)),
    )


def _pair(label_fr: str, label_ar: str, fr: str, ar: str, *, strong: bool = False) -> Row:
    """A value given in both scripts; one missing side is left as a dash, both missing gives one dash."""
    if not fr.strip() and not ar.strip():
        return Row(label_fr, label_ar, single=_DASH)
    return Row(label_fr, label_ar, (Line(_or_dash(fr)),), (Line(_or_dash(ar)),), strong=strong)


def _single(label_fr: str, label_ar: str, value: str | int | None) -> Row:
    text = "" if value is None else str(value)
    return Row(label_fr, label_ar, single=_or_dash(text))


def _moment_row(label_fr: str, label_ar: str, moment: datetime.datetime | None) -> Row:
    if moment is None:
        return Row(label_fr, label_ar, single=_DASH)
    local = _local(moment)
    text = f"{_numeric(local.date())} {local:%H:%M}"
    return Row(label_fr, label_ar, (Line(text),), (Line(text),))


def _rows(*rows: Row | None) -> tuple[Row, ...]:
    return tuple(r for r in rows if r is not None)


def _full_name(given: str, family: str) -> str:
    return " ".join(p for p in (given.strip(), family.strip()) if p)


def _note_view(index: int, note: NoteData) -> NoteView:
    kind_fr, kind_ar = NOTE_KINDS.get(note.kind, (note.kind, note.kind))
    h = _hijri(note.noted_on)
    noted_fr = _numeric(note.noted_on) + (f" ({h[0]})" if h else "")
    noted_ar = _numeric(note.noted_on) + (f" م الموافق {h[2]}" if h else "")
    return NoteView(
        index=index,
        kind_fr=kind_fr,
        kind_ar=kind_ar,
        text_fr=note.text_fr.strip(),
        text_ar=note.text_ar.strip(),
        rows=(
            _single("Autorité", "الجهة", note.authority),
            _pair(
                "Document",
                "الوثيقة",
                f"n° {_or_dash(note.document_number)} du {_numeric(note.document_date)}",
                f"عدد {_or_dash(note.document_number)} بتاريخ {_numeric(note.document_date)}",
            ),
            _pair("Porté en marge le", "أشر به بتاريخ", noted_fr, noted_ar),
        ),
    )


def _notes_summary(act: ActData) -> Row:
    """On extracts: each note's kind and date; the texts are on the copie intégrale."""
    if not act.notes:
        return Row("Mentions marginales", "البيانات الهامشية", (Line("Néant"),), (Line("لا شيء"),))
    fr = tuple(Line(f"{NOTE_KINDS.get(n.kind, (n.kind, ''))[0]} — {_numeric(n.document_date)}") for n in act.notes)
    ar = tuple(Line(f"{NOTE_KINDS.get(n.kind, ('', n.kind))[1]} — {_numeric(n.document_date)}") for n in act.notes)
    return Row("Mentions marginales", "البيانات الهامشية", fr, ar)


# ------------------------------------------------------------------------------------------------ sections


def _reference_rows(act: ActData, header: CommuneHeader) -> tuple[Row, ...]:
    register_fr = "Naissances" if act.kind == "birth" else "Décès"
    register_ar = "الولادات" if act.kind == "birth" else "الوفيات"
    return _rows(
        _pair("Acte n°", "رسم عدد", str(act.number), str(act.number), strong=True),
        _pair("Année", "السنة", _year_fr(act), _year_ar(act), strong=True),
        _pair("Registre", "السجل", f"{register_fr} {act.year}", f"{register_ar} {act.year}"),
        _pair(
            "Bureau",
            "المكتب",
            f"{header.bureau_fr} ({act.bureau_code})",
            f"{header.bureau_ar} ({act.bureau_code})",
        ),
        _date_row("Acte dressé le", "حرر بتاريخ", act.drawn_up_on, act.drawn_up_hijri),
    )


def _identity_rows(act: ActData) -> tuple[Row, ...]:
    return (
        _pair("Prénom", "الاسم الشخصي", act.given_name_fr, act.given_name_ar, strong=True),
        _pair("Nom de famille", "الاسم العائلي", act.family_name_fr, act.family_name_ar, strong=True),
    )


def _sex_row(act: ActData) -> Row:
    fr, ar = _SEX.get(act.sex, ("", ""))
    return _pair("Sexe", "الجنس", fr, ar)


def _birth_rows(act: ActData) -> tuple[Row, ...]:
    return _rows(
        *_identity_rows(act),
        _date_row("Date de naissance", "تاريخ الازدياد", act.event_date, act.event_hijri),
        _time_row("Heure de naissance", "ساعة الازدياد", act.event_time),
        _pair("Lieu de naissance", "مكان الازدياد", act.place_fr, act.place_ar),
        _sex_row(act),
    )


def _death_rows(act: ActData) -> tuple[Row, ...]:
    birth_place = (act.deceased_birth_place_fr, act.deceased_birth_place_ar)
    return _rows(
        *_identity_rows(act),
        _sex_row(act),
        _date_row("Date de naissance", "تاريخ الازدياد", act.deceased_birth_date) if act.deceased_birth_date else None,
        _pair("Lieu de naissance", "مكان الازدياد", *birth_place) if any(birth_place) else None,
        _date_row("Date du décès", "تاريخ الوفاة", act.event_date, act.event_hijri),
        _time_row("Heure du décès", "ساعة الوفاة", act.event_time),
        _pair("Lieu du décès", "مكان الوفاة", act.place_fr, act.place_ar),
        _single("Acte de naissance", "رسم الولادة", act.birth_act_reference) if act.birth_act_reference else None,
    )


def _parents_rows(act: ActData, *, full: bool) -> tuple[Row, ...]:
    rows: list[Row | None] = [_pair("Père", "الأب", act.father_name_fr, act.father_name_ar, strong=True)]
    if full:
        rows += [
            _single("Né le / à", "تاريخ ومكان ازدياده", act.father_birth),
            _single("Profession", "مهنته", act.father_profession),
            _single("Nationalité", "جنسيته", act.father_nationality),
        ]
    rows.append(_pair("Mère", "الأم", act.mother_name_fr, act.mother_name_ar, strong=True))
    if full:
        rows += [
            _single("Née le / à", "تاريخ ومكان ازديادها", act.mother_birth),
            _single("Profession", "مهنتها", act.mother_profession),
            _single("Nationalité", "جنسيتها", act.mother_nationality),
            _single("Domicile des parents", "محل سكنى الأبوين", act.parents_address),
            _single("Grands-pères", "الجدان", act.grandfathers) if act.grandfathers else None,
        ]
    return _rows(*rows)


def _declaration_rows(act: ActData) -> tuple[Row, ...]:
    how: tuple[Row, ...]
    judgment: tuple[Row, ...]
    if act.declaration_type == "judgment":
        how = (_pair("Déclaration", "التصريح", "Par jugement", "بمقتضى حكم قضائي"),)
        judgment = (
            _single("Tribunal", "المحكمة", act.judgment_court),
            _single("Jugement n°", "عدد الحكم", act.judgment_number),
            _date_row("Date du jugement", "تاريخ الحكم", act.judgment_date),
        )
    else:
        how = (
            _pair("Déclaration", "التصريح", "Dans le délai légal de trente jours", "داخل الأجل القانوني (ثلاثون يوما)"),
        )
        judgment = ()
    return _rows(
        *how,
        *judgment,
        _single("Déclarant", "المصرح", act.declarant_name),
        _single("Lien avec l'intéressé", "صفته", act.declarant_relationship),
        _single("Âge du déclarant", "سنه", act.declarant_age) if act.declarant_age is not None else None,
        _single("Profession du déclarant", "مهنته", act.declarant_profession) if act.declarant_profession else None,
        _single("Domicile du déclarant", "عنوانه", act.declarant_address) if act.declarant_address else None,
    )


def _signature_rows(act: ActData) -> tuple[Row, ...]:
    return (
        _single("Officier de l'état civil", "ضابط الحالة المدنية", act.officer_name),
        _moment_row("Signé le", "وقع بتاريخ", act.signed_at),
    )


def _hijri_year(act: ActData) -> int | None:
    """The Hijri year of the act, from the day it was drawn up (a Gregorian year spans two Hijri years)."""
    if act.drawn_up_on is None:
        return None
    try:
        return to_hijri(act.drawn_up_on).year
    except HijriDateError:
        return None


def _year_fr(act: ActData) -> str:
    hy = _hijri_year(act)
    return f"{act.year} ({hy} H)" if hy else str(act.year)


def _year_ar(act: ActData) -> str:
    hy = _hijri_year(act)
    return f"{act.year} م الموافق {hy} هـ" if hy else f"{act.year} م"


def _sections(kind: str, act: ActData, header: CommuneHeader) -> tuple[Section, ...]:
    if kind == "full_copy":
        person = (
            Section("L'intéressé(e)", "صاحب(ة) الرسم", _birth_rows(act))
            if act.kind == "birth"
            else Section("Le (la) défunt(e)", "المتوفى(ة)", _death_rows(act))
        )
        return (
            Section("Références de l'acte", "مراجع الرسم", _reference_rows(act, header)),
            person,
            Section("Filiation", "النسب", _parents_rows(act, full=True)),
            Section("Déclaration", "التصريح", _declaration_rows(act)),
            Section("Signature de l'acte", "توقيع الرسم", _signature_rows(act)),
        )
    if kind == "death_extract":
        return (Section("", "", (*_death_rows(act), *_parents_rows(act, full=False), _notes_summary(act))),)
    if kind == "birth_extract":
        return (Section("", "", (*_birth_rows(act), *_parents_rows(act, full=False), _notes_summary(act))),)
    # personal_record: the person, the parents and the act it was drawn from.
    return (
        Section(
            "",
            "",
            (
                *_birth_rows(act),
                *_parents_rows(act, full=False),
                _single("Nationalité du père", "جنسية الأب", act.father_nationality),
                _single("Domicile des parents", "محل سكنى الأبوين", act.parents_address),
                _notes_summary(act),
            ),
        ),
    )


# ------------------------------------------------------------------------------------------------ rendering


def _check(act: ActData, request: DocumentRequest) -> None:
    allowed = _ALLOWED.get(request.kind)
    if allowed is None:
        raise DocumentKindError(f"unknown document kind {request.kind!r}")
    if act.kind not in allowed:
        raise DocumentKindError(f"a {request.kind} cannot be issued from a {act.kind} act")


def render_html(*, header: CommuneHeader, act: ActData, request: DocumentRequest) -> str:
    """The document as HTML for WeasyPrint (also handy to inspect a layout in a browser)."""
    _check(act, request)
    title_fr, title_ar = _TITLES[(request.kind, act.kind)]
    issued = _local(request.issued_at)
    issued_h = _hijri(issued.date())
    context: dict[str, Any] = {
        "kind": request.kind,
        "act_kind": act.kind,
        "title_fr": title_fr,
        "title_ar": title_ar,
        "header": header,
        "act": act,
        "act_ref_fr": f"Acte n° {act.number} — Année {_year_fr(act)}",
        "act_ref_ar": f"رسم عدد {act.number} — سنة {_year_ar(act)}",
        "full_name_fr": _full_name(act.given_name_fr, act.family_name_fr),
        "full_name_ar": _full_name(act.given_name_ar, act.family_name_ar),
        "sections": _sections(request.kind, act, header),
        "notes": tuple(_note_view(i, n) for i, n in enumerate(act.notes, start=1)),
        "issued_fr": f"{_numeric(issued.date())}" + (f" ({issued_h[0]})" if issued_h else ""),
        "issued_ar": f"{_numeric(issued.date())} م" + (f" الموافق {issued_h[2]}" if issued_h else ""),
        "issued_words_fr": words.date_fr(issued.date()),
        "issued_words_ar": words.date_ar(issued.date()),
        "officer_name": request.officer_name,
        "officer_is_arabic": is_arabic(request.officer_name),
        "requester_name": request.requester_name,
        "requester_capacity": request.requester_capacity,
        # the Arabic line isolates each value: a Latin name keeps its order between Arabic words
        "requester_name_isolated": isolate(request.requester_name),
        "requester_capacity_isolated": isolate(request.requester_capacity),
        "requester_is_arabic": is_arabic(request.requester_name + request.requester_capacity),
        "verification_code": request.verification_code,
        "verify_url": request.verify_url,
        "qr_data_uri": qr_data_uri(request.verify_url, kind="svg", scale=4),
    }
    return get_template(f"etatcivil/documents/{request.kind}.html").render(context)


def render_document(*, header: CommuneHeader, act: ActData, request: DocumentRequest) -> bytes:
    """The document as PDF bytes. `DocumentKindError` when the document does not apply to the act."""
    html = render_html(header=header, act=act, request=request)
    return render_pdf(html)
