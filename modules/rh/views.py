"""Pages of human resources: as thin as the API. Roles by the kernel's decorator; visibility in the selectors; a
refusal goes on the form through the kernel's run_in_form (no try/except here); 403 and 404 are the styled pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import DetailPage, run_in_form
from jamaa.platform.kernel.roles import role_required

from . import documents, permissions, selectors, services
from .models import ActKind, LeaveKind, Position

DATE = forms.DateInput(attrs={"type": "date"})


class Styled(forms.Form):
    """Bootstrap classes on every input (the pages fit a 360 px phone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


def _grades() -> list[tuple[str, str]]:
    return [(g.code, f"{g.name_fr} · {g.name_ar} ({g.echelle})") for g in selectors.grade_options()]


class AgentForm(Styled):
    cin = forms.CharField(label=_("CIN"), max_length=12)
    last_name_fr = forms.CharField(label=_("Last name (Latin)"), max_length=80)
    first_name_fr = forms.CharField(label=_("First name (Latin)"), max_length=80)
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=80)
    first_name_ar = forms.CharField(label=_("First name (Arabic)"), max_length=80)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    birth_place = forms.CharField(label=_("Birth place"), max_length=120, required=False)
    diplomas = forms.CharField(label=_("Diplomas"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    service = forms.CharField(label=_("Service"), max_length=120, required=False)
    grade_code = forms.ChoiceField(label=_("Grade"))
    echelon = forms.IntegerField(label=_("Step (échelon)"), min_value=1, max_value=11, initial=1)
    recruited_on = forms.DateField(label=_("Recruited on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade_code"].choices = _grades()  # type: ignore[attr-defined]


class ActForm(Styled):
    kind = forms.ChoiceField(label=_("Act"), choices=[(k, v) for k, v in ActKind.choices if k != ActKind.RECRUITMENT])
    effective_date = forms.DateField(label=_("Effective date"), widget=DATE)
    grade_code = forms.ChoiceField(label=_("Grade"), required=False)
    echelon = forms.IntegerField(label=_("Step (échelon)"), min_value=1, max_value=11, required=False)
    position = forms.ChoiceField(label=_("Position"), choices=[("", "—"), *Position.choices], required=False)
    service = forms.CharField(label=_("Service"), max_length=120, required=False)
    object_fr = forms.CharField(label=_("Object (French)"), max_length=300, required=False)
    object_ar = forms.CharField(label=_("Object (Arabic)"), max_length=300, required=False)
    corrects_act_id = forms.IntegerField(label=_("Act corrected (id)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade_code"].choices = [("", "—"), *_grades()]  # type: ignore[attr-defined]


class LeaveForm(Styled):
    kind = forms.ChoiceField(label=_("Leave"), choices=LeaveKind.choices)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RatingForm(Styled):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    score = forms.DecimalField(label=_("Score (/20)"), min_value=0, max_value=20, decimal_places=2)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False)


class DecideForm(Styled):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    note = forms.CharField(max_length=300, required=False)


class HolidayForm(Styled):
    day = forms.DateField(label=_("Day announced"), widget=DATE)


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    if not permissions.is_agent(request.user):
        # the module's card leads an agent (self-service) to their own file; anyone else learns they have none
        return HttpResponseRedirect(reverse("rh:me"))
    service = request.GET.get("service", "").strip()
    grade = request.GET.get("grade", "").strip()
    text = request.GET.get("q", "").strip()
    rows = selectors.agent_list(viewer=request.user, service=service, grade_code=grade, text=text)
    groups: dict[tuple[str, str], list[selectors.AgentRow]] = {}
    for r in rows:
        groups.setdefault((r.service or "—", r.grade_code), []).append(r)
    context = {
        "groups": groups,
        "count": len(rows),
        "service": service,
        "grade": grade,
        "q": text,
        "grades": selectors.grade_options(),
    }
    return render(request, "rh/staff_list.html", context)


@role_required(permissions.AGENT)
def agent_new(request: HttpRequest) -> HttpResponse:
    form = AgentForm(request.POST or None, initial={"recruited_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        result = run_in_form(form, lambda: services.agent_recruit(actor=request.user, data=services.AgentInput(**data)))
        if result is not None:
            return HttpResponseRedirect(reverse("rh:agent-detail", args=[result.agent_id]))
    return render(request, "rh/agent_new.html", {"form": form}, status=400 if form.errors else 200)


def _detail(request: HttpRequest, agent_id: int, **forms_: Any) -> HttpResponse:
    detail = selectors.agent_get(viewer=request.user, agent_id=agent_id)
    hr = permissions.is_agent(request.user)
    context = {
        "d": detail,
        "hr": hr,
        "act_form": forms_.get("act_form") or ActForm(initial={"effective_date": timezone.localdate()}),
        "leave_form": forms_.get("leave_form") or LeaveForm(),
        "rating_form": forms_.get("rating_form") or RatingForm(initial={"year": timezone.localdate().year - 1}),
    }
    return render(request, "rh/agent_detail.html", context)


AGENT = DetailPage("rh:agent-detail", _detail)


@login_required
def agent_detail(request: HttpRequest, agent_id: int) -> HttpResponse:
    return AGENT.render(request, agent_id)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    agent_id = selectors.agent_of_user(viewer=request.user)
    if agent_id is None:
        return render(request, "rh/me_none.html")
    return _detail(request, agent_id)


@role_required(permissions.AGENT)
@require_POST
def agent_act(request: HttpRequest, agent_id: int) -> HttpResponse:
    selectors.agent_get(viewer=request.user, agent_id=agent_id)
    return AGENT.act(
        request,
        agent_id,
        ActForm(request.POST),
        "act_form",
        lambda c: services.act_issue(
            actor=request.user,
            data=services.ActInput(
                agent_id=agent_id,
                kind=c["kind"],
                effective_date=c["effective_date"],
                grade_code=c["grade_code"] or "",
                echelon=c["echelon"],
                position=c["position"] or "",
                service=c["service"] or None,
                object_fr=c["object_fr"],
                object_ar=c["object_ar"],
                corrects_act_id=c["corrects_act_id"],
            ),
        ),
        anchor="#acts",
    )


@login_required
@require_POST
def agent_leave(request: HttpRequest, agent_id: int) -> HttpResponse:
    selectors.agent_get(viewer=request.user, agent_id=agent_id)
    return AGENT.act(
        request,
        agent_id,
        LeaveForm(request.POST),
        "leave_form",
        lambda c: services.leave_request(
            actor=request.user, agent_id=agent_id, kind=c["kind"], start=c["start"], end=c["end"], reason=c["reason"]
        ),
        anchor="#leave",
    )


@role_required(permissions.AGENT)
@require_POST
def agent_rating(request: HttpRequest, agent_id: int) -> HttpResponse:
    selectors.agent_get(viewer=request.user, agent_id=agent_id)
    return AGENT.act(
        request,
        agent_id,
        RatingForm(request.POST),
        "rating_form",
        lambda c: services.rating_record(
            actor=request.user, agent_id=agent_id, year=c["year"], score=c["score"], comment=c["comment"]
        ),
    )


@role_required(permissions.AGENT)
def leave_list(request: HttpRequest) -> HttpResponse:
    return render(request, "rh/leave_list.html", {"rows": selectors.leave_pending(viewer=request.user)})


@role_required(permissions.AGENT)
@require_POST
def leave_decide(request: HttpRequest, leave_id: int) -> HttpResponse:
    selectors.leave_get(viewer=request.user, leave_id=leave_id)
    form = DecideForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        done = run_in_form(
            form,
            lambda: services.leave_decide(
                actor=request.user, leave_id=leave_id, approve=approve, note=form.cleaned_data["note"]
            ),
        )
        if done is not None:
            return HttpResponseRedirect(reverse("rh:leave-list"))
    rows = selectors.leave_pending(viewer=request.user)
    return render(request, "rh/leave_list.html", {"rows": rows, "errors": form.errors}, status=400)


@login_required
@require_POST
def leave_cancel(request: HttpRequest, leave_id: int) -> HttpResponse:
    leave = selectors.leave_get(viewer=request.user, leave_id=leave_id)
    form = forms.Form(request.POST)
    run_in_form(form, lambda: services.leave_cancel(actor=request.user, leave_id=leave_id))
    return HttpResponseRedirect(reverse("rh:agent-detail", args=[leave.agent_id]) + "#leave")


@role_required(permissions.AGENT)
def act_list(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    chosen = int(year) if year.isdigit() else timezone.localdate().year
    return render(
        request, "rh/act_list.html", {"rows": selectors.act_list(viewer=request.user, year=chosen), "year": chosen}
    )


@login_required
def act_pdf(request: HttpRequest, act_id: int) -> HttpResponse:
    act = selectors.act_get(viewer=request.user, act_id=act_id)
    pdf, filename = documents.arrete_for(request=request, act=act)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


@role_required(permissions.AGENT)
def holiday_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    return render(request, "rh/holiday_list.html", {"rows": selectors.holiday_list(year=year), "year": year})


@role_required(permissions.AGENT)
@require_POST
def holiday_prepare(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    services.holidays_prepare(year=year)
    return HttpResponseRedirect(reverse("rh:holiday-list") + f"?year={year}")


@role_required(permissions.AGENT)
@require_POST
def holiday_confirm(request: HttpRequest, holiday_id: int) -> HttpResponse:
    form = HolidayForm(request.POST)
    year = _year(request)
    if form.is_valid():
        done = run_in_form(
            form,
            lambda: services.holiday_confirm(actor=request.user, holiday_id=holiday_id, day=form.cleaned_data["day"]),
        )
        if done is not None:
            return HttpResponseRedirect(reverse("rh:holiday-list") + f"?year={done.year}")
    rows = selectors.holiday_list(year=year)
    return render(request, "rh/holiday_list.html", {"rows": rows, "year": year, "errors": form.errors}, status=400)


@role_required(permissions.AGENT)
def tables(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate() + dt.timedelta(days=90)
    context = {
        "advancement": selectors.advancement_table(viewer=request.user, on=on),
        "on": on,
        "headcount": selectors.headcount_projection(viewer=request.user),
    }
    return render(request, "rh/tables.html", context)
