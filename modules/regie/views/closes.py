"""The day's close, versements and incidents."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import date_param
from jamaa.platform.kernel.pages import found

from .. import selectors, services
from ..forms import (
    DayCloseForm,
    ReferenceForm,
)
from ..models import (
    Regie,
)
from .common import (
    _attempt,
    _dh,
    _page,
    _today,
    _user_label,
    regisseur_required,
    staff_required,
    with_regie,
)

# ------------------------------------------------------------------------------------------------- the day close


def _close_page(
    request: HttpRequest, regie: Regie, *, form: DayCloseForm | None = None, status: int = 200
) -> HttpResponse:
    """What a close would count (the day and whose takings come from the query, or the form sent back)."""
    viewer = request.user
    regisseur = selectors.may_supervise(viewer=viewer)
    agents = selectors.closing_agents(viewer=viewer)
    choices = [(u.pk, _user_label(u)) for u in agents]
    source = request.POST if form is not None else request.GET
    day = date_param(source.get("day"), _today())
    raw = source.get("agent", "")
    asked: int | None = int(raw) if raw.isdigit() and int(raw) in {u.pk for u in agents} else None
    agent_id = selectors.takings_scope(viewer=viewer, agent_id=asked)
    if form is None:
        form = DayCloseForm(initial={"day": day, "agent": agent_id}, agents=choices, whole_regie=regisseur)
    summary = selectors.day_summary(regie_id=regie.pk, day=day, viewer=viewer, agent_id=agent_id)
    closes = list(selectors.versements_list(regie_id=regie.pk, viewer=viewer, start=day, end=day))
    return _page(
        request,
        "close.html",
        {
            "regie": regie,
            "form": form,
            "day": day,
            "agent_id": agent_id,
            "summary": summary,
            "quittances": list(
                selectors.quittances_for_day(regie_id=regie.pk, day=day, viewer=viewer, agent_id=agent_id)
            ),
            "closes": closes,
        },
        status=status,
    )


@staff_required
@with_regie
def day_close(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Count the cash, compare with the day's quittances, close: the versement slip, and the day is locked."""
    if request.method != "POST":
        return _close_page(request, regie)
    regisseur = selectors.may_supervise(viewer=request.user)
    agents = selectors.closing_agents(viewer=request.user)
    form = DayCloseForm(request.POST, agents=[(u.pk, _user_label(u)) for u in agents], whole_regie=regisseur)
    if form.is_valid():
        data = form.cleaned_data
        # whose takings: the one chosen (the régisseur: none is the whole régie's); an agent: his own
        agent_id = selectors.takings_scope(viewer=request.user, agent_id=data["agent"] or None)
        agent = next((u for u in agents if u.pk == agent_id), None)
        versement = _attempt(
            form,
            lambda: services.day_close(
                actor=request.user,
                regie_id=regie.pk,
                day=data["day"],
                counted_dh=data["counted_dh"],
                agent=agent,
                note=data["note"].strip(),
            ),
        )
        if versement is not None:
            if versement.difference_dh:
                messages.warning(
                    request,
                    _("Day closed with a difference of %(diff)s DH: an incident is recorded for the régisseur.")
                    % {"diff": _dh(versement.difference_dh)},
                )
            else:
                messages.success(request, _("Day closed: versement n° %(n)s.") % {"n": versement.number})
            return HttpResponseRedirect(reverse("regie:versement-detail", args=[versement.pk]))
    return _close_page(request, regie, form=form, status=400)


# ---------------------------------------------------------------------------------------------------- versements


@staff_required
@with_regie
def versement_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    versements = selectors.versements_list(
        regie_id=regie.pk, viewer=request.user, start=_today() - dt.timedelta(days=366)
    )
    return _page(request, "versement_list.html", {"regie": regie, "versements": list(versements[:200])})


def _versement_page(
    request: HttpRequest, versement_id: int, *, form: ReferenceForm | None = None, status: int = 200
) -> HttpResponse:
    versement = found(lambda: selectors.versement_get(versement_id=versement_id, viewer=request.user))
    return _page(
        request,
        "versement_detail.html",
        {
            "versement": versement,
            "items": list(selectors.versement_items(versement_id=versement.pk, viewer=request.user)),
            "incidents": selectors.versement_incidents(versement_id=versement.pk, viewer=request.user),
            "form": form or ReferenceForm(),
        },
        status=status,
    )


@staff_required
def versement_detail(request: HttpRequest, versement_id: int) -> HttpResponse:
    """A close: expected, counted, difference, its quittances (the relevé nominatif) and the print-outs."""
    return _versement_page(request, versement_id)


@regisseur_required
@require_POST
def versement_reference(request: HttpRequest, versement_id: int) -> HttpResponse:
    """The trésorier's receipt reference for the régie's versement."""
    form = ReferenceForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.versement_set_treasury_reference(
                actor=request.user, versement_id=versement_id, reference=form.cleaned_data["reference"].strip()
            ),
        )
        if done is not None:
            messages.success(request, _("Treasury reference recorded."))
            return HttpResponseRedirect(reverse("regie:versement-detail", args=[versement_id]))
    return _versement_page(request, versement_id, form=form, status=400)


@regisseur_required
@with_regie
def incident_list(request: HttpRequest, regie: Regie) -> HttpResponse:
    """What the régisseur must look at: cash differences at closes, numbers missing from a collector's block,
    payments refused for a number outside the collector's block (the cash was taken)."""
    incidents = selectors.incidents_list(regie_id=regie.pk, viewer=request.user).select_related("agent", "versement")
    return _page(request, "incident_list.html", {"regie": regie, "incidents": list(incidents[:500])})
