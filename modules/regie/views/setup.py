"""The régie's setup as its régisseur keeps it: the régie, budget lines, appointments, taxes, tariff versions."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jamaa.platform.kernel.forms import run_in_form
from jamaa.platform.kernel.pages import found

from .. import selectors, services
from ..forms import (
    AppointForm,
    BudgetLineForm,
    RegieForm,
    RegieSetupForm,
    StaffEndForm,
    TariffForm,
    TaxForm,
)
from ..models import (
    BaseKind,
    Regie,
)
from .common import (
    FIELD_ALIASES,
    T,
    _name,
    _page,
    _regie_or_none,
    _today,
    _user_label,
    setup_required,
    with_regie,
)

# -------------------------------------------------------------------------------------------------------- setup


def _setup_attempt(form: RegieForm, call: Callable[[], T]) -> T | None:
    """A reference service's refusal: each field it names gets its own messages (the kernel's run_in_form with
    `detail`); the rest goes above the form; a 403/404 becomes its error page."""
    return run_in_form(form, call, aliases=FIELD_ALIASES, detail=True)


def _budget_line_choices() -> list[tuple[str, str]]:
    return [(b.code, f"{b.code} — {_name(b)}") for b in selectors.budget_lines()]


def _user_choices() -> list[tuple[int, str]]:
    return [(u.pk, _user_label(u)) for u in selectors.commune_users()]


def _setup_page(
    request: HttpRequest,
    *,
    regie_form: RegieSetupForm | None = None,
    budget_line_form: BudgetLineForm | None = None,
    appoint_form: AppointForm | None = None,
    end_form: tuple[int, StaffEndForm] | None = None,
    tax_form: TaxForm | None = None,
    tariff_form: tuple[int, TariffForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole reference on one page; a form sent back with errors replaces its blank twin."""
    regie = _regie_or_none()
    today = _today()
    lines = list(selectors.budget_lines())
    authorised = {b.code for b in selectors.budget_lines(regie_id=regie.pk)} if regie else set()
    line_choices = [(b.code, f"{b.code} — {_name(b)}") for b in lines]
    if regie is not None and regie_form is None:
        regie_form = RegieSetupForm(
            initial={
                "name_fr": regie.name_fr,
                "name_ar": regie.name_ar,
                "arrete_number": regie.arrete_number,
                "arrete_date": regie.arrete_date,
                "cash_ceiling_dh": regie.cash_ceiling_dh,
                "budget_lines": sorted(authorised),
            },
            budget_lines=line_choices,
        )
    staff_rows = []
    for appointment in selectors.staff_appointments(regie_id=regie.pk) if regie else []:
        current = appointment.valid_from <= today and (
            appointment.valid_until is None or appointment.valid_until >= today
        )
        ending: StaffEndForm | None = None
        if appointment.valid_until is None or appointment.valid_until > today:
            if end_form is not None and end_form[0] == appointment.pk:
                ending = end_form[1]
            else:
                ending = StaffEndForm(initial={"valid_until": today}, auto_id=f"id_end_{appointment.pk}_%s")
        staff_rows.append({"s": appointment, "current": current, "end_form": ending})
    versions = selectors.tariffs_by_tax()
    tax_rows = []
    for tax in selectors.taxes_in_force(on=today):
        if tariff_form is not None and tariff_form[0] == tax.tax_id:
            form = tariff_form[1]
        else:
            form = TariffForm(auto_id=f"id_tariff_{tax.tax_id}_%s")
        tax_rows.append(
            {
                "tax": tax,
                "name": _name(tax),
                "base": BaseKind(tax.base_kind).label,
                "versions": versions.get(tax.tax_id, []),
                "form": form,
            }
        )
    return _page(
        request,
        "setup.html",
        {
            "regie": regie,
            "regie_name": _name(regie) if regie else "",
            "regie_form": regie_form,
            "budget_lines": [(b, _name(b), b.code in authorised) for b in lines],
            "budget_line_form": budget_line_form or BudgetLineForm(),
            "staff": staff_rows,
            "appoint_form": appoint_form or AppointForm(users=_user_choices()),
            "taxes": tax_rows,
            "tax_form": tax_form or TaxForm(budget_lines=line_choices),
            "today": today,
        },
        status=status,
    )


@setup_required
def setup(request: HttpRequest) -> HttpResponse:
    """The régie's reference: its arrêté, ceiling and budget lines, appointments by arrêté, taxes and their tariff
    versions (the one in force today highlighted)."""
    return _setup_page(request)


