"""Forms of the urbanisme pages (input only: the services validate the rules)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Avis, Kind, PetitionerKind, Use


class StyledForm(forms.Form):
    """Bootstrap classes on the widgets (the templates print `{{ field }}`)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")


class DepositForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of authorisation"), choices=Kind.choices)
    subject = forms.CharField(label=_("Project"), max_length=300)
    petitioner_kind = forms.ChoiceField(label=_("Petitioner"), choices=PetitionerKind.choices)
    petitioner_name = forms.CharField(label=_("Name"), max_length=200)
    petitioner_cin = forms.CharField(label=_("CIN"), max_length=12, required=False)
    petitioner_rc = forms.CharField(label=_("RC"), max_length=30, required=False)
    petitioner_ice = forms.CharField(label=_("ICE"), max_length=15, required=False)
    petitioner_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    petitioner_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    architect_name = forms.CharField(label=_("Architect"), max_length=200, required=False)
    architect_ordre = forms.CharField(label=_("Architect's registration number"), max_length=40, required=False)
    use = forms.ChoiceField(label=_("Use"), choices=Use.choices)
    built_area_m2 = forms.DecimalField(
        label=_("Built area (m²)"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    floors = forms.IntegerField(label=_("Levels"), min_value=0, max_value=200, required=False)
    housing_units = forms.IntegerField(label=_("Dwellings"), min_value=0, max_value=30000, required=False)
    title_number = forms.CharField(label=_("Land title number"), max_length=40)
    parcel_address = forms.CharField(label=_("Parcel address"), max_length=300, required=False)
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6)
    area_m2 = forms.DecimalField(label=_("Parcel area (m²)"), max_digits=12, decimal_places=2, min_value=0)
    parent_id = forms.TypedChoiceField(
        label=_("Building permit it follows"), coerce=int, required=False, empty_value=None
    )
    rokhas_reference = forms.CharField(label=_("Rokhas reference"), max_length=40, required=False)
    pieces = forms.MultipleChoiceField(label=_("Pieces handed in"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, pieces: list[tuple[str, str]], parents: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["pieces"]).choices = pieces
        cast(forms.ChoiceField, self.fields["parent_id"]).choices = [("", "—"), *parents]


class NoteForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PiecesForm(StyledForm):
    codes = forms.MultipleChoiceField(label=_("Pieces received"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, codes: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["codes"]).choices = codes


class ConsultForm(StyledForm):
    service_id = forms.TypedChoiceField(label=_("Service"), coerce=int)
    sent_on = forms.DateField(label=_("Sent on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(label=_("Answer due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, services: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service_id"]).choices = services


class ReturnForm(StyledForm):
    avis = forms.ChoiceField(
        label=_("Avis"), choices=[(a, Avis(a).label) for a in (Avis.FAVOURABLE, Avis.RESERVED, Avis.UNFAVOURABLE)]
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    returned_on = forms.DateField(
        label=_("Returned on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class DecideForm(StyledForm):
    favourable = forms.TypedChoiceField(
        label=_("Avis"), coerce=lambda v: v == "1", choices=[("1", _("Favourable")), ("0", _("Unfavourable"))]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SignForm(StyledForm):
    signatory = forms.CharField(label=_("Signatory"), max_length=200)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class IssueForm(StyledForm):
    correction = forms.CharField(label=_("Correction (a new version)"), max_length=500, required=False)
    consultation_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class SittingForm(StyledForm):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)


class AgendaForm(StyledForm):
    dossier_id = forms.TypedChoiceField(label=_("Dossier"), coerce=int)

    def __init__(self, *args: Any, dossiers: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["dossier_id"]).choices = dossiers


class ItemAvisForm(StyledForm):
    item_id = forms.IntegerField(widget=forms.HiddenInput)
    avis = forms.ChoiceField(
        label=_("Avis"), choices=[(a, Avis(a).label) for a in (Avis.FAVOURABLE, Avis.UNFAVOURABLE, Avis.ADJOURNED)]
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class HoldForm(StyledForm):
    members_present = forms.CharField(label=_("Members present (one a line)"), widget=forms.Textarea(attrs={"rows": 3}))
    minutes_note = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
