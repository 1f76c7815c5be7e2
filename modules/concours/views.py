"""Pages of the recruitment exams: as thin as the API. Roles by the kernel's decorator; a refusal goes on the page's
form through the kernel's run_in_form (no try/except here); 403 and 404 are the styled pages. The announcements and
the published lists are public (the portal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from jamaa.modules.rh import selectors as rh_selectors
from jamaa.platform.kernel.forms import DetailPage, form_action, run_in_form
from jamaa.platform.kernel.roles import role_required

from . import documents, permissions, selectors, services
from .models import Quota

DATE = forms.DateInput(attrs={"type": "date"})


class Styled(forms.Form):
    """Bootstrap classes on every input (the pages fit a 360 px phone)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")


class ConcoursForm(Styled):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    title_ar = forms.CharField(label=_("Title (Arabic)"), max_length=200)
    grade_code = forms.ChoiceField(label=_("Grade"))
    service = forms.CharField(label=_("Service"), max_length=120, required=False)
    posts = forms.IntegerField(label=_("Posts"), min_value=1, max_value=500)
    announced_on = forms.DateField(label=_("Announced on"), widget=DATE)
    applications_until = forms.DateField(label=_("Applications until"), widget=DATE)
    exam_date = forms.DateField(label=_("Exam date"), widget=DATE)
    age_max = forms.IntegerField(label=_("Age limit"), min_value=19, max_value=45, initial=40)
    documents_required = forms.CharField(
        label=_("Documents required"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade_code"].choices = [  # type: ignore[attr-defined]
            (g.code, f"{g.name_fr} · {g.name_ar} ({g.echelle})") for g in rh_selectors.grade_options()
        ]


class ApplicationForm(Styled):
    cin = forms.CharField(label=_("CIN"), max_length=12)
    last_name_fr = forms.CharField(label=_("Last name (Latin)"), max_length=80)
    first_name_fr = forms.CharField(label=_("First name (Latin)"), max_length=80)
    last_name_ar = forms.CharField(label=_("Last name (Arabic)"), max_length=80)
    first_name_ar = forms.CharField(label=_("First name (Arabic)"), max_length=80)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE)
    diploma = forms.CharField(label=_("Diploma"), max_length=200)
    quota = forms.ChoiceField(label=_("Category"), choices=Quota.choices)


class ScreenForm(Styled):
    eligible = forms.ChoiceField(choices=[("1", _("Eligible")), ("0", _("Not eligible"))])
    reason = forms.CharField(max_length=300, required=False)


class ConvocationForm(Styled):
    centre = forms.CharField(label=_("Exam centre"), max_length=200)
    room_size = forms.IntegerField(label=_("Seats per room"), min_value=1, max_value=500, initial=20)


class WrittenForm(Styled):
    code = forms.CharField(label=_("Anonymous code"), max_length=12)
    corrector = forms.ChoiceField(label=_("Corrector"), choices=[("1", "1"), ("2", "2"), ("3", "3")])
    score = forms.DecimalField(label=_("Mark (/20)"), min_value=0, max_value=20, decimal_places=2)


class OralForm(Styled):
    score = forms.DecimalField(label=_("Oral mark (/20)"), min_value=0, max_value=20, decimal_places=2)


@role_required(permissions.MANAGER)
def concours_list(request: HttpRequest) -> HttpResponse:
    form = ConcoursForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.ConcoursInput(**form.cleaned_data)
        made = run_in_form(form, lambda: services.concours_announce(actor=request.user, data=data))
        if made is not None:
            return HttpResponseRedirect(reverse("concours:concours-detail", args=[made.pk]))
    rows = selectors.concours_list(viewer=request.user)
    return render(
        request, "concours/concours_list.html", {"rows": rows, "form": form}, status=400 if form.errors else 200
    )


def _detail(request: HttpRequest, concours_id: int, error: Any = None, **forms_: Any) -> HttpResponse:
    detail = selectors.concours_get(viewer=request.user, concours_id=concours_id)
    context = {
        "d": detail,
        "k": detail.concours,
        "error": error,
        "application_form": forms_.get("application_form") or ApplicationForm(),
        "convocation_form": forms_.get("convocation_form") or ConvocationForm(),
        "written_form": forms_.get("written_form") or WrittenForm(),
        "latest": detail.lists[0] if detail.lists else None,
    }
    return render(request, "concours/concours_detail.html", context)


CONCOURS = DetailPage("concours:concours-detail", _detail)


