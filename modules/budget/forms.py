"""Forms of the budget's pages (input shape only; rules are the services')."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})
MAX = Decimal("9999999999999.99")


def _amount(label: Any, *, signed: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=16,
        decimal_places=2,
        min_value=-MAX if signed else Decimal(0),
        max_value=MAX,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "dir": "ltr"}),
    )


def LineForecastField() -> forms.DecimalField:  # noqa: N802 (a field factory)
    return _amount(_("Forecast (DH)"))


class BudgetCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Exercice"), min_value=2000, max_value=2100)


class VoteForm(forms.Form):
    council_session = forms.CharField(label=_("Council session"), max_length=200)
    voted_on = forms.DateField(label=_("Vote date"), widget=DATE)
    deliberation_number = forms.CharField(label=_("Deliberation number"), max_length=50)


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label=_("Approval date"), widget=DATE)
    approval_reference = forms.CharField(label=_("Approval reference"), max_length=100)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Closing date"), widget=DATE)


class EngagementForm(forms.Form):
    line_id = forms.TypedChoiceField(label=_("Budget line"), coerce=int)
    beneficiary = forms.CharField(label=_("Beneficiary"), max_length=200)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    amount_dh = _amount(_("Amount (DH)"))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class LiquidationForm(forms.Form):
    amount_dh = _amount(_("Amount (DH)"))
    invoice_reference = forms.CharField(label=_("Invoice"), max_length=100)
    service_done_on = forms.DateField(label=_("Service done on"), widget=DATE)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    treasury_reference = forms.CharField(label=_("Treasury reference"), max_length=100)


class AmendForm(forms.Form):
    line_id = forms.TypedChoiceField(label=_("Budget line"), coerce=int)
    amount_dh = _amount(_("Change (DH, negative to reduce)"), signed=True)
    decision_reference = forms.CharField(label=_("Decision"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class TransferForm(forms.Form):
    from_line_id = forms.TypedChoiceField(label=_("From line"), coerce=int)
    to_line_id = forms.TypedChoiceField(label=_("To line"), coerce=int)
    amount_dh = _amount(_("Amount (DH)"))
    decision_reference = forms.CharField(label=_("Decision"), max_length=100)
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


def set_choices(form: forms.BaseForm, name: str, choices: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices
