"""Reference: default taxes and budget lines, and what the régisseur keeps (the régie's arrêté, budget lines,
appointments, taxes, tariff versions)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from jamaa.platform.core.services import audit_record

from .. import exceptions, permissions
from ..models import (
    BaseKind,
    BudgetLine,
    Liquidation,
    LiquidationStatus,
    Quittance,
    Regie,
    RegieStaff,
    StaffRole,
    Tariff,
    Tax,
)
from .quittances import CENT
from .taxpayers import _clean

# Budget lines (code, label FR, label AR) and taxes (code, FR, AR, base kind, budget line, [(from, rate, arrêté)])
# a commune starts with; tariffs from the domain note (confirm each against the commune's arrêté fiscal).
DEFAULT_BUDGET_LINES = (
    ("10.20.11", "Taxe sur les terrains urbains non bâtis", "الرسم على الأراضي الحضرية غير المبنية"),
    ("10.20.12", "Taxe sur les opérations de construction", "الرسم على عمليات البناء"),
    ("10.20.21", "Taxe sur les débits de boissons", "الرسم على محال بيع المشروبات"),
    ("10.20.22", "Taxe de séjour", "رسم الإقامة بالمؤسسات السياحية"),
    ("10.20.23", "Taxe sur le transport public de voyageurs", "الرسم على النقل العمومي للمسافرين"),
    ("10.20.31", "Redevance d'occupation temporaire du domaine public", "إتاوة الاحتلال المؤقت للملك العمومي"),
    ("401", "Droits de légalisation et de certification", "رسوم تصحيح الإمضاء والإشهاد"),
    ("10.60.10", "Amendes de police administrative", "غرامات الشرطة الإدارية"),
)
DEFAULT_TAXES: tuple[tuple[str, str, str, str, str, tuple[tuple[dt.date, str, str], ...]], ...] = (
    (
        "TNB",
        "Taxe sur les terrains urbains non bâtis",
        "الرسم على الأراضي الحضرية غير المبنية",
        BaseKind.AREA,
        "10.20.11",
        ((dt.date(2021, 1, 1), "20", "Arrêté fiscal 2021"), (dt.date(2026, 1, 1), "30", "Loi 14-25")),
    ),
    (
        "CONSTRUCTION",
        "Taxe sur les opérations de construction",
        "الرسم على عمليات البناء",
        BaseKind.AREA,
        "10.20.12",
        ((dt.date(2021, 1, 1), "20", "Arrêté fiscal 2021"),),
    ),
    (
        "BOISSONS",
        "Taxe sur les débits de boissons",
        "الرسم على محال بيع المشروبات",
        BaseKind.SALES_PERCENT,
        "10.20.21",
        ((dt.date(2021, 1, 1), "0.08", "Arrêté fiscal 2021"),),
    ),
    (
        "SEJOUR",
        "Taxe de séjour",
        "رسم الإقامة بالمؤسسات السياحية",
        BaseKind.NIGHT,
        "10.20.22",
        ((dt.date(2021, 1, 1), "15", "Arrêté fiscal 2021"),),
    ),
    (
        "TRANSPORT",
        "Taxe sur le transport public de voyageurs (taxi, par trimestre)",
        "الرسم على النقل العمومي للمسافرين",
        BaseKind.QUARTER,
        "10.20.23",
        ((dt.date(2021, 1, 1), "150", "Arrêté fiscal 2021"),),
    ),
    (
        "ODP",
        "Occupation temporaire du domaine public (terrasses, par m² et par trimestre)",
        "الاحتلال المؤقت للملك العمومي",
        BaseKind.AREA,
        "10.20.31",
        ((dt.date(2021, 1, 1), "70", "Arrêté fiscal 2021"),),
    ),
    (
        "LEGALISATION",
        "Légalisation de signature / certification conforme",
        "تصحيح الإمضاء والإشهاد بالمطابقة",
        BaseKind.FIXED,
        "401",
        ((dt.date(2021, 1, 1), "20", "Arrêté fiscal 2021"),),
    ),
    (
        "AMENDE_POLICE",  # the amount is the fine's (police_fine_ordre_issue): base 1 × the amount decided
        "Amendes de police administrative",
        "غرامات الشرطة الإدارية",
        BaseKind.FIXED,
        "10.60.10",
        ((dt.date(2021, 1, 1), "1", "Arrêté fiscal 2021"),),
    ),
)


@transaction.atomic
def reference_install_defaults(*, regie_id: int | None = None) -> Regie:
    """Seed, idempotently, a régie (if none), the budget lines and the domain note's taxes with their tariffs;
    existing rows are left as they are. Returns the régie. Raises RegieNotFound for an unknown regie_id."""
    if regie_id is not None:
        regie = Regie.objects.filter(pk=regie_id).first()
        if regie is None:
            raise exceptions.RegieNotFound()
    else:
        regie = Regie.objects.order_by("pk").first() or Regie.objects.create(
            name_fr="Régie des recettes",
            name_ar="وكالة المداخيل",
            arrete_number="1/2026",
            arrete_date=dt.date(2026, 1, 2),
            cash_ceiling_dh=Decimal("50000"),
        )
    lines = []
    for code, label_fr, label_ar in DEFAULT_BUDGET_LINES:
        line, _ = BudgetLine.objects.get_or_create(code=code, defaults={"label_fr": label_fr, "label_ar": label_ar})
        lines.append(line)
    regie.budget_lines.add(*lines)
    for code, name_fr, name_ar, base_kind, budget_line, tariffs in DEFAULT_TAXES:
        tax, created = Tax.objects.get_or_create(
            code=code,
            defaults={"name_fr": name_fr, "name_ar": name_ar, "base_kind": base_kind, "budget_line": budget_line},
        )
        if created:
            for valid_from, rate, arrete in tariffs:
                Tariff.objects.create(tax=tax, rate=Decimal(rate), valid_from=valid_from, arrete_reference=arrete)
        elif not tax.tariffs.exists():
            valid_from, rate, arrete = tariffs[-1]
            Tariff.objects.create(tax=tax, rate=Decimal(rate), valid_from=valid_from, arrete_reference=arrete)
    audit_record(actor=None, action="regie.reference.installed", target=regie, data={})
    return regie


# --- Reference kept by the régisseur: the régie's arrêté, budget lines, appointments, taxes, tariff versions -----
# Who may: permissions.can_set_up (the régisseur/suppléant or the commune's administrators). Each refusal names
# its fields (extra["fields"]) so a form or an API client can show the message next to what was typed.

# An appointment's role → the group that carries its permissions (the suppléant acts for the régisseur).
ROLE_GROUPS = {
    StaffRole.AGENT: permissions.AGENT,
    StaffRole.REGISSEUR: permissions.REGISSEUR,
    StaffRole.SUPPLEANT: permissions.REGISSEUR,
}
BUDGET_LINE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,29}$")
TAX_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_\-]{0,29}$")


def _may_set_up(by: Any) -> None:
    if not permissions.can_set_up(by):
        raise exceptions.NotAllowedToSetUp()


def _required(fields: dict[str, list[str]], **values: Any) -> None:
    for name, value in values.items():
        if value is None or (isinstance(value, str) and not value):
            fields[name] = [gettext("Required.")]


@transaction.atomic
def regie_update(
    *,
    actor: Any,
    regie_id: int,
    name_fr: str,
    name_ar: str,
    arrete_number: str,
    arrete_date: dt.date | None,
    cash_ceiling_dh: Decimal | None,
    budget_line_codes: list[str],
) -> Regie:
    """Record the régie's arrêté of creation as amended: names, number and date, cash ceiling, and the budget lines
    it authorises (the counter refuses any other). The previous values go into the audit row. Raises
    NotAllowedToSetUp, RegieNotFound, InvalidRegie."""
    _may_set_up(actor)
    regie = Regie.objects.select_for_update().filter(pk=regie_id).first()
    if regie is None:
        raise exceptions.RegieNotFound()
    name_fr, name_ar, arrete_number = _clean(name_fr), _clean(name_ar), _clean(arrete_number)
    codes = sorted({_clean(c) for c in budget_line_codes if _clean(c)})
    fields: dict[str, list[str]] = {}
    _required(fields, name_fr=name_fr, name_ar=name_ar, arrete_number=arrete_number, arrete_date=arrete_date)
    if arrete_date is not None and arrete_date > timezone.localdate():
        fields["arrete_date"] = [gettext("An arrêté cannot be dated in the future.")]
    if cash_ceiling_dh is None or cash_ceiling_dh <= 0:
        fields["cash_ceiling_dh"] = [gettext("The cash ceiling must be a positive amount.")]
    lines = list(BudgetLine.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {line.code for line in lines})
    if unknown:
        fields["budget_line_codes"] = [gettext("Unknown budget line: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if fields:
        raise exceptions.InvalidRegie(extra={"fields": fields})
    before = {
        "name_fr": regie.name_fr,
        "name_ar": regie.name_ar,
        "arrete_number": regie.arrete_number,
        "arrete_date": regie.arrete_date.isoformat(),
        "cash_ceiling_dh": str(regie.cash_ceiling_dh),
        "budget_lines": sorted(regie.budget_lines.values_list("code", flat=True)),
    }
    assert arrete_date is not None and cash_ceiling_dh is not None  # checked above
    regie.name_fr, regie.name_ar, regie.arrete_number = name_fr, name_ar, arrete_number
    regie.arrete_date, regie.cash_ceiling_dh = arrete_date, cash_ceiling_dh.quantize(CENT)
    regie.save(update_fields=["name_fr", "name_ar", "arrete_number", "arrete_date", "cash_ceiling_dh"])
    regie.budget_lines.set(lines)
    after = {
        "name_fr": name_fr,
        "name_ar": name_ar,
        "arrete_number": arrete_number,
        "arrete_date": arrete_date.isoformat(),
        "cash_ceiling_dh": str(regie.cash_ceiling_dh),
        "budget_lines": codes,
    }
    audit_record(actor=actor, action="regie.regie.updated", target=regie, data={"before": before, "after": after})
    return regie


@transaction.atomic
def budget_line_create(*, actor: Any, code: str, label_fr: str, label_ar: str) -> BudgetLine:
    """Add a line of the commune's revenue budget (code économique). It is collected only once the régie's
    arrêté authorises it (regie_update). Raises NotAllowedToSetUp, InvalidBudgetLine."""
    _may_set_up(actor)
    code, label_fr, label_ar = _clean(code).replace(" ", ""), _clean(label_fr), _clean(label_ar)
    fields: dict[str, list[str]] = {}
    _required(fields, code=code, label_fr=label_fr, label_ar=label_ar)
    if code and not BUDGET_LINE_CODE.match(code):
        fields["code"] = [gettext("A budget line code holds digits, letters and dots (e.g. 10.20.31).")]
    elif code and BudgetLine.objects.filter(code=code).exists():
        fields["code"] = [gettext("This budget line already exists.")]
    if fields:
        raise exceptions.InvalidBudgetLine(extra={"fields": fields})
    try:
        with transaction.atomic():
            line = BudgetLine.objects.create(code=code, label_fr=label_fr, label_ar=label_ar)
    except IntegrityError:  # created meanwhile by someone else
        raise exceptions.InvalidBudgetLine(
            extra={"fields": {"code": [gettext("This budget line already exists.")]}}
        ) from None
    audit_record(actor=actor, action="regie.budget_line.created", target=line, data={"code": code})
    return line


def _current(qs: Any, on: dt.date) -> Any:
    return qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on), valid_from__lte=on)


@transaction.atomic
def staff_appoint(
    *,
    actor: Any,
    regie_id: int,
    user_id: int,
    role: str,
    arrete_number: str,
    arrete_date: dt.date | None,
    valid_from: dt.date | None,
    valid_until: dt.date | None = None,
) -> RegieStaff:
    """Record an appointment by arrêté (régisseur, suppléant or collecting agent). The role's group follows it:
    given when the appointment is in force today. An appointment starts today or earlier (permissions are given
    when it is recorded); past ones may be recorded with their end. The same person cannot hold the same role
    twice over overlapping periods. Raises NotAllowedToSetUp, RegieNotFound, StaffUserNotFound,
    InvalidAppointment, AppointmentOverlaps."""
    _may_set_up(actor)
    if not Regie.objects.filter(pk=regie_id).exists():
        raise exceptions.RegieNotFound()
    User = get_user_model()
    user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
    if user is None:
        raise exceptions.StaffUserNotFound(extra={"fields": {"user_id": [gettext("No such active user.")]}})
    today = timezone.localdate()
    arrete_number = _clean(arrete_number)
    fields: dict[str, list[str]] = {}
    _required(fields, arrete_number=arrete_number, arrete_date=arrete_date, valid_from=valid_from)
    if role not in StaffRole.values:
        fields["role"] = [gettext("One of: %(roles)s.") % {"roles": ", ".join(StaffRole.values)}]
    if arrete_date is not None and arrete_date > today:
        fields["arrete_date"] = [gettext("An arrêté cannot be dated in the future.")]
    if valid_from is not None and valid_from > today:
        fields["valid_from"] = [
            gettext("Record the appointment on the day it takes effect (its role is given at once).")
        ]
    if valid_from is not None and arrete_date is not None and valid_from < arrete_date:
        fields["valid_from"] = [gettext("An appointment takes effect on or after the date of its arrêté.")]
    if valid_until is not None and valid_from is not None and valid_until < valid_from:
        fields["valid_until"] = [gettext("The end comes after the start.")]
    if fields:
        raise exceptions.InvalidAppointment(extra={"fields": fields})
    assert valid_from is not None and arrete_date is not None  # checked above
    # Locking the user's row above serialises appointments of one person: the overlap check cannot race.
    same = RegieStaff.objects.filter(regie_id=regie_id, user=user, role=role)
    overlap = same.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    if valid_until is not None:
        overlap = overlap.filter(valid_from__lte=valid_until)
    clash = overlap.order_by("valid_from").first()
    if clash is not None:
        raise exceptions.AppointmentOverlaps(
            extra={
                "fields": {
                    "valid_from": [gettext("Overlaps the appointment under arrêté %(n)s.") % {"n": clash.arrete_number}]
                },
                "staff_id": clash.pk,
            }
        )
    staff = RegieStaff.objects.create(
        regie_id=regie_id,
        user=user,
        role=role,
        arrete_number=arrete_number,
        arrete_date=arrete_date,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if valid_from <= today and (valid_until is None or valid_until >= today):
        # Only given here: a group held without an appointment (given on the Staff page) is not taken away.
        user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[StaffRole(role)])[0])
    audit_record(
        actor=actor,
        action="regie.staff.appointed",
        target=staff,
        data={
            "user": user.pk,
            "role": role,
            "arrete": arrete_number,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return staff


@transaction.atomic
def staff_end(*, actor: Any, staff_id: int, valid_until: dt.date | None) -> RegieStaff:
    """End an appointment on its last day (never deleted: the register of appointments keeps it). The end is
    recorded when it takes effect (today or earlier) and the role's group is withdrawn at once, unless another
    appointment to a role of that group is still in force. Raises NotAllowedToSetUp, AppointmentNotFound,
    InvalidAppointment."""
    _may_set_up(actor)
    staff = RegieStaff.objects.select_for_update().select_related("user").filter(pk=staff_id).first()
    if staff is None:
        raise exceptions.AppointmentNotFound()
    today = timezone.localdate()
    fields: dict[str, list[str]] = {}
    if valid_until is None:
        fields["valid_until"] = [gettext("Required.")]
    elif valid_until < staff.valid_from:
        fields["valid_until"] = [
            gettext("The end comes after the start (%(d)s).") % {"d": staff.valid_from.isoformat()}
        ]
    elif valid_until > today:
        fields["valid_until"] = [gettext("Record the end on the day it takes effect (the role is withdrawn at once).")]
    elif staff.valid_until is not None and staff.valid_until <= valid_until:
        fields["valid_until"] = [
            gettext("This appointment already ended on %(d)s.") % {"d": staff.valid_until.isoformat()}
        ]
    if fields:
        raise exceptions.InvalidAppointment(extra={"fields": fields})
    assert valid_until is not None
    previous = staff.valid_until
    staff.valid_until = valid_until
    staff.save(update_fields=["valid_until"])
    # The end is recorded when it takes effect: the role is withdrawn now.
    group = ROLE_GROUPS[StaffRole(staff.role)]
    roles = [role for role, name in ROLE_GROUPS.items() if name == group]
    others = _current(RegieStaff.objects.filter(user=staff.user, role__in=roles).exclude(pk=staff.pk), today)
    if not others.exists():
        staff.user.groups.remove(*Group.objects.filter(name=group))
    audit_record(
        actor=actor,
        action="regie.staff.ended",
        target=staff,
        data={
            "user": staff.user_id,
            "role": staff.role,
            "valid_until": valid_until.isoformat(),
            "previous_valid_until": previous.isoformat() if previous else None,
        },
    )
    return staff


@transaction.atomic
def tax_create(*, actor: Any, code: str, name_fr: str, name_ar: str, base_kind: str, budget_line: str) -> Tax:
    """Add a tax or fee of the commune's arrêté fiscal; its rates are tariff versions (tariff_add). Raises
    NotAllowedToSetUp, InvalidTax."""
    _may_set_up(actor)
    code, name_fr, name_ar, budget_line = _clean(code).upper(), _clean(name_fr), _clean(name_ar), _clean(budget_line)
    fields: dict[str, list[str]] = {}
    _required(fields, code=code, name_fr=name_fr, name_ar=name_ar, budget_line=budget_line)
    if code and not TAX_CODE.match(code):
        fields["code"] = [gettext("A tax code holds capital letters, digits, - and _ (e.g. ODP).")]
    elif code and Tax.objects.filter(code=code).exists():
        fields["code"] = [gettext("This tax code is already used.")]
    if base_kind not in BaseKind.values:
        fields["base_kind"] = [gettext("One of: %(kinds)s.") % {"kinds": ", ".join(BaseKind.values)}]
    if budget_line and not BudgetLine.objects.filter(code=budget_line).exists():
        fields["budget_line"] = [gettext("Unknown budget line: add it first.")]
    if fields:
        raise exceptions.InvalidTax(extra={"fields": fields})
    try:
        with transaction.atomic():
            tax = Tax.objects.create(
                code=code, name_fr=name_fr, name_ar=name_ar, base_kind=base_kind, budget_line=budget_line
            )
    except IntegrityError:
        raise exceptions.InvalidTax(extra={"fields": {"code": [gettext("This tax code is already used.")]}}) from None
    audit_record(
        actor=actor,
        action="regie.tax.created",
        target=tax,
        data={"code": code, "base_kind": base_kind, "budget_line": budget_line},
    )
    return tax


@transaction.atomic
def tariff_add(
    *, actor: Any, tax_id: int, rate: Decimal | None, valid_from: dt.date | None, arrete_reference: str = ""
) -> Tariff:
    """A new version of a tax's rate, in force from `valid_from` (the arrêté fiscal's date of effect) until the next
    one. A version is never edited: a wrong rate is followed by a new version. Refused on a day that already has a
    version, and from a day already liquidated or collected under the old rate (its quittances would no longer
    match the tariff in force). Raises NotAllowedToSetUp, TaxNotFound, InvalidTariff, TariffVersionExists."""
    _may_set_up(actor)
    tax = Tax.objects.select_for_update().filter(pk=tax_id).first()  # one new version of a tax at a time
    if tax is None:
        raise exceptions.TaxNotFound()
    arrete_reference = _clean(arrete_reference)
    fields: dict[str, list[str]] = {}
    _required(fields, rate=rate, valid_from=valid_from)
    if rate is not None:
        try:
            rate = Decimal(rate)
            if rate < 0 or rate != rate.quantize(Decimal("0.0001")) or rate >= Decimal("100000000"):
                raise InvalidOperation
        except InvalidOperation:
            fields["rate"] = [gettext("A rate is zero or positive, with at most 4 decimals.")]
        else:
            if tax.base_kind == BaseKind.SALES_PERCENT and rate > 100:
                fields["rate"] = [gettext("A percentage of sales is at most 100.")]
    if len(arrete_reference) > 100:
        fields["arrete_reference"] = [gettext("At most 100 characters.")]
    if fields:
        raise exceptions.InvalidTariff(extra={"fields": fields})
    assert rate is not None and valid_from is not None
    existing = tax.tariffs.filter(valid_from=valid_from).first()
    if existing is not None:
        raise exceptions.TariffVersionExists(
            extra={
                "fields": {
                    "valid_from": [
                        gettext("A version (rate %(rate)s) already takes effect on %(d)s: choose another date.")
                        % {"rate": existing.rate.normalize(), "d": valid_from.isoformat()}
                    ]
                },
                "tariff_id": existing.pk,
            }
        )
    # Days already collected (quittances) or liquidated (liquidations not cancelled) under the rate then in force.
    days = [
        Quittance.objects.filter(tax=tax, day__gte=valid_from).order_by("-day").values_list("day", flat=True).first(),
        Liquidation.objects.filter(tax=tax, computed_on__gte=valid_from)
        .exclude(status=LiquidationStatus.CANCELLED)
        .order_by("-computed_on")
        .values_list("computed_on", flat=True)
        .first(),
    ]
    used = max((d for d in days if d is not None), default=None)
    if used is not None:
        raise exceptions.InvalidTariff(
            gettext("This tax was already liquidated or collected on %(d)s under the rate then in force.")
            % {"d": used.isoformat()},
            extra={
                "fields": {
                    "valid_from": [
                        gettext("This tax was liquidated or collected up to %(d)s: a new rate takes effect after it.")
                        % {"d": used.isoformat()}
                    ]
                }
            },
        )
    tariff = Tariff.objects.create(tax=tax, rate=rate, valid_from=valid_from, arrete_reference=arrete_reference)
    audit_record(
        actor=actor,
        action="regie.tariff.added",
        target=tariff,
        data={"tax": tax.code, "rate": str(rate), "valid_from": valid_from.isoformat(), "arrete": arrete_reference},
    )
    return tariff
