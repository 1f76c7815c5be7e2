from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Band, PaymentMethod

TEXT = {"class": "form-control"}


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (DH)"),
        max_digits=14,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs=TEXT | {"step": "0.01"}),
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    reference = forms.CharField(
        label=_("Reference (transfer or cheque number, bank)"), max_length=100, widget=forms.TextInput(attrs=TEXT)
    )
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs=TEXT | {"type": "date"}))


class CreditNoteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs=TEXT))
    amount_ht = forms.DecimalField(
        label=_("Amount excluding VAT (empty: all that remains)"),
        max_digits=14,
        decimal_places=2,
        min_value=0.01,
        required=False,
        widget=forms.NumberInput(attrs=TEXT | {"step": "0.01"}),
    )


class GenerateForm(forms.Form):
    period = forms.DateField(label=_("Month (any day of it)"), widget=forms.DateInput(attrs=TEXT | {"type": "date"}))


class SubscriptionForm(forms.Form):
    slug = forms.SlugField(label=_("Commune"), widget=forms.TextInput(attrs=TEXT | {"dir": "ltr"}))
    band = forms.ChoiceField(
        label=_("Size band"), choices=Band.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    buyer_name_fr = forms.CharField(label=_("Buyer (French)"), max_length=200, widget=forms.TextInput(attrs=TEXT))
    buyer_name_ar = forms.CharField(
        label=_("Buyer (Arabic)"), max_length=200, widget=forms.TextInput(attrs=TEXT | {"dir": "rtl"})
    )
    buyer_address = forms.CharField(
        label=_("Address"), max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    buyer_ice = forms.CharField(
        label=_("Buyer's ICE"), max_length=15, required=False, widget=forms.TextInput(attrs=TEXT | {"dir": "ltr"})
    )
    buyer_if = forms.CharField(
        label=_("Buyer's IF"), max_length=20, required=False, widget=forms.TextInput(attrs=TEXT | {"dir": "ltr"})
    )
    email = forms.EmailField(
        label=_("Billing email"), required=False, widget=forms.EmailInput(attrs=TEXT | {"dir": "ltr"})
    )
    started_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs=TEXT | {"type": "date"}))
    read_only_after_days = forms.IntegerField(
        label=_("Read-only after unpaid days (empty: never)"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )


class PriceForm(forms.Form):
    module = forms.CharField(label=_("Module"), max_length=40, widget=forms.TextInput(attrs=TEXT | {"dir": "ltr"}))
    band = forms.ChoiceField(
        label=_("Size band"), choices=Band.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    monthly_ht = forms.DecimalField(
        label=_("Monthly price excluding VAT (DH)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs=TEXT | {"step": "0.01"}),
    )
    valid_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=TEXT | {"type": "date"}))
