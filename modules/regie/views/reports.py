"""The dashboard, the restes à recouvrer, the journal, the Treasury export and the audit trail."""

from __future__ import annotations

import calendar
import datetime as dt

from django.http import HttpRequest, HttpResponse

from jamaa.platform.core import spreadsheet

from .. import selectors
from ..forms import (
    AuditForm,
    ExportForm,
    JournalForm,
    RedevableSearchForm,
    RestesForm,
)
from ..models import (
    Regie,
)
from .common import _name, _page, _today, regisseur_required, staff_required, with_regie

# ------------------------------------------------------------------------------------------------ dashboard


@staff_required
@with_regie
def dashboard(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Today's takings (mine, or the régie's for the régisseur), my last receipts, pending cancellations."""
    today = _today()
    viewer = request.user
    regisseur = selectors.may_supervise(viewer=viewer)
    mine = selectors.day_summary(regie_id=regie.pk, day=today, viewer=viewer, agent_id=viewer.pk)
    whole = selectors.day_summary(regie_id=regie.pk, day=today, viewer=viewer) if regisseur else None
    return _page(
        request,
        "dashboard.html",
        {
            "regie": regie,
            "regie_name": _name(regie),
            "today": today,
            "mine": mine,
            "whole": whole,
            "quittances": list(
                selectors.quittances_for_day(regie_id=regie.pk, day=today, viewer=viewer, agent_id=viewer.pk)
            ),
            "pending": list(selectors.cancellations_pending(regie_id=regie.pk, viewer=viewer)) if regisseur else [],
            "search_form": RedevableSearchForm(),
        },
    )


# ------------------------------------------------------------------------------------------------------ reports


@regisseur_required
@with_regie
def restes(request: HttpRequest, regie: Regie) -> HttpResponse:
    """État des restes à recouvrer: what the ordres still owe at a date."""
    form = RestesForm(request.GET if "exercice" in request.GET else None)
    exercice, as_of = _today().year, _today()
    if form.is_bound and form.is_valid():
        exercice, as_of = form.cleaned_data["exercice"], form.cleaned_data["as_of"]
    elif not form.is_bound:
        form = RestesForm(initial={"exercice": exercice, "as_of": as_of})
    return _page(
        request,
        "restes.html",
        {
            "regie": regie,
            "form": form,
            "exercice": exercice,
            "as_of": as_of,
            "report": selectors.restes_a_recouvrer(
                regie_id=regie.pk, exercice=exercice, as_of=as_of, viewer=request.user
            ),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _period(scale: str, on: dt.date) -> tuple[dt.date, dt.date]:
    if scale == "year":
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    if scale == "month":
        return on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1])
    return on, on


@regisseur_required
@with_regie
def journal(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Takings per budget line for a day, a month or a year."""
    form = JournalForm(request.GET if "on" in request.GET else None)
    scale, on = "day", _today()
    if form.is_bound and form.is_valid():
        scale, on = form.cleaned_data["scale"], form.cleaned_data["on"]
    elif not form.is_bound:
        form = JournalForm(initial={"scale": scale, "on": on})
    start, end = _period(scale, on)
    return _page(
        request,
        "journal.html",
        {
            "regie": regie,
            "form": form,
            "start": start,
            "end": end,
            "report": selectors.journal(regie_id=regie.pk, start=start, end=end, viewer=request.user),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@regisseur_required
@with_regie
def export(request: HttpRequest, regie: Regie) -> HttpResponse:
    """The receipts of a period as CSV (UTF-8 with a BOM, so spreadsheet programs read the Arabic)."""
    form = ExportForm(request.GET if "start" in request.GET else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = selectors.receipts_csv(
            regie_id=regie.pk,
            start=data["start"],
            end=data["end"],
            viewer=request.user,
            budget_line=data["budget_line"].strip() or None,
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="quittances-{data["start"].isoformat()}-{data["end"].isoformat()}.csv"'
        )
        response.write("\ufeff")
        writer = spreadsheet.writer(response)  # no cell runs as a formula
        for row in rows:
            writer.writerow(row)
        return response
    if not form.is_bound:
        today = _today()
        form = ExportForm(initial={"start": today.replace(day=1), "end": today})
    budget_lines = list(selectors.budget_lines(regie_id=regie.pk))
    return _page(
        request,
        "export.html",
        {"regie": regie, "form": form, "budget_lines": budget_lines},
        status=400 if form.is_bound else 200,
    )


@regisseur_required
@with_regie
def audit(request: HttpRequest, regie: Regie) -> HttpResponse:
    """The audit case: biens and activités that owe a tax for the exercice with neither quittance nor ordre."""
    form = AuditForm(request.GET if "exercice" in request.GET else None)
    exercice = _today().year
    if form.is_bound and form.is_valid():
        exercice = form.cleaned_data["exercice"]
    elif not form.is_bound:
        form = AuditForm(initial={"exercice": exercice})
    return _page(
        request,
        "audit.html",
        {
            "regie": regie,
            "form": form,
            "exercice": exercice,
            "rows": list(
                selectors.authorisations_without_ordre(regie_id=regie.pk, exercice=exercice, viewer=request.user)
            ),
        },
    )
