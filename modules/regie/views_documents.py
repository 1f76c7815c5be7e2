"""PDF documents of the régie and the public verification page of quittances.

The PDFs are for the régie's staff of the commune whose host was called, each as its screen and its API route
decide it (the selectors, with `viewer=`): a quittance for any of the staff; an ordre, a bordereau and the état
des restes for the régisseur (403 otherwise); a versement's relevé for the régisseur or the agent whose close it
is (404 otherwise). Anonymous visitors get the login page, an unknown id a 404 (the schema isolates: another
commune's id is unknown here). The verification page needs no login: it says whether a code
was issued by this commune's régie, and what the receipt holds.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from jamaa.platform.core.words import format_dh
from jamaa.platform.kernel.forms import date_param, int_param
from jamaa.platform.kernel.pages import found
from jamaa.platform.kernel.verification import number_words
from jamaa.platform.kernel.words import amount_ar, amount_fr

from . import documents, selectors, verification

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponseBase]


def collector_required(view: View[P]) -> View[P]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        if not selectors.may_read(viewer=request.user):
            raise PermissionDenied
        return found(lambda: view(request, *args, **kwargs))

    return wrapped


def _pdf(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _base_url(request: HttpRequest) -> str:
    """The commune's address as this request reached it (the QR code points back to the same host)."""
    return request.build_absolute_uri("/").rstrip("/")


@collector_required
def quittance_pdf(request: HttpRequest, quittance_id: int) -> HttpResponse:
    """The quittance on an A4 page (what the "A4 PDF" button promises), with its QR code to the verification page."""
    masthead, data = documents.quittance_data(
        quittance_id=quittance_id, viewer=request.user, base_url=_base_url(request)
    )
    pdf = documents.render_quittance(masthead=masthead, q=data, layout="a4")
    return _pdf(pdf, f"quittance-{data.exercice}-{data.series}-{data.number}.pdf")


@collector_required
def quittance_ticket(request: HttpRequest, quittance_id: int) -> HttpResponse:
    """The same quittance on a 58 mm roll (thermal printer)."""
    masthead, data = documents.quittance_data(
        quittance_id=quittance_id, viewer=request.user, base_url=_base_url(request)
    )
    pdf = documents.render_quittance(masthead=masthead, q=data, layout="ticket")
    return _pdf(pdf, f"ticket-{data.exercice}-{data.series}-{data.number}.pdf")


@collector_required
def ordre_pdf(request: HttpRequest, ordre_id: int) -> HttpResponse:
    masthead, data = documents.ordre_data(ordre_id=ordre_id, viewer=request.user)
    return _pdf(documents.render_ordre(masthead=masthead, ordre=data), f"ordre-{data.exercice}-{data.number}.pdf")


@collector_required
def bordereau_pdf(request: HttpRequest, bordereau_id: int) -> HttpResponse:
    masthead, data = documents.bordereau_data(bordereau_id=bordereau_id, viewer=request.user)
    pdf = documents.render_bordereau(masthead=masthead, bordereau=data)
    return _pdf(pdf, f"bordereau-{data.exercice}-{data.number}.pdf")


@collector_required
def releve_pdf(request: HttpRequest, versement_id: int) -> HttpResponse:
    """The relevé nominatif of a versement's quittances."""
    masthead, data = documents.releve_data(versement_id=versement_id, viewer=request.user)
    pdf = documents.render_releve(masthead=masthead, releve=data)
    return _pdf(pdf, f"releve-{data.exercice}-{data.number}.pdf")


V = TypeVar("V")


def _param(raw: str | None, parse: Callable[[str, None], V | None], default: V) -> V:
    """A query parameter, `default` when absent; a malformed one is a page that does not exist (404)."""
    if not raw:
        return default
    value = parse(raw, None)
    if value is None:
        raise Http404
    return value


@collector_required
def restes_pdf(request: HttpRequest) -> HttpResponse:
    """État des restes à recouvrer: ?regie=<id>&exercice=<year>&as_of=<YYYY-MM-DD> (defaults: the régie, this
    year, today)."""
    today = timezone.localdate()
    regie = selectors.regie_default()
    regie_id = _param(request.GET.get("regie"), int_param, regie.pk if regie is not None else 0)
    exercice = _param(request.GET.get("exercice"), int_param, today.year)
    as_of = _param(request.GET.get("as_of"), date_param, today)
    masthead, data = documents.restes_data(regie_id=regie_id, exercice=exercice, as_of=as_of, viewer=request.user)
    return _pdf(documents.render_restes(masthead=masthead, restes=data), f"restes-{exercice}-{as_of}.pdf")


def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: is this quittance genuine? ?amount= (as printed) checks a receipt signed offline not yet received."""
    amount = request.GET.get("amount", "")
    result = verification.verify(code=code, amount=amount or None)
    context: dict[str, Any] = {"result": result, "code": code, "amount": amount, "amount_text": ""}
    if result is not None:
        # What the verifier compares with the paper, as the receipt prints it, in both languages: the number (and
        # in words), the amount in figures and words; no code of a tax, a budget line or a status.
        context["reference"] = f"{result.exercice}/{result.series}/{result.number:06d}"
        context["number_fr"], context["number_ar"] = number_words(result.number)
        if result.amount_dh is not None:
            context["amount_text"] = format_dh(result.amount_dh)
            context["amount_fr"], context["amount_ar"] = amount_fr(result.amount_dh), amount_ar(result.amount_dh)
    return render(request, "regie/verify.html", context, status=200 if result is not None else 404)