def _setup_done(request: HttpRequest, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(reverse("regie:setup") + anchor)


@setup_required
@with_regie
@require_POST
def setup_regie(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Record the régie's arrêté as amended: names, number and date, cash ceiling, authorised budget lines."""
    form = RegieSetupForm(request.POST, budget_lines=_budget_line_choices())
    if form.is_valid():
        data = form.cleaned_data
        done = _setup_attempt(
            form,
            lambda: services.regie_update(
                actor=request.user,
                regie_id=regie.pk,
                name_fr=data["name_fr"],
                name_ar=data["name_ar"],
                arrete_number=data["arrete_number"],
                arrete_date=data["arrete_date"],
                cash_ceiling_dh=data["cash_ceiling_dh"],
                budget_line_codes=list(data["budget_lines"]),
            ),
        )
        if done is not None:
            return _setup_done(request, _("The régie's arrêté is recorded."), "#regie")
    return _setup_page(request, regie_form=form, status=400)


@setup_required
@require_POST
def setup_budget_line(request: HttpRequest) -> HttpResponse:
    form = BudgetLineForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        line = _setup_attempt(
            form,
            lambda: services.budget_line_create(
                actor=request.user, code=data["code"], label_fr=data["label_fr"], label_ar=data["label_ar"]
            ),
        )
        if line is not None:
            return _setup_done(
                request,
                _("Budget line %(code)s added: tick it in the régie's arrêté to collect it.") % {"code": line.code},
                "#regie",
            )
    return _setup_page(request, budget_line_form=form, status=400)


@setup_required
@with_regie
@require_POST
def setup_appoint(request: HttpRequest, regie: Regie) -> HttpResponse:
    """Appoint a commune user by arrêté: the role's permissions follow the appointment."""
    form = AppointForm(request.POST, users=_user_choices())
    if form.is_valid():
        data = form.cleaned_data
        staff = _setup_attempt(
            form,
            lambda: services.staff_appoint(
                actor=request.user,
                regie_id=regie.pk,
                user_id=data["user"],
                role=data["role"],
                arrete_number=data["arrete_number"],
                arrete_date=data["arrete_date"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            ),
        )
        if staff is not None:
            return _setup_done(
                request,
                _("%(user)s appointed %(role)s.") % {"user": _user_label(staff.user), "role": staff.get_role_display()},
                "#staff",
            )
    return _setup_page(request, appoint_form=form, status=400)


@setup_required
@require_POST
def setup_staff_end(request: HttpRequest, staff_id: int) -> HttpResponse:
    """End an appointment on its last day: kept in the register, the role withdrawn."""
    form = StaffEndForm(request.POST, auto_id=f"id_end_{staff_id}_%s")
    if form.is_valid():
        staff = _setup_attempt(
            form,
            lambda: services.staff_end(
                actor=request.user, staff_id=staff_id, valid_until=form.cleaned_data["valid_until"]
            ),
        )
        if staff is not None:
            return _setup_done(
                request,
                _("The appointment of %(user)s ends on %(day)s.")
                % {
                    "user": _user_label(staff.user),
                    "day": formats.date_format(form.cleaned_data["valid_until"], "SHORT_DATE_FORMAT"),
                },
                "#staff",
            )
    return _setup_page(request, end_form=(staff_id, form), status=400)


@setup_required
@require_POST
def setup_tax(request: HttpRequest) -> HttpResponse:
    form = TaxForm(request.POST, budget_lines=_budget_line_choices())
    if form.is_valid():
        data = form.cleaned_data
        tax = _setup_attempt(
            form,
            lambda: services.tax_create(
                actor=request.user,
                code=data["code"],
                name_fr=data["name_fr"],
                name_ar=data["name_ar"],
                base_kind=data["base_kind"],
                budget_line=data["budget_line"],
            ),
        )
        if tax is not None:
            return _setup_done(
                request, _("Tax %(code)s added: give it its first tariff version.") % {"code": tax.code}, "#taxes"
            )
    return _setup_page(request, tax_form=form, status=400)


@setup_required
@require_POST
def setup_tariff(request: HttpRequest, tax_id: int) -> HttpResponse:
    """A new version of a tax's rate from its date of effect; the earlier versions stay as they were."""
    form = TariffForm(request.POST, auto_id=f"id_tariff_{tax_id}_%s")
    if form.is_valid():
        data = form.cleaned_data
        tariff = _setup_attempt(
            form,
            lambda: services.tariff_add(
                actor=request.user,
                tax_id=tax_id,
                rate=data["rate"],
                valid_from=data["valid_from"],
                arrete_reference=data["arrete_reference"],
            ),
        )
        if tariff is not None:
            return _setup_done(
                request,
                _("New rate of %(code)s from %(day)s recorded.")
                % {"code": tariff.tax.code, "day": formats.date_format(tariff.valid_from, "SHORT_DATE_FORMAT")},
                f"#tax-{tax_id}",
            )
    found(lambda: selectors.tax_get(tax_id=tax_id))  # an unknown tax is a 404, not a form error
    return _setup_page(request, tariff_form=(tax_id, form), status=400)


@setup_required
@require_POST
def setup_install_defaults(request: HttpRequest) -> HttpResponse:
    """Install (idempotently) a régie, the budget lines and the usual taxes with their tariffs."""
    regie = _regie_or_none()
    services.reference_install_defaults(regie_id=regie.pk if regie else None)
    messages.success(request, _("The default reference (budget lines, taxes and tariffs) is installed."))
    return HttpResponseRedirect(reverse("regie:setup"))
