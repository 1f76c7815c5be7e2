"""The console's forms. They only shape the input: the provisioning services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jamaa.modules import registry
from jamaa.platform.errors import DomainError
from jamaa.provisioning.exceptions import CommuneExists


class ConsoleForm(forms.Form):
    """Bootstrap classes on the widgets, and `is-invalid` on every field with an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            check = isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput)
            field.widget.attrs.setdefault("class", "form-check-input" if check else "form-control")

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _module_choices(form: forms.Form) -> None:
    """The form's `modules` field offers every module, named in the page's language. Modules register themselves
    when the apps are ready: the registry is read per form, not at import time."""
    arabic = (get_language() or "fr").startswith("ar")
    field = form.fields["modules"]
    assert isinstance(field, forms.MultipleChoiceField)
    field.choices = [(code, info.name_ar if arabic else info.name_fr) for code, info in registry.available().items()]


class CommuneCreateForm(ConsoleForm):
    slug = forms.CharField(
        label=_("Address (slug)"),
        max_length=40,
        help_text=_("2 to 40 lower-case letters, digits or hyphens, starting with a letter."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off", "spellcheck": "false"}),
    )
    name_fr = forms.CharField(label=_("Name in French"), max_length=120, widget=forms.TextInput(attrs={"lang": "fr"}))
    name_ar = forms.CharField(
        label=_("Name in Arabic"), max_length=120, widget=forms.TextInput(attrs={"lang": "ar", "dir": "rtl"})
    )
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    province = forms.CharField(label=_("Province"), max_length=120, required=False)
    region_ar = forms.CharField(
        label=_("Region in Arabic"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"lang": "ar", "dir": "rtl"}),
    )
    province_ar = forms.CharField(
        label=_("Province in Arabic"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"lang": "ar", "dir": "rtl"}),
    )
    modules = forms.MultipleChoiceField(
        label=_("Modules"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    admin_email = forms.EmailField(
        label=_("Administrator's e-mail"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _module_choices(self)


class ModulesForm(ConsoleForm):
    """The modules a commune runs (each change audited with a reason)."""

    modules = forms.MultipleChoiceField(
        label=_("Modules"), required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _module_choices(self)


class ReasonForm(ConsoleForm):
    """Suspending, resuming and archiving are audited with a reason."""

    reason = forms.CharField(label=_("Reason"), max_length=500)


class RestoreForm(ConsoleForm):
    archive = forms.FileField(
        label=_("Backup archive (.tar.gz)"), widget=forms.FileInput(attrs={"accept": ".gz,.tar.gz"})
    )
    slug = forms.CharField(
        label=_("New address (slug), optional"),
        max_length=40,
        required=False,
        help_text=_("Leave empty to restore the commune under its own address."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    keep_credentials = forms.BooleanField(
        label=_("Keep the original's tokens and sessions valid on the copy"),
        required=False,
        help_text=_("A copy under a new address is for inspection: by default nobody stays signed in to it."),
    )
    accept_unsigned_reason = forms.CharField(
        label=_("Accept an archive without this platform's valid signature: reason"),
        max_length=500,
        required=False,
        help_text=_("Only for an archive you trust from elsewhere; the reason is kept in the platform's audit."),
    )


def errors_from(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the form: per field when the error says which (extra["fields"])."""
    fields: dict[str, Any] = exc.extra.get("fields") or {}
    if fields:
        for name, problems in fields.items():
            messages = problems if isinstance(problems, list) else [problems]
            form.add_error(name if name in form.fields else None, [str(m) for m in messages])
        return
    field: str | None = exc.extra.get("field") or ("slug" if isinstance(exc, CommuneExists) else None)
    form.add_error(field if field in form.fields else None, str(exc.message))
