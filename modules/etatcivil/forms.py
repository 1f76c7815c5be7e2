"""The civil registry's forms. They shape and check the input with translated messages; the services decide.

Arabic names are authoritative and come first; each Latin field names the Arabic field it transliterates, so the
page can suggest a transliteration (static/etatcivil/transliterate.js) without ever overwriting what was typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jamaa.platform.kernel.forms import StyledForm

from . import selectors, services
from .models import Act, ActKind, Bureau, DeclarationType, DocumentKind, NoteKind, Sex

if TYPE_CHECKING:  # what gettext_lazy returns, for the type checker only (django-stubs is a dev dependency)
    from django.utils.functional import _StrPromise as StrPromise

# Which documents each kind of act gives (the service re-checks and refuses the others).
DOCUMENT_KINDS_FOR: dict[str, tuple[str, ...]] = {
    ActKind.BIRTH: (DocumentKind.FULL_COPY, DocumentKind.BIRTH_EXTRACT, DocumentKind.PERSONAL_RECORD),
    ActKind.DEATH: (DocumentKind.FULL_COPY, DocumentKind.DEATH_EXTRACT),
}

EXTRACT_FOR: dict[str, str] = {ActKind.BIRTH: DocumentKind.BIRTH_EXTRACT, ActKind.DEATH: DocumentKind.DEATH_EXTRACT}

# The naming rules of law 36-21, as the review page explains them (services.naming_flags gives the rule codes).
NAMING_RULES: dict[str, StrPromise] = {
    "title": _("A title (Moulay, Sidi, Lalla…) inside a name"),
    "too_many_given_names": _("More than two given names"),
    "digits": _("Digits in a name"),
}
NAME_FIELDS: dict[str, StrPromise] = {
    "given_name_ar": _("Given name (Arabic)"),
    "family_name_ar": _("Family name (Arabic)"),
    "given_name_fr": _("Given name (Latin)"),
    "family_name_fr": _("Family name (Latin)"),
}


class RegistryForm(StyledForm):
    """The kernel's styled form (Bootstrap classes, `is-invalid` on fields with an error)."""


def _arabic(max_length: int, label: StrPromise, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"lang": "ar", "dir": "rtl", "autocomplete": "off"}),
    )


def _latin(max_length: int, label: StrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"lang": "fr", "dir": "ltr", "autocomplete": "off"}),
    )


def _text(max_length: int, label: StrPromise) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False)


