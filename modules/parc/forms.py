"""Forms of the parc's pages: input only (the services decide). Every widget carries Bootstrap's classes so the
templates can render fields in a loop that fits a phone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DocumentKind, Fuel, Kind, MaintenanceKind


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # ids unique on a page that holds several forms (the vehicle's page has six)
        kwargs.setdefault("auto_id", f"{type(self).__name__.lower()}_%s")
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            widget = f.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _date(label: Any, required: bool = True, today: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate if today else None,
    )


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class VehicleForm(_Styled):
    plate = forms.CharField(label=_("Plate (Latin)"), max_length=20)
    plate_ar = forms.CharField(label=_("Plate (Arabic)"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    service_id = forms.TypedChoiceField(label=_("Service"), coerce=int, choices=[])
    brand = forms.CharField(label=_("Brand"), max_length=60, required=False)
    model = forms.CharField(label=_("Model"), max_length=60, required=False)
    fuel = forms.ChoiceField(label=_("Fuel"), choices=Fuel.choices)
    tank_litres = forms.IntegerField(label=_("Tank (litres)"), min_value=1, max_value=2000, required=False)
    odometer = forms.IntegerField(label=_("Odometer (km)"), min_value=1, max_value=9_999_999, required=False)


class StateForm(_Styled):
    state = forms.ChoiceField(label=_("New state"), choices=[])
    reason = forms.CharField(label=_("Reason"), max_length=300)
    on = _date(_("On"), today=True)


class AssignForm(_Styled):
    driver_id = forms.TypedChoiceField(label=_("Driver"), coerce=int, choices=[])
    start_on = _date(_("From"), today=True)
    end_on = _date(_("To"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class EndAssignmentForm(_Styled):
    end_on = _date(_("Until"), today=True)


class DocumentForm(_Styled):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=120, required=False)
    valid_from = _date(_("Valid from"), today=True)
    valid_until = _date(_("Valid until"))
    amount = forms.DecimalField(label=_("Amount (DH)"), max_digits=10, decimal_places=2, min_value=0, required=False)


class ReadingForm(_Styled):
    odometer = forms.IntegerField(label=_("Odometer (km)"), min_value=1, max_value=9_999_999)
    read_on = _date(_("On"), today=True)


class MaintenanceForm(_Styled):
    kind = forms.ChoiceField(label=_("Type"), choices=MaintenanceKind.choices)
    description = forms.CharField(label=_("Work done"), max_length=300)
    supplier = forms.CharField(label=_("Supplier"), max_length=120, required=False)
    amount = forms.DecimalField(label=_("Amount (DH)"), max_digits=12, decimal_places=2, min_value=0)
    odometer = forms.IntegerField(label=_("Odometer (km)"), min_value=1, max_value=9_999_999)
    done_on = _date(_("On"), today=True)


class BookForm(_Styled):
    holder = forms.ChoiceField(label=_("For"), choices=[])
    count = forms.IntegerField(label=_("Vouchers in the book"), min_value=1, max_value=100, initial=20)
    face_value = forms.DecimalField(label=_("Face value (DH)"), max_digits=10, decimal_places=2, min_value=1)
    supplier = forms.CharField(label=_("Station under contract"), max_length=120, required=False)
    issued_on = _date(_("Issued on"), today=True)


class FindVoucherForm(_Styled):
    reference = forms.CharField(label=_("Voucher number"), max_length=30)


class FillForm(_Styled):
    vehicle_id = forms.TypedChoiceField(label=_("Vehicle"), coerce=int, choices=[])
    used_on = _date(_("On"), today=True)
    station = forms.CharField(label=_("Station"), max_length=120)
    litres = forms.DecimalField(label=_("Litres"), max_digits=8, decimal_places=2, min_value=0, required=False)
    amount = forms.DecimalField(label=_("Amount (DH)"), max_digits=10, decimal_places=2, min_value=0, required=False)
    odometer = forms.IntegerField(label=_("Odometer (km)"), min_value=1, max_value=9_999_999)
    full_tank = forms.BooleanField(label=_("Full tank"), required=False)


class ReasonForm(_Styled):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MissionForm(_Styled):
    agent_name = forms.CharField(label=_("Agent"), max_length=120)
    agent_function = forms.CharField(label=_("Function"), max_length=120, required=False)
    vehicle_id = forms.TypedChoiceField(label=_("Vehicle"), coerce=int, choices=[])
    driver_id = forms.TypedChoiceField(label=_("Driver"), coerce=int, choices=[], required=False, empty_value=None)
    destination = forms.CharField(label=_("Destination"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    depart_on = _date(_("Departure"), today=True)
    return_on = _date(_("Return"), today=True)


class CompleteForm(_Styled):
    end_odometer = forms.IntegerField(label=_("Odometer on return (km)"), min_value=1, max_value=9_999_999)


class ServiceForm(_Styled):
    name_fr = forms.CharField(label=_("Name (French)"), max_length=120)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=120, required=False)


class DriverForm(_Styled):
    name = forms.CharField(label=_("Name"), max_length=120)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=120, required=False)
    licence = forms.CharField(label=_("Driving licence"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class ThresholdForm(_Styled):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    max_l_per_100km = forms.DecimalField(
        label=_("Litres per 100 km at most"), max_digits=6, decimal_places=2, min_value=1
    )


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)