@role_required(permissions.MANAGER)
def concours_detail(request: HttpRequest, concours_id: int) -> HttpResponse:
    return CONCOURS.render(request, concours_id)


def _step(
    request: HttpRequest, concours_id: int, call: Callable[[dict[str, Any]], object], form: forms.Form | None = None
) -> HttpResponse:
    """A step with no form of its own on the page: its refusal is shown above the page."""
    return form_action(
        form if form is not None else forms.Form(request.POST),
        call,
        done=reverse("concours:concours-detail", args=[concours_id]),
        again=lambda bound: _detail(request, concours_id, error=bound.errors),
    )


@role_required(permissions.MANAGER)
@require_POST
def concours_advance(request: HttpRequest, concours_id: int) -> HttpResponse:
    return _step(
        request, concours_id, lambda _d: services.concours_advance(actor=request.user, concours_id=concours_id)
    )


@role_required(permissions.MANAGER)
@require_POST
def application_register(request: HttpRequest, concours_id: int) -> HttpResponse:
    return CONCOURS.act(
        request,
        concours_id,
        ApplicationForm(request.POST),
        "application_form",
        lambda d: services.application_register(
            actor=request.user, concours_id=concours_id, data=services.ApplicationInput(**d)
        ),
        anchor="#applications",
    )


@role_required(permissions.MANAGER)
@require_POST
def application_screen(request: HttpRequest, candidature_id: int) -> HttpResponse:
    concours, _row = selectors.candidature_get(viewer=request.user, candidature_id=candidature_id)
    form = ScreenForm(request.POST)
    return _step(
        request,
        concours.id,
        lambda d: services.application_screen(
            actor=request.user, candidature_id=candidature_id, eligible=d["eligible"] == "1", reason=d["reason"]
        ),
        form,
    )


@role_required(permissions.MANAGER)
@require_POST
def convocations_issue(request: HttpRequest, concours_id: int) -> HttpResponse:
    return CONCOURS.act(
        request,
        concours_id,
        ConvocationForm(request.POST),
        "convocation_form",
        lambda d: services.convocations_issue(actor=request.user, concours_id=concours_id, **d),
    )


@role_required(permissions.MANAGER)
def convocation_pdf(request: HttpRequest, candidature_id: int) -> HttpResponse:
    concours, row = selectors.candidature_get(viewer=request.user, candidature_id=candidature_id)
    if not row.convocation_code:
        raise Http404
    pdf, filename = documents.convocation_for(request=request, concours=concours, c=row)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@role_required(permissions.MANAGER)
@require_POST
def written_mark(request: HttpRequest, concours_id: int) -> HttpResponse:
    return CONCOURS.act(
        request,
        concours_id,
        WrittenForm(request.POST),
        "written_form",
        lambda c: services.written_mark_enter(
            actor=request.user, concours_id=concours_id, code=c["code"], corrector=int(c["corrector"]), score=c["score"]
        ),
        anchor="#marks",
    )


@role_required(permissions.MANAGER)
@require_POST
def oral_mark(request: HttpRequest, candidature_id: int) -> HttpResponse:
    concours, _row = selectors.candidature_get(viewer=request.user, candidature_id=candidature_id)
    form = OralForm(request.POST)
    return _step(
        request,
        concours.id,
        lambda d: services.oral_mark_enter(actor=request.user, candidature_id=candidature_id, score=d["score"]),
        form,
    )


@role_required(permissions.MANAGER)
@require_POST
def results_publish(request: HttpRequest, concours_id: int) -> HttpResponse:
    return _step(request, concours_id, lambda _d: services.results_publish(actor=request.user, concours_id=concours_id))


@role_required(permissions.MANAGER)
@require_POST
def appointment_make(request: HttpRequest, candidature_id: int) -> HttpResponse:
    concours, _row = selectors.candidature_get(viewer=request.user, candidature_id=candidature_id)
    return _step(
        request,
        concours.id,
        lambda _d: services.appointment_make(
            actor=request.user, candidature_id=candidature_id, recruited_on=timezone.localdate()
        ),
    )


def announcements(request: HttpRequest) -> HttpResponse:
    """Public: the concours announced or open (what the commune's portal shows)."""
    return render(request, "concours/announcements.html", {"rows": selectors.concours_announced()})


def results_public(request: HttpRequest, concours_id: int) -> HttpResponse:
    """Public: the latest published lists of a concours (ranks and names)."""
    result = selectors.results_published(concours_id=concours_id)
    if result is None:
        raise Http404
    return render(request, "concours/results_public.html", {"r": result})