def _date(label: StrPromise, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


@dataclass(frozen=True)
class FieldRow:
    """One field of a section; `suggest_from` is the Arabic field a Latin one transliterates."""

    field: forms.BoundField
    suggest_from: str = ""
    width: str = "col-md-6"
    show_when: str = ""  # "field=value": shown only while that field has that value (the page's script)


@dataclass(frozen=True)
class Section:
    title: StrPromise
    rows: list[FieldRow]
    show_when: str = ""


# Latin field → the Arabic field it transliterates.
TRANSLITERATES = {
    "given_name_fr": "given_name_ar",
    "family_name_fr": "family_name_ar",
    "father_name_fr": "father_name_ar",
    "mother_name_fr": "mother_name_ar",
    "place_fr": "place_ar",
}


# Fields that only matter for some value of another field (hidden otherwise by the page's script).
SHOW_WHEN = {
    "judgment_court": "declaration_type=judgment",
    "judgment_number": "declaration_type=judgment",
    "judgment_date": "declaration_type=judgment",
}


def act_input_of(act: Act) -> services.ActInput:
    """The keyed-in fields of an act (to pre-fill a draft's form, or check its names against the rules)."""
    return services.ActInput(**{f.name: getattr(act, f.name) for f in fields(services.ActInput)})


class ActDataForm(RegistryForm):
    """The fields an agent keys in (services.ActInput), Arabic first. Also the form that edits a draft."""

    given_name_ar = _arabic(120, _("Given name in Arabic"), required=True)
    family_name_ar = _arabic(120, _("Family name in Arabic"), required=True)
    father_name_ar = _arabic(200, _("Father's name in Arabic"))
    mother_name_ar = _arabic(200, _("Mother's name in Arabic"))
    place_ar = _arabic(200, _("Place in Arabic"))

    given_name_fr = _latin(120, _("Given name in Latin script"))
    family_name_fr = _latin(120, _("Family name in Latin script"))
    father_name_fr = _latin(200, _("Father's name in Latin script"))
    mother_name_fr = _latin(200, _("Mother's name in Latin script"))
    place_fr = _latin(200, _("Place in Latin script"))

    event_date = _date(_("Date of the event (birth or death)"))
    event_time = forms.TimeField(
        label=_("Time of the event"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    drawn_up_on = _date(_("Drawn up on (today if empty)"))

    father_birth = _text(200, _("Father's birth date and place"))
    father_profession = _text(120, _("Father's profession"))
    father_nationality = _text(60, _("Father's nationality"))
    mother_birth = _text(200, _("Mother's birth date and place"))
    mother_profession = _text(120, _("Mother's profession"))
    mother_nationality = _text(60, _("Mother's nationality"))
    parents_address = _text(300, _("Parents' address"))
    grandfathers = _text(300, _("Grandfathers' names"))

    declarant_name = _text(200, _("Declarant's name"))
    declarant_age = forms.IntegerField(label=_("Declarant's age"), required=False, min_value=0, max_value=130)
    declarant_profession = _text(120, _("Declarant's profession"))
    declarant_address = _text(300, _("Declarant's address"))
    declarant_relationship = _text(120, _("Declarant's relationship"))
    declaration_type = forms.ChoiceField(
        label=_("Declaration"), choices=DeclarationType.choices, initial=DeclarationType.ON_TIME
    )
    judgment_court = _text(200, _("Court"))
    judgment_number = _text(60, _("Judgment number"))
    judgment_date = _date(_("Judgment date"))

    birth_act_number = forms.IntegerField(label=_("Birth act number"), required=False, min_value=1)
    birth_act_year = forms.IntegerField(label=_("Birth act year"), required=False, min_value=1900, max_value=2200)

    def __init__(self, *args: Any, act_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.act_kind = act_kind
        self.birth_act_id: int | None = None
        for latin, arabic in TRANSLITERATES.items():
            self.fields[latin].widget.attrs["data-translit-source"] = f"id_{arabic}"

    def kind_of_act(self) -> str:
        return self.act_kind or ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("declaration_type") == DeclarationType.JUDGMENT and not (data.get("judgment_number") or "").strip():
            self.add_error("judgment_number", _("A declaration by judgment cites the judgment's number."))
        event, drawn = data.get("event_date"), data.get("drawn_up_on")
        if event and drawn and event > drawn:
            self.add_error("event_date", _("The event cannot come after the act is drawn up."))
        if event and event > timezone.localdate():
            self.add_error("event_date", _("The event cannot be in the future."))
        number, year = data.get("birth_act_number"), data.get("birth_act_year")
        if number or year:
            if self.kind_of_act() != ActKind.DEATH:
                self.add_error("birth_act_number", _("Only a death act links to a birth act."))
            elif not (number and year):
                self.add_error("birth_act_number", _("Give the birth act's number and year."))
            else:
                found = selectors.act_find(kind=ActKind.BIRTH, year=year, number=number)
                if len(found) != 1:
                    self.add_error("birth_act_number", _("No single signed birth act has this number and year."))
                else:
                    self.birth_act_id = found[0].pk
        return data

    def to_input(self) -> services.ActInput:
        """The validated form as the services' input (call after is_valid())."""
        data = self.cleaned_data
        values: dict[str, Any] = {}
        for f in fields(services.ActInput):
            if f.name == "birth_act_id":
                values[f.name] = self.birth_act_id
            elif f.name in self.fields:
                value = data.get(f.name)
                values[f.name] = "" if value is None and isinstance(f.default, str) else value
        return services.ActInput(**values)

    @classmethod
    def initial_for(cls, act: Act, birth_act: tuple[int, int] | None) -> dict[str, Any]:
        """A draft's values as the form's initial data."""
        initial: dict[str, Any] = {
            k: v for k, v in asdict(act_input_of(act)).items() if k in cls.base_fields and v not in (None, "")
        }
        if birth_act is not None:
            initial["birth_act_number"], initial["birth_act_year"] = birth_act
        return initial

    def _rows(self, names: list[str], width: str = "col-md-6") -> list[FieldRow]:
        return [
            FieldRow(self[n], TRANSLITERATES.get(n, ""), width, SHOW_WHEN.get(n, "")) for n in names if n in self.fields
        ]

    def sections(self) -> list[Section]:
        """The form's fields in the order an agent keys them in: Arabic names first, then their transliteration."""
        out: list[Section] = []
        if "bureau" in self.fields:
            out.append(Section(_("Register"), self._rows(["bureau", "kind", "year"], "col-md-4")))
        out += [
            Section(
                _("Names in Arabic (authoritative)"),
                self._rows(["given_name_ar", "family_name_ar", "father_name_ar", "mother_name_ar", "place_ar"]),
            ),
            Section(
                _("Transliteration in Latin script"),
                self._rows(["given_name_fr", "family_name_fr", "father_name_fr", "mother_name_fr", "place_fr"]),
            ),
            Section(_("Event"), self._rows(["event_date", "event_time", "sex", "drawn_up_on"], "col-md-3")),
            Section(
                _("Parents"),
                self._rows(
                    [
                        "father_birth",
                        "father_profession",
                        "father_nationality",
                        "mother_birth",
                        "mother_profession",
                        "mother_nationality",
                        "parents_address",
                        "grandfathers",
                    ]
                ),
            ),
            Section(
                _("Declarant"),
                self._rows(
                    [
                        "declarant_name",
                        "declarant_age",
                        "declarant_profession",
                        "declarant_address",
                        "declarant_relationship",
                        "declaration_type",
                        "judgment_court",
                        "judgment_number",
                        "judgment_date",
                    ]
                ),
            ),
        ]
        if self.act_kind != ActKind.BIRTH:
            out.append(
                Section(
                    _("Death act: the deceased's birth act"),
                    self._rows(["birth_act_number", "birth_act_year"]),
                    show_when="kind=death" if "kind" in self.fields else "",
                )
            )
        return out


class ActCreateForm(ActDataForm):
    """A new draft: which register (bureau, kind, year), then the act's fields."""

    bureau = forms.TypedChoiceField(label=_("Bureau"), coerce=int, choices=())
    kind = forms.ChoiceField(label=_("Kind of act"), choices=ActKind.choices, initial=ActKind.BIRTH)
    year = forms.IntegerField(label=_("Year of the register"), min_value=1900, max_value=2200)

    def __init__(self, *args: Any, bureaux: list[Bureau], arabic: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        bureau_field = self.fields["bureau"]
        assert isinstance(bureau_field, forms.TypedChoiceField)
        bureau_field.choices = [(b.pk, f"{b.code} — {b.name_ar if arabic else b.name_fr}") for b in bureaux]
        if len(bureaux) == 1:
            bureau_field.initial = bureaux[0].pk
        self.fields["year"].initial = timezone.localdate().year

    def kind_of_act(self) -> str:
        return str(self.cleaned_data.get("kind") or "")


class ReasonForm(RegistryForm):
    """Why the act's full content is read: journalled with the reader and the time."""

    reason = forms.CharField(
        label=_("Reason for reading this act"),
        max_length=300,
        widget=forms.TextInput(attrs={"list": "reason-choices", "autofocus": True, "autocomplete": "off"}),
        help_text=_("For example: extract requested by the person concerned, verification, rectification file."),
    )


class _ReviewActionForm(RegistryForm):
    """A form of the review page: it carries the reason the page was opened with, to show the act again."""

    reason = forms.CharField(max_length=300, widget=forms.HiddenInput)


class SignForm(_ReviewActionForm):
    acknowledge_flags = forms.BooleanField(
        label=_("Sign anyway: I have checked the names flagged above"), required=False
    )


class NoteForm(_ReviewActionForm):
    kind = forms.ChoiceField(label=_("Kind of note"), choices=NoteKind.choices)
    text_ar = forms.CharField(
        label=_("Text in Arabic"),
        widget=forms.Textarea(attrs={"rows": 3, "lang": "ar", "dir": "rtl"}),
    )
    text_fr = forms.CharField(
        label=_("Text in French"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "fr", "dir": "ltr"}),
    )
    authority = forms.CharField(
        label=_("Authority"), max_length=200, help_text=_("Procureur du Roi, court of first instance, Interior…")
    )
    document_number = forms.CharField(label=_("Document number"), max_length=60)
    document_date = _date(_("Document date"), required=True)

    def clean_document_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["document_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The document cannot be dated in the future."))
        return value


class DocumentForm(_ReviewActionForm):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    requester_name = forms.CharField(label=_("Requester's name"), max_length=200)
    requester_capacity = forms.CharField(
        label=_("Requester's capacity"), max_length=120, help_text=_("The person concerned, father, mother, lawyer…")
    )
    fee_dh = forms.DecimalField(
        label=_("Fee (dirhams)"), min_value=Decimal("0"), max_digits=8, decimal_places=2, initial=Decimal("0")
    )

    def __init__(self, *args: Any, act_kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if act_kind is not None:
            self.limit_to(act_kind)

    def limit_to(self, act_kind: str) -> None:
        """Offer only the documents this kind of act gives, its extract first chosen."""
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        allowed = DOCUMENT_KINDS_FOR.get(act_kind, ())
        kind.choices = [(k, label) for k, label in DocumentKind.choices if k in allowed]
        kind.initial = EXTRACT_FOR.get(act_kind)


class SearchForm(RegistryForm):
    q = forms.CharField(
        label=_("Name (Arabic or Latin script)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "dir": "auto"}),
    )
    kind = forms.ChoiceField(label=_("Kind of act"), required=False, choices=[("", _("All")), *ActKind.choices])
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1900, max_value=2200)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1900, max_value=2200)
    father = forms.CharField(
        label=_("Father's name"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    mother = forms.CharField(
        label=_("Mother's name"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", _("The last year comes before the first."))
        return data


class LookupForm(RegistryForm):
    """Exact lookup of a signed act by (kind, year, number); prefixed "n" beside the name search."""

    kind = forms.ChoiceField(label=_("Kind of act"), choices=ActKind.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    number = forms.IntegerField(label=_("Act number"), min_value=1)


class StatisticsForm(RegistryForm):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200, required=False)


# ------------------------------------------------------------------------------- setup (chefs de bureau)


class BureauForm(RegistryForm):
    code = forms.CharField(
        label=_("Code"), max_length=20, widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"})
    )
    name_ar = _arabic(120, _("Name (Arabic)"), required=True)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120)

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if Bureau.objects.filter(code__iexact=code).exists():
            raise forms.ValidationError(_("A bureau with this code already exists."))
        return code


class DelegationForm(RegistryForm):
    """The arrêté delegating a person as officier de l'état civil for a bureau."""

    user = forms.TypedChoiceField(label=_("Officer"), coerce=int, choices=())
    bureau = forms.TypedChoiceField(label=_("Bureau"), coerce=int, choices=())
    arrete_number = forms.CharField(label=_("Arrêté number"), max_length=50)
    arrete_date = _date(_("Arrêté date"), required=True)
    valid_from = _date(_("Valid from"), required=True)
    valid_to = _date(_("Valid until (optional)"))

    def __init__(
        self, *args: Any, users: list[tuple[int, str]], bureaux: list[Bureau], arabic: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        assert isinstance(user_field, forms.TypedChoiceField)
        user_field.choices = users
        bureau_field = self.fields["bureau"]
        assert isinstance(bureau_field, forms.TypedChoiceField)
        bureau_field.choices = [(b.pk, f"{b.code} — {b.name_ar if arabic else b.name_fr}") for b in bureaux]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The delegation cannot end before it starts."))
        return data
