"""Forms of the bureau d'ordre's pages (input shape only; rules are the services')."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, CorrespondentKind, Priority


class RegisterForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.INCOMING)
    kind = forms.ChoiceField(label=_("Correspondent"), choices=CorrespondentKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    cin = forms.CharField(label=_("CIN"), max_length=12, required=False)
    ice = forms.CharField(label=_("ICE"), max_length=15, required=False)
    administration_code = forms.ChoiceField(label=_("Administration"), required=False)
    subject = forms.CharField(label=_("Subject"), max_length=500)
    mail_type_code = forms.ChoiceField(label=_("Type"), required=False)
    letter_date = forms.DateField(
        label=_("Letter date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    arrival_date = forms.DateField(
        label=_("Arrival date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    confidential = forms.BooleanField(label=_("Confidential"), required=False)
    reply_expected = forms.BooleanField(label=_("Reply expected"), required=False)
    service_id = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    scan = forms.FileField(label=_("Scan (PDF, JPEG, PNG)"), required=False)
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, administrations: list[Any], types: list[Any], services: list[Any], arabic: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        pick = 2 if arabic else 1
        cast(forms.ChoiceField, self.fields["administration_code"]).choices = [("", "—")] + [
            (a[0], a[pick]) for a in administrations
        ]
        cast(forms.ChoiceField, self.fields["mail_type_code"]).choices = [("", "—")] + [
            (t[0], f"{t[pick]} ({t[3]} j)") for t in types
        ]
        cast(forms.ChoiceField, self.fields["service_id"]).choices = [("", "—")] + [
            (s[0], s[pick] or s[1]) for s in services
        ]


class RouteForm(forms.Form):
    service_id = forms.TypedChoiceField(label=_("Service"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AnnotateForm(forms.Form):
    text = forms.CharField(label=_("Annotation"), widget=forms.Textarea(attrs={"rows": 2}))


class ReplyForm(forms.Form):
    subject = forms.CharField(label=_("Reply subject"), max_length=500)
    close = forms.BooleanField(label=_("Close the letter"), required=False, initial=True)


class AttachForm(forms.Form):
    scan = forms.FileField(label=_("Scan (PDF, JPEG, PNG)"))


def set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    """Give a choice field its choices (read from the selectors by the view)."""
    cast(forms.ChoiceField, form.fields[name]).choices = choices


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    assignee_id = forms.TypedChoiceField(label=_("Given to"), required=False, coerce=int, empty_value=None)


class TaskDoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class EmailReceiptForm(forms.Form):
    to = forms.EmailField(label=_("Email address"))


class CopyForm(forms.Form):
    service_id = forms.TypedChoiceField(label=_("Service"), required=False, coerce=int, empty_value=None)
    official_name = forms.CharField(label=_("Elected official"), max_length=200, required=False)
    official_office = forms.CharField(label=_("Office"), max_length=200, required=False)
