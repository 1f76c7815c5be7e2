"""The régie's forms. They shape and check the input with translated messages; the services decide.

Choices that come from the database (taxes, a redevable's biens, staff, issued ordres) are handed in by the view,
so a form never queries on its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jamaa.platform.kernel.forms import StyledForm

from .models import AssetKind, BaseKind, OrdreStatus, PaymentMethod, StaffRole

if TYPE_CHECKING:  # what gettext_lazy returns, for the type checker only
    from django.utils.functional import _StrPromise as StrPromise

Choices = list[tuple[Any, Any]]

# Most collective ordres hold a few hundred lines (616 terraces in the Meknès audit).
MAX_ORDRE_LINES = 2000


class RegieForm(StyledForm):
    """The kernel's styled form (Bootstrap classes, `is-invalid` on fields with an error)."""


def _date(label: StrPromise, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


def _money(label: StrPromise, *, required: bool = True, min_value: str = "0.01") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(min_value),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", "dir": "ltr"}),
    )


def _exercice(required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Exercice (budget year)"),
        required=required,
        min_value=2000,
        max_value=2200,
        widget=forms.NumberInput(attrs={"dir": "ltr"}),
    )


def _code(max_length: int, label: StrPromise, *, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )


# ------------------------------------------------------------------------------------------------ redevables


class RedevableSearchForm(RegieForm):
    q = forms.CharField(
        label=_("Name, CIN, RC or ICE"),
        max_length=200,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )


class RedevableForm(RegieForm):
    """A person is identified by a CIN, a company by its RC and/or ICE: at least one is needed."""

    name = forms.CharField(label=_("Name or company name"), max_length=200)
    name_ar = forms.CharField(
        label=_("Name in Arabic"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"lang": "ar", "dir": "rtl"}),
    )
    cin = _code(20, _("CIN"))
    rc = _code(30, _("RC (trade register)"))
    ice = _code(20, _("ICE"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key in ("cin", "rc", "ice"):
            data[key] = (data.get(key) or "").strip().upper()
        if not (data["cin"] or data["rc"] or data["ice"]):
            self.add_error("cin", _("Give a CIN for a person, or an RC or ICE for a company."))
        ice = data["ice"]
        if ice and not (ice.isdigit() and len(ice) == 15):
            self.add_error("ice", _("An ICE has 15 digits."))
        return data


class AssetForm(RegieForm):
    """A bien or activité of the redevable: a parcel, premises, a terrace on public land, a taxi…"""

    kind = forms.ChoiceField(label=_("Kind"), choices=AssetKind.choices)
    reference = _code(60, _("Reference (title, permit, plate or authorisation number)"), required=True)
    label = forms.CharField(label=_("Description"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    surface_m2 = forms.DecimalField(
        label=_("Surface (m²)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "dir": "ltr"}),
    )
    category = forms.CharField(label=_("Category"), max_length=30, required=False)
    tax = forms.TypedChoiceField(label=_("Tax usually owed"), coerce=int, empty_value=None, required=False)

    def __init__(self, *args: Any, taxes: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax"].choices = [("", "—"), *taxes]  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------- the counter


def new_payment_key() -> str:
    """A one-time token for a payment form: sent again with a retry, it gets the first quittance back."""
    return uuid.uuid4().hex


class PaymentKeyMixin(forms.Form):
    """The payment form's one-time idempotency key (hidden). A form without it (a page kept from before) is
    sent back with a fresh one and nothing collected."""

    idempotency_key = forms.CharField(max_length=100, required=False, widget=forms.HiddenInput)

    def clean_idempotency_key(self) -> str:
        key = str(self.cleaned_data.get("idempotency_key") or "").strip()
        if not key:
            raise forms.ValidationError(_("This payment form has expired: check it and submit it again."))
        return key

    def renew_key(self) -> None:
        """Give the form sent back a fresh key (its last attempt collected nothing under the old one)."""
        if self.is_bound:
            data = self.data.copy() if isinstance(self.data, QueryDict) else dict(self.data)
            data[self.add_prefix("idempotency_key")] = new_payment_key()
            self.data = data
        else:
            self.initial["idempotency_key"] = new_payment_key()


class CounterPaymentForm(PaymentKeyMixin, RegieForm):
    """A payment at the counter without a declaration to liquidate (a fee, a fixed tariff): base × rate."""

    tax = forms.TypedChoiceField(label=_("Tax or fee"), coerce=int)
    base = forms.DecimalField(
        label=_("Base (m², % base, nights, quarters, or 1 for a fixed fee)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        initial=Decimal("1"),
        widget=forms.NumberInput(attrs={"step": "0.01", "dir": "ltr"}),
    )
    period = forms.CharField(label=_("Period"), max_length=30)
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)
    cheque_number = forms.CharField(label=_("Cheque number"), max_length=30, required=False)
    cheque_bank = forms.CharField(label=_("Bank"), max_length=100, required=False)

    def __init__(self, *args: Any, taxes: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax"].choices = [("", "—"), *taxes]  # type: ignore[attr-defined]
        self.fields["period"].initial = str(timezone.localdate().year)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("payment_method") == PaymentMethod.CHEQUE:
            for name in ("cheque_number", "cheque_bank"):
                if not str(data.get(name) or "").strip():
                    self.add_error(name, _("A cheque payment records the cheque's number and bank."))
        else:
            data["cheque_number"], data["cheque_bank"] = "", ""
        return data


class LiquidationForm(RegieForm):
    """A declaration to liquidate: the base declared, the deadlines and the day it is paid (penalties)."""

    tax = forms.TypedChoiceField(label=_("Tax"), coerce=int)
    asset = forms.TypedChoiceField(label=_("Bien or activité"), coerce=int, empty_value=None, required=False)
    base = forms.DecimalField(
        label=_("Declared base (m², sales, nights, quarters…)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"step": "0.01", "dir": "ltr"}),
    )
    period = forms.CharField(label=_("Period"), max_length=30)
    declaration_due = _date(_("Declaration due by"))
    declared_on = _date(_("Declared on"))
    payment_due = _date(_("Payment due by"))
    on = _date(_("Payment day (penalties computed for it)"), required=True)

    def __init__(self, *args: Any, taxes: Choices, assets: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax"].choices = [("", "—"), *taxes]  # type: ignore[attr-defined]
        self.fields["asset"].choices = [("", "—"), *assets]  # type: ignore[attr-defined]
        self.fields["period"].initial = str(timezone.localdate().year)
        self.fields["on"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        declared, due = data.get("declared_on"), data.get("declaration_due")
        if declared and declared > timezone.localdate():
            self.add_error("declared_on", _("A declaration cannot be dated in the future."))
        if declared and not due:
            self.add_error("declaration_due", _("Give the deadline the declaration is measured against."))
        return data


class PayForm(PaymentKeyMixin, RegieForm):
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=PaymentMethod.choices)


class CancellationRequestForm(RegieForm):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(_("A cancellation states its reason."))
        return reason


class CancellationDecisionForm(RegieForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class QuittanceListForm(RegieForm):
    day = _date(_("Day"))


# ---------------------------------------------------------------------------------------------- the close


class DayCloseForm(RegieForm):
    """An agent's close (their takings handed to the régisseur) or, with no agent, the régie's versement."""

    day = _date(_("Day"), required=True)
    agent = forms.TypedChoiceField(label=_("Whose takings"), coerce=int, empty_value=None, required=False)
    counted_dh = _money(_("Cash counted (DH)"), min_value="0")
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, agents: Choices, whole_regie: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agent"]
        choices: Choices = [("", _("The whole régie (versement to the trésorier)"))] if whole_regie else []
        field.choices = [*choices, *agents]  # type: ignore[attr-defined]
        field.required = not whole_regie
        self.fields["day"].initial = timezone.localdate()

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A day is closed once it is over or under way, not in advance."))
        return day


class ReferenceForm(RegieForm):
    reference = _code(60, _("Reference"), required=True)


# ------------------------------------------------------------------------------------ ordres and bordereaux


class OrdreIssueForm(RegieForm):
    """An ordre de recette: one line (individual) or many (collective), one debtor per line."""

    exercice = _exercice()
    tax = forms.TypedChoiceField(label=_("Tax"), coerce=int)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    period = forms.CharField(label=_("Period"), max_length=30)
    lines = forms.CharField(
        label=_("Debtors: one line each, “identifier; amount in DH” (CIN, RC, ICE or #number of the redevable)"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "ltr", "spellcheck": "false"}),
    )
    asset = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, taxes: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax"].choices = [("", "—"), *taxes]  # type: ignore[attr-defined]
        self.fields["exercice"].initial = timezone.localdate().year
        self.fields["period"].initial = str(timezone.localdate().year)

    def clean_lines(self) -> list[tuple[str, Decimal]]:
        """Parse the lines into (identifier, amount); the view resolves the identifiers to redevables."""
        parsed: list[tuple[str, Decimal]] = []
        problems: list[str] = []
        for number, raw in enumerate(str(self.cleaned_data["lines"]).splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            who, sep, amount = line.rpartition(";")
            try:
                value = Decimal(amount.strip().replace(",", ".").replace(" ", ""))
            except ArithmeticError:
                value = Decimal("0")
            if not sep or not who.strip() or not value.is_finite() or value <= 0:
                problems.append(str(_("line %(n)s: “%(line)s”") % {"n": number, "line": line[:60]}))
                continue
            parsed.append((who.strip(), value.quantize(Decimal("0.01"))))
        if problems:
            raise forms.ValidationError(
                _("Write each line as “identifier; amount”, the amount above zero: %(lines)s.")
                % {"lines": "; ".join(problems[:5])}
            )
        if not parsed:
            raise forms.ValidationError(_("An ordre de recette has at least one debtor."))
        if len(parsed) > MAX_ORDRE_LINES:
            raise forms.ValidationError(_("At most %(n)s lines per ordre.") % {"n": MAX_ORDRE_LINES})
        return parsed


class OrdreListForm(RegieForm):
    exercice = _exercice(required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *OrdreStatus.choices])


class OrdreTransitionForm(RegieForm):
    to_status = forms.ChoiceField(label=_("New status"))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    reference = _code(60, _("Comptable's reference"))
    recovered_dh = _money(_("Amount recovered (DH)"), required=False, min_value="0")

    def __init__(self, *args: Any, allowed: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = allowed  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        to = data.get("to_status")
        if (
            to in (OrdreStatus.CANCELLED, OrdreStatus.WRITTEN_OFF, OrdreStatus.REMITTED)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("Say why: the ordre stays in the register with its reason."))
        return data


class BordereauCreateForm(RegieForm):
    exercice = _exercice()
    ordres = forms.TypedMultipleChoiceField(
        label=_("Ordres de recette to send"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, ordres: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ordres"].choices = ordres  # type: ignore[attr-defined]
        self.fields["exercice"].initial = timezone.localdate().year


# -------------------------------------------------------------------------------------------------- reports


class RestesForm(RegieForm):
    exercice = _exercice()
    as_of = _date(_("As of"), required=True)


class JournalForm(RegieForm):
    scale = forms.ChoiceField(
        label=_("Period"), choices=[("day", _("Day")), ("month", _("Month")), ("year", _("Year"))], initial="day"
    )
    on = _date(_("Date in the period"), required=True)


class ExportForm(RegieForm):
    start = _date(_("From"), required=True)
    end = _date(_("To"), required=True)
    budget_line = _code(30, _("Budget line (all if empty)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes after the start."))
        if start and end and (end - start).days > 366:
            self.add_error("end", _("Export at most one year at a time."))
        return data


class AuditForm(RegieForm):
    exercice = _exercice()


# ---------------------------------------------------------------------------------------------------- setup


class RegieSetupForm(RegieForm):
    """The régie as its arrêté of creation (and amendments) sets it: names, arrêté, cash ceiling, budget lines."""

    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl"}))
    arrete_number = _code(50, _("Arrêté number"), required=True)
    arrete_date = _date(_("Arrêté date"), required=True)
    cash_ceiling_dh = _money(_("Cash ceiling (DH)"))
    budget_lines = forms.MultipleChoiceField(
        label=_("Budget lines the arrêté authorises"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, budget_lines: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget_lines"].choices = budget_lines  # type: ignore[attr-defined]


class BudgetLineForm(RegieForm):
    code = _code(30, _("Code (e.g. 10.20.31)"), required=True)
    label_fr = forms.CharField(label=_("Label (French)"), max_length=200)
    label_ar = forms.CharField(label=_("Label (Arabic)"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl"}))


class AppointForm(RegieForm):
    """An appointment by arrêté: the role's permissions are given to the user while it is in force."""

    user = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    role = forms.ChoiceField(label=_("Role"), choices=StaffRole.choices)
    arrete_number = _code(50, _("Arrêté number"), required=True)
    arrete_date = _date(_("Arrêté date"), required=True)
    valid_from = _date(_("In force from"), required=True)
    valid_until = _date(_("Until (if known)"))

    def __init__(self, *args: Any, users: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "—"), *users]  # type: ignore[attr-defined]
        self.fields["valid_from"].initial = timezone.localdate()


class StaffEndForm(RegieForm):
    valid_until = _date(_("Last day"), required=True)


class TaxForm(RegieForm):
    code = _code(30, _("Code (e.g. ODP)"), required=True)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, widget=forms.TextInput(attrs={"dir": "rtl"}))
    base_kind = forms.ChoiceField(label=_("Base"), choices=BaseKind.choices)
    budget_line = forms.ChoiceField(label=_("Budget line credited"))

    def __init__(self, *args: Any, budget_lines: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].choices = [("", "—"), *budget_lines]  # type: ignore[attr-defined]


class TariffForm(RegieForm):
    """A new version of a tax's rate from its date of effect (the versions before it are kept as they are)."""

    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=12,
        decimal_places=4,
        min_value=Decimal("0"),
        widget=forms.NumberInput(attrs={"step": "0.0001", "inputmode": "decimal", "dir": "ltr"}),
    )
    valid_from = _date(_("In force from"), required=True)
    arrete_reference = forms.CharField(label=_("Arrêté fiscal (reference)"), max_length=100, required=False)


class AssetDeactivateForm(RegieForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, error_messages={"required": _("Give the reason.")})
