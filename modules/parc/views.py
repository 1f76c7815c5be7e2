"""Pages of the parc automobile (French/Arabic, laid out for a phone in the garage): as thin as the API. Roles by
the kernel's decorator; a refusal goes on its form through run_in_form (no try/except here); 403 and 404 are
the styled error pages; documents are rendered from what the selectors return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import DetailPage, form_action, run_in_form
from jamaa.platform.kernel.roles import role_required

from . import documents, forms, permissions, selectors, services
from .models import Kind, State

AGENTS = (permissions.MANAGER, permissions.GARAGE)


def _ctx(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"is_manager": permissions.is_manager(request.user), **extra}


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _choices(rows: list[selectors.Choice], blank: bool = False) -> list[tuple[Any, str]]:
    out: list[tuple[Any, str]] = [("", "—")] if blank else []
    return out + [(c.id, c.label) for c in rows]


# --- dashboard and vehicles --------------------------------------------------------------------------------------


@role_required(*AGENTS)
def vehicle_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:40]
    state = request.GET.get("state", "")
    vehicles = selectors.vehicle_list(viewer=request.user, state=state if state in State.values else None, q=q)
    return render(
        request,
        "parc/vehicle_list.html",
        _ctx(
            request,
            vehicles=vehicles,
            q=q,
            expiring=selectors.documents_expiring(viewer=request.user),
            notices=selectors.expiry_notices(viewer=request.user, limit=5),
            states=State.choices,
            state=state,
        ),
    )


def _vehicle_form(request: HttpRequest) -> forms.VehicleForm:
    form = forms.VehicleForm(request.POST or None)
    forms.set_choices(form, "service_id", _choices(selectors.services_list(viewer=request.user)))
    return form


@role_required(permissions.MANAGER)
def vehicle_create(request: HttpRequest) -> HttpResponse:
    form = _vehicle_form(request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.VehicleInput(
            plate=d["plate"],
            plate_ar=d["plate_ar"],
            kind=d["kind"],
            service_id=d["service_id"],
            brand=d["brand"],
            model=d["model"],
            fuel=d["fuel"],
            tank_litres=d["tank_litres"],
            odometer=d["odometer"],
        )
        vehicle = run_in_form(form, lambda: services.vehicle_create(actor=request.user, data=data))
        if vehicle is not None:
            return HttpResponseRedirect(reverse("parc:vehicle-detail", args=[vehicle.pk]))
    status = 400 if form.errors else 200
    return render(request, "parc/vehicle_form.html", _ctx(request, form=form), status=status)


def _vehicle_page(request: HttpRequest, vehicle_id: int, **refused: Any) -> HttpResponse:
    detail = selectors.vehicle_get(viewer=request.user, vehicle_id=vehicle_id)
    segments, anomalies = selectors.vehicle_anomalies(viewer=request.user, vehicle_id=vehicle_id)
    state_form = forms.StateForm()
    assign_form = forms.AssignForm()
    page_forms: dict[str, Any] = {
        "state_form": state_form,
        "assign_form": assign_form,
        "end_form": forms.EndAssignmentForm(),
        "document_form": forms.DocumentForm(),
        "reading_form": forms.ReadingForm(),
        "maintenance_form": forms.MaintenanceForm(),
        **refused,
    }
    forms.set_choices(page_forms["state_form"], "state", detail.next_states)
    forms.set_choices(page_forms["assign_form"], "driver_id", _choices(selectors.drivers_list(viewer=request.user)))
    return render(
        request,
        "parc/vehicle_detail.html",
        _ctx(request, d=detail, v=detail.vehicle, segments=segments, anomalies=anomalies, **page_forms),
    )


VEHICLE = DetailPage("parc:vehicle-detail", _vehicle_page)


@role_required(*AGENTS)
def vehicle_detail(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    return VEHICLE.render(request, vehicle_id)


@require_POST
@role_required(permissions.MANAGER)
def vehicle_state(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    form = forms.StateForm(request.POST)
    detail = selectors.vehicle_get(viewer=request.user, vehicle_id=vehicle_id)
    forms.set_choices(form, "state", detail.next_states)
    return VEHICLE.act(
        request,
        vehicle_id,
        form,
        "state_form",
        lambda d: services.vehicle_state_change(
            actor=request.user, vehicle_id=vehicle_id, state=d["state"], reason=d["reason"], on=d["on"]
        ),
    )


@require_POST
@role_required(permissions.MANAGER)
def vehicle_assign(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    form = forms.AssignForm(request.POST)
    forms.set_choices(form, "driver_id", _choices(selectors.drivers_list(viewer=request.user)))
    return VEHICLE.act(
        request,
        vehicle_id,
        form,
        "assign_form",
        lambda d: services.assignment_start(
            actor=request.user,
            vehicle_id=vehicle_id,
            driver_id=d["driver_id"],
            start_on=d["start_on"],
            end_on=d["end_on"],
            note=d["note"],
        ),
    )


@require_POST
@role_required(permissions.MANAGER)
def assignment_end(request: HttpRequest, vehicle_id: int, assignment_id: int) -> HttpResponse:
    return VEHICLE.act(
        request,
        vehicle_id,
        forms.EndAssignmentForm(request.POST),
        "end_form",
        lambda d: services.assignment_end(actor=request.user, assignment_id=assignment_id, end_on=d["end_on"]),
    )


@require_POST
@role_required(permissions.MANAGER)
def vehicle_document(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    return VEHICLE.act(
        request,
        vehicle_id,
        forms.DocumentForm(request.POST),
        "document_form",
        lambda d: services.document_add(actor=request.user, vehicle_id=vehicle_id, **d),
    )


@require_POST
@role_required(*AGENTS)
def vehicle_reading(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    return VEHICLE.act(
        request,
        vehicle_id,
        forms.ReadingForm(request.POST),
        "reading_form",
        lambda d: services.odometer_record(
            actor=request.user, vehicle_id=vehicle_id, value=d["odometer"], read_on=d["read_on"]
        ),
    )


@require_POST
@role_required(*AGENTS)
def vehicle_maintenance(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    return VEHICLE.act(
        request,
        vehicle_id,
        forms.MaintenanceForm(request.POST),
        "maintenance_form",
        lambda d: services.maintenance_record(actor=request.user, vehicle_id=vehicle_id, **d),
    )


@role_required(*AGENTS)
def vehicle_logbook(request: HttpRequest, vehicle_id: int) -> HttpResponse:
    vehicle, lines = selectors.vehicle_logbook(viewer=request.user, vehicle_id=vehicle_id)
    return render(request, "parc/logbook.html", _ctx(request, v=vehicle, lines=lines))


# --- voucher books and vouchers ----------------------------------------------------------------------------------


def _book_form(request: HttpRequest) -> forms.BookForm:
    form = forms.BookForm(request.POST or None)
    vehicles = [(f"v{v.id}", v.plate) for v in selectors.vehicle_list(viewer=request.user) if v.state != State.REFORMED]
    service_rows = [(f"s{s.id}", s.label) for s in selectors.services_list(viewer=request.user)]
    forms.set_choices(form, "holder", vehicles + service_rows)
    return form


@role_required(*AGENTS)
def book_list(request: HttpRequest) -> HttpResponse:
    form = _book_form(request)
    if request.method == "POST":
        if not permissions.is_manager(request.user):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            holder = d["holder"]
            holder_id = int(holder[1:])
            vehicle_id, service_id = (holder_id, None) if holder[0] == "v" else (None, holder_id)
            book = run_in_form(
                form,
                lambda: services.book_issue(
                    actor=request.user,
                    count=d["count"],
                    face_value=d["face_value"],
                    supplier=d["supplier"],
                    issued_on=d["issued_on"],
                    vehicle_id=vehicle_id,
                    service_id=service_id,
                ),
                aliases={"vehicle_id": "holder", "service_id": "holder"},
            )
            if book is not None:
                return HttpResponseRedirect(reverse("parc:book-detail", args=[book.pk]))
    status = 400 if form.errors else 200
    books = selectors.book_list(viewer=request.user)
    return render(
        request,
        "parc/book_list.html",
        _ctx(request, form=form, books=books, find_form=forms.FindVoucherForm()),
        status=status,
    )


@role_required(*AGENTS)
def book_detail(request: HttpRequest, book_id: int) -> HttpResponse:
    detail = selectors.book_get(viewer=request.user, book_id=book_id)
    return render(request, "parc/book_detail.html", _ctx(request, d=detail, b=detail.book))


@role_required(*AGENTS)
def book_pdf(request: HttpRequest, book_id: int) -> HttpResponse:
    detail = selectors.book_get(viewer=request.user, book_id=book_id)
    return _pdf(*documents.book_for(request=request, book=detail))


@role_required(*AGENTS)
def voucher_find(request: HttpRequest) -> HttpResponse:
    form = forms.FindVoucherForm(request.GET or None)
    if form.is_valid():
        reference = form.cleaned_data["reference"]
        found = run_in_form(form, lambda: selectors.voucher_find(viewer=request.user, reference=reference))
        if found is not None:
            return HttpResponseRedirect(reverse("parc:voucher-detail", args=[found]))
    return render(request, "parc/voucher_find.html", _ctx(request, find_form=form), status=400 if form.errors else 200)


def _voucher_page(request: HttpRequest, voucher_id: int, **refused: Any) -> HttpResponse:
    detail = selectors.voucher_get(viewer=request.user, voucher_id=voucher_id)
    page_forms: dict[str, Any] = {"fill_form": forms.FillForm(), "cancel_form": forms.ReasonForm(), **refused}
    forms.set_choices(page_forms["fill_form"], "vehicle_id", _choices(detail.vehicles))
    return render(request, "parc/voucher_detail.html", _ctx(request, d=detail, vo=detail.voucher, **page_forms))


VOUCHER = DetailPage("parc:voucher-detail", _voucher_page)


@role_required(*AGENTS)
def voucher_detail(request: HttpRequest, voucher_id: int) -> HttpResponse:
    return VOUCHER.render(request, voucher_id)


@require_POST
@role_required(*AGENTS)
def voucher_use(request: HttpRequest, voucher_id: int) -> HttpResponse:
    detail = selectors.voucher_get(viewer=request.user, voucher_id=voucher_id)
    form = forms.FillForm(request.POST)
    forms.set_choices(form, "vehicle_id", _choices(detail.vehicles))
    return form_action(
        form,
        lambda d: services.voucher_use(actor=request.user, data=services.FillInput(voucher_id=voucher_id, **d)),
        done=reverse("parc:voucher-detail", args=[voucher_id]) + "?used=1",
        again=lambda bound: _voucher_page(request, voucher_id, fill_form=bound),
    )


@require_POST
@role_required(permissions.MANAGER)
def voucher_cancel(request: HttpRequest, voucher_id: int) -> HttpResponse:
    return VOUCHER.act(
        request,
        voucher_id,
        forms.ReasonForm(request.POST),
        "cancel_form",
        lambda d: services.voucher_cancel(actor=request.user, voucher_id=voucher_id, reason=d["reason"]),
    )


# --- mission orders ----------------------------------------------------------------------------------------------


def _mission_form(request: HttpRequest) -> forms.MissionForm:
    form = forms.MissionForm(request.POST or None, initial={"vehicle_id": request.GET.get("vehicle", "")})
    vehicles = [
        selectors.Choice(v.id, v.plate)
        for v in selectors.vehicle_list(viewer=request.user)
        if v.state != State.REFORMED
    ]
    forms.set_choices(form, "vehicle_id", _choices(vehicles))
    forms.set_choices(form, "driver_id", _choices(selectors.drivers_list(viewer=request.user), blank=True))
    return form


@role_required(*AGENTS)
def mission_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "parc/mission_list.html", _ctx(request, missions=selectors.mission_list(viewer=request.user))
    )


@role_required(permissions.MANAGER)
def mission_create(request: HttpRequest) -> HttpResponse:
    form = _mission_form(request)
    if request.method == "POST" and form.is_valid():
        data = services.MissionInput(**form.cleaned_data)
        mission = run_in_form(form, lambda: services.mission_issue(actor=request.user, data=data))
        if mission is not None:
            return HttpResponseRedirect(reverse("parc:mission-detail", args=[mission.pk]) + "?issued=1")
    status = 400 if form.errors else 200
    return render(request, "parc/mission_form.html", _ctx(request, form=form), status=status)


def _mission_page(request: HttpRequest, mission_id: int, **refused: Any) -> HttpResponse:
    mission = selectors.mission_get(viewer=request.user, mission_id=mission_id)
    page_forms = {"complete_form": forms.CompleteForm(), "cancel_form": forms.ReasonForm(), **refused}
    return render(
        request, "parc/mission_detail.html", _ctx(request, m=mission, issued="issued" in request.GET, **page_forms)
    )


MISSION = DetailPage("parc:mission-detail", _mission_page)


@role_required(*AGENTS)
def mission_detail(request: HttpRequest, mission_id: int) -> HttpResponse:
    return MISSION.render(request, mission_id)


@role_required(*AGENTS)
def mission_pdf(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission = selectors.mission_get(viewer=request.user, mission_id=mission_id)
    return _pdf(
        *documents.mission_for(request=request, mission=mission, issued_on=timezone.localdate(mission.issued_at))
    )


@require_POST
@role_required(*AGENTS)
def mission_complete(request: HttpRequest, mission_id: int) -> HttpResponse:
    return MISSION.act(
        request,
        mission_id,
        forms.CompleteForm(request.POST),
        "complete_form",
        lambda d: services.mission_complete(actor=request.user, mission_id=mission_id, end_odometer=d["end_odometer"]),
        aliases={"odometer": "end_odometer"},
    )


@require_POST
@role_required(permissions.MANAGER)
def mission_cancel(request: HttpRequest, mission_id: int) -> HttpResponse:
    return MISSION.act(
        request,
        mission_id,
        forms.ReasonForm(request.POST),
        "cancel_form",
        lambda d: services.mission_cancel(actor=request.user, mission_id=mission_id, reason=d["reason"]),
    )


# --- the monthly report and the setup ----------------------------------------------------------------------------


def _month(value: str) -> tuple[int, int]:
    today = timezone.localdate()
    form = forms.MonthForm({"month": value})
    if value and form.is_valid():
        year, month = (int(p) for p in value.split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    return today.year, today.month


@role_required(*AGENTS)
def fuel_report(request: HttpRequest) -> HttpResponse:
    year, month = _month(request.GET.get("month", ""))
    report = selectors.fuel_report(viewer=request.user, year=year, month=month)
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    following = (first + dt.timedelta(days=32)).strftime("%Y-%m")
    return render(
        request,
        "parc/report.html",
        _ctx(request, r=report, month=f"{year}-{month:02d}", previous=previous, following=following),
    )


@role_required(permissions.MANAGER)
def setup(request: HttpRequest) -> HttpResponse:
    page_forms: dict[str, Any] = {
        "service_form": forms.ServiceForm(),
        "driver_form": forms.DriverForm(),
        "threshold_form": forms.ThresholdForm(),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "service":
            form: Any = forms.ServiceForm(request.POST)
            call: Callable[[dict[str, Any]], Any] = lambda d: services.service_create(actor=request.user, **d)  # noqa: E731
        elif which == "driver":
            form = forms.DriverForm(request.POST)
            call = lambda d: services.driver_create(actor=request.user, **d)  # noqa: E731
        else:
            form = forms.ThresholdForm(request.POST)
            call = lambda d: services.threshold_set(actor=request.user, **d)  # noqa: E731
        if form.is_valid() and run_in_form(form, lambda: call(form.cleaned_data)) is not None:
            return HttpResponseRedirect(reverse("parc:setup"))
        page_forms[f"{which if which in ('service', 'driver') else 'threshold'}_form"] = form
        status = 400
    limits = selectors.thresholds(viewer=request.user)
    return render(
        request,
        "parc/setup.html",
        _ctx(
            request,
            services=selectors.services_list(viewer=request.user),
            drivers=selectors.drivers_list(viewer=request.user),
            limits=[(Kind(k).label, v) for k, v in sorted(limits.items())],
            **page_forms,
        ),
        status=status,
    )
