"""Forms of the police administrative's pages (input shape only; the rules are the services')."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, OccupationType, Opinion, OwnerKind, SanctionKind, SanctionOutcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _Styled(forms.Form):
    """Bootstrap classes on every widget (the templates render fields as they come)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class EstablishmentForm(_Styled):
    name = forms.CharField(label=_("Trade name"), max_length=200)
    activity_code = forms.ChoiceField(label=_("Activity"))
    address = forms.CharField(label=_("Address"), max_length=300)
    owner_kind = forms.ChoiceField(label=_("Owner"), choices=OwnerKind.choices)
    owner_name = forms.CharField(label=_("Owner's name"), max_length=200)
    owner_cin = forms.CharField(label=_("CIN"), max_length=20, required=False)
    owner_ice = forms.CharField(label=_("ICE"), max_length=15, required=False)
    owner_rc = forms.CharField(label=_("RC"), max_length=30, required=False)
    owner_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    owner_email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, activities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["activity_code"]).choices = activities


class RequestForm(_Styled):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    occupation_type = forms.ChoiceField(
        label=_("Occupation"), choices=[("", "—"), *OccupationType.choices], required=False
    )
    surface_m2 = forms.DecimalField(label=_("Surface (m²)"), max_digits=8, decimal_places=2, required=False)
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("Until"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)


class InquiryForm(_Styled):
    opened_on = forms.DateField(label=_("Opens on"), widget=DATE)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)


class ObjectionForm(_Styled):
    author = forms.CharField(label=_("Author"), max_length=200)
    text = forms.CharField(label=_("Objection"), max_length=2000)


class InquiryCloseForm(_Styled):
    conclusion = forms.CharField(label=_("Conclusion of the inquiry"), max_length=1000)


class AvisForm(_Styled):
    member_name = forms.CharField(label=_("Member"), max_length=200)
    member_service = forms.CharField(label=_("Service"), max_length=200)
    opinion = forms.ChoiceField(label=_("Avis"), choices=Opinion.choices)
    remarks = forms.CharField(label=_("Remarks"), max_length=1000, required=False)


class GrantForm(_Styled):
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    surface_m2 = forms.DecimalField(label=_("Surface granted (m²)"), max_digits=8, decimal_places=2, required=False)
    conditions = forms.CharField(label=_("Conditions"), max_length=2000, required=False)


class RefuseForm(_Styled):
    reason = forms.CharField(label=_("Reasons of the refusal"), max_length=1000)


class DecideForm(_Styled):
    to_status = forms.ChoiceField(
        label=_("Decision"),
        choices=[("suspended", _("Suspend")), ("withdrawn", _("Withdraw")), ("active", _("Reinstate"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)
    decision = forms.CharField(label=_("Decision (arrêté n°)"), max_length=100)


class InspectionForm(_Styled):
    authorisation_id = forms.TypedChoiceField(label=_("Authorisation"), coerce=int, required=False, empty_value=None)
    measured_surface_m2 = forms.DecimalField(
        label=_("Surface measured (m²)"), max_digits=8, decimal_places=2, required=False
    )
    compliant = forms.BooleanField(label=_("Compliant"), required=False)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False)
    photos = forms.FileField(
        label=_("Photos"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )

    def __init__(self, *args: Any, authorisations: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["authorisation_id"]).choices = [("", "—"), *authorisations]


class SanctionForm(_Styled):
    kind = forms.ChoiceField(label=_("Sanction"), choices=SanctionKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    amount_dh = forms.DecimalField(label=_("Fine (DH)"), max_digits=12, decimal_places=2, required=False)
    decision = forms.CharField(label=_("Decision (arrêté n°)"), max_length=100, required=False)


class ResolveForm(_Styled):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=SanctionOutcome.choices)
