"""Run a service from a page and put its refusal on the form: views need no try/except.

    quittance = run_in_form(form, lambda: services.quittance_issue(agent=user, **form.cleaned_data))
    if quittance is None:                       # refused: the form now carries the reason
        return render(request, "…", {"form": form}, status=400)

A refusal the user can fix (a DomainError, a Django ValidationError) goes on the form: on each field it names
(`extra["fields"]`, mapped through `aliases` when the service's names differ from the form's), else above the
form. "Not allowed" (403) and "not found" (404) are not the user's to fix: they propagate to the error pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from jamaa.platform.errors import DomainError

T = TypeVar("T")

_PROPAGATE = (403, 404)


def _messages(value: Any, default: str) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value] or [default]
    if isinstance(value, str) and value:
        return [value]
    return [default]


def form_error(
    form: forms.BaseForm,
    exc: DomainError | ValidationError,
    *,
    aliases: Mapping[str, str] | None = None,
    detail: bool = False,
) -> None:
    """Put a refusal on the form: per named field when the form has it, otherwise as a non-field error.
    A DomainError's field gets the error's message, or with `detail` the texts its `extra["fields"]` gives."""
    aliases = aliases or {}
    if isinstance(exc, ValidationError):
        fields: Any = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages)
    else:
        fields = exc.extra.get("fields", {}) if isinstance(exc.extra, dict) else {}
        message = str(exc.message)
    placed = False
    for name, errors in fields.items() if isinstance(fields, dict) else ():
        field = aliases.get(name, name)
        if field == NON_FIELD_ERRORS:
            for text in _messages(errors, message):
                form.add_error(None, text)
            placed = True
        elif field in form.fields:
            for text in _messages(errors if detail or isinstance(exc, ValidationError) else None, message):
                form.add_error(field, text)
            placed = True
    if not placed:
        form.add_error(None, message)


def run_in_form(
    form: forms.BaseForm, call: Callable[[], T], *, aliases: Mapping[str, str] | None = None, detail: bool = False
) -> T | None:
    """The service's result, or None with the refusal on the form. 403/404 refusals propagate."""
    try:
        return call()
    except DomainError as exc:
        if exc.http_status in _PROPAGATE:
            raise
        form_error(form, exc, aliases=aliases, detail=detail)
    except ValidationError as exc:
        form_error(form, exc, aliases=aliases, detail=detail)
    return None


class StyledForm(forms.Form):
    """A module's form base: Bootstrap classes on the widgets (a checkbox list gets none: its own template
    styles it), and `is-invalid` on every field with an error, however it got there (validation, `run_in_form`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                css = ""
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if css:
                widget.attrs.setdefault("class", css)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            widget = self.fields[name].widget if name in self.fields else None
            if widget is not None and "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
