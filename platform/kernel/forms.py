"""Run a service from a page and put its refusal on the form: views need no try/except.

    quittance = run_in_form(form, lambda: services.quittance_issue(agent=user, **form.cleaned_data))
    if quittance is None:                       # refused: the form now carries the reason
        return render(request, "…", {"form": form}, status=400)

A refusal the user can fix (a DomainError, a Django ValidationError) goes on the form: on each field it names
(`extra["fields"]`, mapped through `aliases` when the service's names differ from the form's), else above the
form. "Not allowed" (403) and "not found" (404) are not the user's to fix: they propagate to the error pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from jamaa.platform.errors import DomainError

T = TypeVar("T")
D = TypeVar("D")

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
    generic: bool = False,
) -> None:
    """Put a refusal on the form: per named field when the form has it, otherwise as a non-field error.
    A DomainError's field gets the error's message, or with `detail` the texts its `extra["fields"]` gives, or with
    `generic` the error kind's own (translated) message, when the instance's message lists every field."""
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
            field_message = str(type(exc).message) if generic and isinstance(exc, DomainError) else message
            for text in _messages(errors if detail or isinstance(exc, ValidationError) else None, field_message):
                form.add_error(field, text)
            placed = True
    if not placed:
        form.add_error(None, message)


def run_in_form(
    form: forms.BaseForm,
    call: Callable[[], T],
    *,
    aliases: Mapping[str, str] | None = None,
    detail: bool = False,
    generic: bool = False,
) -> T | None:
    """The service's result, or None with the refusal on the form. 403/404 refusals propagate."""
    try:
        return call()
    except DomainError as exc:
        if exc.http_status in _PROPAGATE:
            raise
        form_error(form, exc, aliases=aliases, detail=detail, generic=generic)
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


# --- a refusal as a message, and query parameters parsed without try/except in views ---


def run_in_messages(
    request: Any,
    call: Callable[[], T],
    *,
    texts: Mapping[type[DomainError], str] | None = None,
) -> T | None:
    """The service's result, or None with its refusal shown as an error message on the next page (for a button
    with no form to show again: the view redirects either way). `texts` gives a page's own wording for some
    refusals (the first class the error is an instance of); 403/404 refusals propagate to the error pages."""
    from django.contrib import messages

    try:
        return call()
    except DomainError as exc:
        if exc.http_status in _PROPAGATE:
            raise
        text = next((str(t) for kind, t in (texts or {}).items() if isinstance(exc, kind)), str(exc.message))
        messages.error(request, text)
    return None


def date_param(raw: str | None, default: D) -> dt.date | D:
    """An ISO date from a query or a form field, or `default` when it is empty or not a date."""
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return default


def int_param(raw: str | None, default: D) -> int | D:
    """A whole number from a query parameter, or `default` when it is empty or not a number."""
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        return default


# --- a detail page's POST form: run the service, back to the page, or the page again with the refusal ---


def form_action(
    form: forms.BaseForm,
    call: Callable[[dict[str, Any]], object],
    *,
    done: str | Callable[[Any], str],
    again: Callable[[forms.BaseForm], HttpResponse],
    aliases: Mapping[str, str] | None = None,
    request: HttpRequest | None = None,
    message: str = "",
) -> HttpResponse:
    """A posted form on a page: when valid, `call(cleaned_data)` runs the one service; its result leads to `done`
    (a URL, or a function of the result giving one), with `message` shown there when given (needs `request`).
    Invalid, or refused (the refusal on the form, `run_in_form`): `again(form)`, the page shown again with this
    form bound, answered with 400. 403/404 refusals propagate to the error pages.

        return form_action(forms.ReasonForm(request.POST),
                           lambda d: services.mission_cancel(actor=request.user, mission_id=pk, reason=d["reason"]),
                           done=reverse("parc:mission-detail", args=[pk]),
                           again=lambda form: _mission_page(request, pk, {"cancel_form": form}))
    """
    if form.is_valid():
        result = run_in_form(form, lambda: call(form.cleaned_data), aliases=aliases)
        if result is not None:
            if message and request is not None:
                from django.contrib import messages

                messages.success(request, message)
            return HttpResponseRedirect(done if isinstance(done, str) else done(result))
    response = again(form)
    response.status_code = 400
    return response


@dataclass(frozen=True)
class DetailPage:
    """A detail page whose forms each post to one service: `render(request, pk, **bound)` draws the page (a bound,
    refused form under its context name replaces the blank one), `url_name` is the page's route (one `pk`).

        VEHICLE = DetailPage("parc:vehicle-detail", _vehicle_page)

        def vehicle_detail(request, vehicle_id):
            return VEHICLE.render(request, vehicle_id)

        def vehicle_document(request, vehicle_id):
            return VEHICLE.act(request, vehicle_id, forms.DocumentForm(request.POST), "document_form",
                               lambda d: services.document_add(actor=request.user, vehicle_id=vehicle_id, **d))
    """

    url_name: str
    render: Callable[..., HttpResponse]

    def act(
        self,
        request: HttpRequest,
        pk: int,
        form: forms.BaseForm,
        name: str,
        call: Callable[[dict[str, Any]], object],
        *,
        aliases: Mapping[str, str] | None = None,
        go_to: Callable[[Any], int] | None = None,
        anchor: str = "",
        message: str = "",
    ) -> HttpResponse:
        """`form_action` on this page: back to it (or to the page of `go_to(result)`; at `anchor`, e.g. "#acts"),
        or it again with `form`."""
        return form_action(
            form,
            call,
            done=lambda result: reverse(self.url_name, args=[go_to(result) if go_to else pk]) + anchor,
            again=lambda bound: self.render(request, pk, **{name: bound}),
            aliases=aliases,
            request=request,
            message=message,
        )
