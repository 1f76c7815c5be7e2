from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SessionOpenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the commune's administrator reads it)"),
        min_length=5,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=1,
        max_value=240,
        initial=30,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    as_username = forms.CharField(
        label=_("See the site as (user name; empty: the administrator)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "dir": "ltr"}),
    )
